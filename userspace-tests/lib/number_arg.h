// SPDX-License-Identifier: GPL-2.0
// Numbers given to the guest tools' options (--files=N, --writes=N, ...),
// read strictly: decimal digits only, nothing after them, no overflow.
// "--files=abc" or "--files=10k" is refused, not read as 0 or 10.
#pragma once

#include <cerrno>
#include <cstdlib>

// The number text spells, when it is one no greater than max.
inline bool ParseNumber(const char *text, unsigned long long max, unsigned long long *out)
{
	if (*text < '0' || *text > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (*end != '\0' || errno == ERANGE || v > max)
		return false;
	*out = v;
	return true;
}
