// SPDX-License-Identifier: GPL-2.0
#include "kernel_release.h"

#include <sys/utsname.h>

#include <cstdio>

bool KernelAtLeast(int major, int minor)
{
	struct utsname u;
	int got_major = 0, got_minor = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &got_major, &got_minor) != 2)
		return true;
	return got_major > major || (got_major == major && got_minor >= minor);
}
