// SPDX-License-Identifier: GPL-2.0
// setns(fd, CLONE_NEWUSER): userns_install's refusals, in order, and a
// successful join of a child namespace.
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

USERNS_AREA(Setns);

// Joining one's own namespace would regain dropped capabilities: EINVAL.
TEST_F(Setns, JoiningOwnNamespaceIsEinval)
{
	EXPECT_EQ(RunInChild([] {
		FileDescriptor self(open("/proc/self/ns/user", O_RDONLY));
		CHILD_CHECK(self.valid());
		CHILD_CHECK_ERRNO(setns(self.get(), CLONE_NEWUSER), EINVAL);
		return 0;
	}), 0);
}

// Root in the initial namespace may join a child namespace and then holds
// every capability there, and sees its ids through the child's maps.
TEST_F(Setns, RootJoinsChildNamespaceWithFullCapabilities)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	ASSERT_THAT(target.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	pid_t tpid = target.pid();
	EXPECT_EQ(RunInChild([tpid] {
		FileDescriptor ns(open(ProcPath(tpid, "ns/user").c_str(), O_RDONLY));
		CHILD_CHECK(ns.valid());
		CHILD_CHECK_EQ(setns(ns.get(), CLONE_NEWUSER), 0);
		CHILD_CHECK(HasEffectiveCapability(CAP_SYS_ADMIN));
		CHILD_CHECK(HasEffectiveCapability(CAP_SETUID));
		CHILD_CHECK_EQ(getuid(), 0);
		CHILD_CHECK_EQ(getgid(), kOverflowGid);  // gid_map not written
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// A multithreaded caller is refused: threads share one user namespace.
// The second thread has an fs_struct of its own (no CLONE_FS), so only
// the thread-group check can answer EINVAL; the control joins the same
// namespace once the thread is gone.
TEST_F(Setns, MultithreadedCallerIsEinval)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	pid_t tpid = target.pid();
	EXPECT_EQ(RunInChild([tpid] {
		FileDescriptor ns(open(ProcPath(tpid, "ns/user").c_str(), O_RDONLY));
		CHILD_CHECK(ns.valid());
		static char stack[64 * 1024];
		static volatile int thread_exit;
		long tid = clone(
			[](void *) -> int {
				while (!thread_exit)
					usleep(1000);
				return 0;
			},
			stack + sizeof(stack),
			CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, nullptr);
		CHILD_CHECK(tid > 0);
		CHILD_CHECK_ERRNO(setns(ns.get(), CLONE_NEWUSER), EINVAL);
		// Control: once the thread has gone, the same join works
		// (retried briefly: the thread leaves the group as it exits).
		thread_exit = 1;
		int rc = -1;
		for (int i = 0; i < 2000 && rc != 0; i++) {
			rc = setns(ns.get(), CLONE_NEWUSER);
			CHILD_CHECK(rc == 0 || errno == EINVAL);
			if (rc)
				usleep(1000);
		}
		CHILD_CHECK_EQ(rc, 0);
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// A caller sharing its fs_struct (CLONE_FS) is refused: another task
// would chroot with the new capabilities.
TEST_F(Setns, SharedFsStructIsEinval)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	static int nsfd;
	FileDescriptor ns(open(ProcPath(target.pid(), "ns/user").c_str(), O_RDONLY));
	ASSERT_TRUE(ns.valid());
	nsfd = ns.get();
	static char stack[64 * 1024];
	pid_t pid = clone(
		[](void *) -> int {
			if (setns(nsfd, CLONE_NEWUSER) == 0)
				return 1;
			return errno == EINVAL ? 0 : 2;
		},
		stack + sizeof(stack), CLONE_FS | SIGCHLD, nullptr);
	ASSERT_GT(pid, 0);
	int status;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(DecodeWaitStatus(status), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// Without CAP_SYS_ADMIN in the target (here: an unprivileged process and
// a root-owned namespace) the join is EPERM.
TEST_F(Setns, WithoutCapSysAdminInTargetIsEperm)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	FileDescriptor ns(open(ProcPath(target.pid(), "ns/user").c_str(), O_RDONLY));
	ASSERT_TRUE(ns.valid());
	int fd = ns.get();
	EXPECT_EQ(RunInChild([fd] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_ERRNO(setns(fd, CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// From inside a namespace, its parent cannot be joined: no capability
// there.
TEST_F(Setns, JoiningParentNamespaceIsEperm)
{
	FileDescriptor init_ns(open("/proc/self/ns/user", O_RDONLY));
	ASSERT_TRUE(init_ns.valid());
	int fd = init_ns.get();
	EXPECT_EQ(RunInChild([fd] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_ERRNO(setns(fd, CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
}

// The checks come in order: own namespace (EINVAL) is reported before the
// missing capability would be.
TEST_F(Setns, OwnNamespaceCheckedBeforeCapability)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		FileDescriptor self(open("/proc/self/ns/user", O_RDONLY));
		CHILD_CHECK(self.valid());
		CHILD_CHECK_ERRNO(setns(self.get(), CLONE_NEWUSER), EINVAL);
		return 0;
	}), 0);
}

// An unprivileged owner may join the namespace it created (it holds
// CAP_SYS_ADMIN there as its owner).
TEST_F(Setns, OwnerJoinsItsOwnChildNamespace)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		UsernsChild target([] { return 0; });
		CHILD_CHECK_EQ(target.setup_error(), 0);
		FileDescriptor ns(open(ProcPath(target.pid(), "ns/user").c_str(), O_RDONLY));
		CHILD_CHECK(ns.valid());
		CHILD_CHECK_EQ(setns(ns.get(), CLONE_NEWUSER), 0);
		CHILD_CHECK(HasEffectiveCapability(CAP_SYS_ADMIN));
		return target.Finish();
	}), 0);
}

}  // namespace
