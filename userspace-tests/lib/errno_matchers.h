// SPDX-License-Identifier: GPL-2.0
// gmock matchers for syscall results that print errno by name:
//   EXPECT_THAT(write(fd, buf, n), SyscallFailsWithErrno(EINVAL));
//   EXPECT_THAT(Errno(WriteMap(...)), ErrnoIs(EPERM));
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include <gmock/gmock.h>

#include "errno_or.h"


MATCHER(SyscallSucceeds, "succeeds")
{
	if (arg >= 0)
		return true;
	*result_listener << "failed with " << ErrnoName(errno);
	return false;
}

MATCHER_P(SyscallFailsWithErrno, expected,
	  "fails with " + ErrnoName(expected))
{
	int saved = errno;
	if (arg >= 0) {
		*result_listener << "succeeded, returning " << arg;
		return false;
	}
	if (saved == expected)
		return true;
	*result_listener << "failed with " << ErrnoName(saved);
	return false;
}

// For a helper's ErrnoOr (or an errno value): ErrnoIs(0) is success.
MATCHER_P(ErrnoIs, expected, expected ? "fails with " + ErrnoName(expected) : "succeeds")
{
	if (ErrnoOf(arg) == expected)
		return true;
	*result_listener << (ErrnoOf(arg) ? "failed with " : "") << ErrnoName(ErrnoOf(arg));
	return false;
}
