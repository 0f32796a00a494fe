// SPDX-License-Identifier: GPL-2.0
// gmock matchers for syscall results that print errno by name:
//   EXPECT_THAT(write(fd, buf, n), SyscallFailsWithErrno(EINVAL));
//   EXPECT_THAT(Errno(WriteMap(...)), ErrnoIs(EPERM));
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

#include <gmock/gmock.h>

inline std::string ErrnoName(int e)
{
	if (e == 0)
		return "success";
	if (e < 0)
		return "no errno (" + std::to_string(e) + ": the test's setup failed)";
	const char *name = strerrorname_np(e);
	return name ? name : "errno " + std::to_string(e);
}

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

// For helpers that return 0 or an errno value.
MATCHER_P(ErrnoIs, expected, "is " + ErrnoName(expected))
{
	if (arg == expected)
		return true;
	*result_listener << "is " << ErrnoName(arg);
	return false;
}
