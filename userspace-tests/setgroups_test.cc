// SPDX-License-Identifier: GPL-2.0
// /proc/PID/setgroups: "allow"/"deny", its ordering with gid_map, and
// setgroups(2) in a namespace (the CVE-2014-8989 fix).
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

USERNS_AREA(Setgroups);

// A new namespace of the initial one starts with "allow".
TEST_F(Setgroups, NewNamespaceReadsAllow)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "setgroups")), "allow\n");
	EXPECT_EQ(child.Finish(), 0);
}

// "deny" reads back as "deny", trailing blanks accepted.
TEST_F(Setgroups, DenyReadsBack)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "deny \n"), ErrnoIs(0));
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "setgroups")), "deny\n");
	EXPECT_EQ(child.Finish(), 0);
}

// A NUL ends the value: "deny\0" (five bytes) is taken whole, the write
// returning all five.
TEST_F(Setgroups, DenyFollowedByANulIsTakenWhole)
{
	NamespaceFile setgroups("setgroups", O_WRONLY);
	ASSERT_THAT(setgroups.status(), ErrnoIs(0));
	EXPECT_EQ(write(setgroups.fd(), "deny\0", 5), 5) << strerror(errno);
	EXPECT_EQ(ReadFile(ProcPath(setgroups.pid(), "setgroups")), "deny\n");
	EXPECT_EQ(setgroups.Finish(), 0);
}

// "allow" after "deny" is EPERM: the denial is permanent.
TEST_F(Setgroups, AllowAfterDenyIsEperm)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "deny"), ErrnoIs(0));
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "allow"), ErrnoIs(EPERM));
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "deny"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// Once gid_map is written, setgroups can no longer be denied; "allow"
// (no change) still succeeds.
TEST_F(Setgroups, DenyAfterGidMapIsEperm)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("gid_map", "0 0 1\n"), ErrnoIs(0));
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "deny"), ErrnoIs(EPERM));
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "allow"), ErrnoIs(0));
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "setgroups")), "allow\n");
	EXPECT_EQ(child.Finish(), 0);
}

// uid_map does not freeze setgroups; only gid_map does.
TEST_F(Setgroups, UidMapDoesNotFreezeSetgroups)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), "deny"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

class SetgroupsBadValue : public UsernsTest, public ::testing::WithParamInterface<const char *> {};

// Anything but "allow" or "deny" (plus blanks) is EINVAL.
TEST_P(SetgroupsBadValue, IsEinval)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_THAT(WriteFileOnce(ProcPath(child.pid(), "setgroups"), GetParam()), ErrnoIs(EINVAL));
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "setgroups")), "allow\n");
	EXPECT_EQ(child.Finish(), 0);
}

INSTANTIATE_TEST_SUITE_P(Values, SetgroupsBadValue,
			 ::testing::Values("maybe", "den", "DENY", "denyx", "1", " deny", "allow deny",
					   "deny    \n"));

// A write must be shorter than 8 bytes: "deny" padded to 7 bytes is
// accepted, to 8 bytes refused.
TEST_F(Setgroups, WriteOfSevenBytesPassesEightIsEinval)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	std::string path = ProcPath(child.pid(), "setgroups");
	EXPECT_THAT(WriteFileOnce(path, "deny    "), ErrnoIs(EINVAL));
	EXPECT_THAT(WriteFileOnce(path, "allow  \n"), ErrnoIs(EINVAL));
	EXPECT_EQ(ReadFile(path), "allow\n");
	EXPECT_THAT(WriteFileOnce(path, "deny   "), ErrnoIs(0));
	EXPECT_EQ(ReadFile(path), "deny\n");
	EXPECT_EQ(child.Finish(), 0);
}

// Writes must be at offset 0: a second write on the same fd is EINVAL.
TEST_F(Setgroups, SecondWriteOnSameFdIsEinval)
{
	NamespaceFile setgroups("setgroups", O_WRONLY);
	ASSERT_THAT(setgroups.status(), ErrnoIs(0));
	EXPECT_THAT(write(setgroups.fd(), "deny", 4), SyscallSucceeds());
	EXPECT_THAT(write(setgroups.fd(), "deny", 4), SyscallFailsWithErrno(EINVAL));
	EXPECT_EQ(setgroups.Finish(), 0);
}

// A child namespace starts with its parent's value.
TEST_F(Setgroups, ChildInheritsDeny)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/setgroups", "deny"));
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/uid_map", "0 1000 1\n"));
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/gid_map", "0 1000 1\n"));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_EQ(ReadFile("/proc/self/setgroups"), "deny\n");
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/setgroups", "allow")), EPERM);
		return 0;
	}), 0);
}

// setgroups(2) fails EPERM before gid_map is written, even with all
// capabilities in the namespace.
TEST_F(Setgroups, SetgroupsSyscallRefusedBeforeGidMap)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_ERRNO(setgroups(0, nullptr), EPERM);
		return 0;
	}), 0);
}

// With "deny", setgroups(2) stays refused after gid_map is written
// (CVE-2014-8989: dropping a group must not gain access).
TEST_F(Setgroups, Cve_2014_8989_SetgroupsSyscallRefusedAfterDeny)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/setgroups", "deny"));
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/gid_map", "0 1000 1\n"));
		CHILD_CHECK_ERRNO(setgroups(0, nullptr), EPERM);
		return 0;
	}), 0);
}

// With "allow" and a gid_map written by a privileged parent, setgroups(2)
// works inside.
TEST_F(Setgroups, SetgroupsSyscallAllowedAfterPrivilegedGidMap)
{
	UsernsChild child([] {
		gid_t g = 0;
		CHILD_CHECK_EQ(setgroups(1, &g), 0);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("gid_map", "0 0 10\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("uid_map", "0 0 10\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// Opening setgroups for write needs CAP_SYS_ADMIN over the namespace.
TEST_F(Setgroups, OpenForWriteWithoutCapSysAdminIsEacces)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		UsernsChild root_owned([] { return 0; });
		// A namespace owned by 1000 but opened from a sibling that holds
		// no capability over it.
		CHILD_CHECK_EQ(root_owned.setup_error(), 0);
		pid_t pid = root_owned.pid();
		int rc = RunInChild([pid] {
			CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
			CHILD_CHECK_ERRNO(open(ProcPath(pid, "setgroups").c_str(), O_WRONLY), EACCES);
			return 0;
		});
		CHILD_CHECK_EQ(rc, 0);
		return root_owned.Finish();
	}), 0);
}

}  // namespace
