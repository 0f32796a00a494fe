// SPDX-License-Identifier: GPL-2.0
// setns(fd, CLONE_NEWUSER): userns_install's refusals, in order, and a
// successful join of a child namespace, through a namespace fd or a pidfd
// (setns(pidfd, flags) joins the namespaces flags name of that task).
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
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
	ASSERT_THAT(ns.get(), SyscallSucceeds());
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
	NamespaceFile ns("ns/user", O_RDONLY);
	ASSERT_THAT(ns.status(), ErrnoIs(0));
	int fd = ns.fd();
	EXPECT_EQ(RunInChild([fd] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_ERRNO(setns(fd, CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(ns.Finish(), 0);
}

// From inside a namespace, its parent cannot be joined: no capability
// there.
TEST_F(Setns, JoiningParentNamespaceIsEperm)
{
	FileDescriptor init_ns(open("/proc/self/ns/user", O_RDONLY));
	ASSERT_THAT(init_ns.get(), SyscallSucceeds());
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

// The inode of a namespace file (which namespace it is), or 0.
ino_t NamespaceInode(const std::string &path)
{
	struct stat st;
	return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

int PidfdOpen(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

// setns() through a pidfd with CLONE_NEWUSER joins that task's user
// namespace: root of the initial namespace ends up in it with every
// capability.
TEST_F(Setns, PidfdJoinsTheTasksUserNamespace)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	ASSERT_THAT(target.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	FileDescriptor pidfd(PidfdOpen(target.pid()));
	ASSERT_TRUE(pidfd.valid()) << strerror(errno);
	ino_t want = NamespaceInode(ProcPath(target.pid(), "ns/user"));
	int fd = pidfd.get();
	EXPECT_EQ(RunInChild([fd, want] {
		CHILD_CHECK_EQ(setns(fd, CLONE_NEWUSER), 0);
		CHILD_CHECK_EQ(NamespaceInode("/proc/self/ns/user"), want);
		CHILD_CHECK(HasEffectiveCapability(CAP_SYS_ADMIN));
		CHILD_CHECK_EQ(getuid(), 0);
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// A pidfd of a task that has exited names no namespaces: ESRCH, and the
// caller stays where it was.
TEST_F(Setns, PidfdOfAnExitedTaskIsEsrch)
{
	ScopedChild gone([] { return 0; });
	FileDescriptor pidfd(PidfdOpen(gone.pid()));
	ASSERT_TRUE(pidfd.valid()) << strerror(errno);
	ASSERT_EQ(gone.Wait(), 0);
	int fd = pidfd.get();
	EXPECT_EQ(RunInChild([fd] {
		ino_t before = NamespaceInode("/proc/self/ns/user");
		CHILD_CHECK_ERRNO(setns(fd, CLONE_NEWUSER), ESRCH);
		CHILD_CHECK_EQ(NamespaceInode("/proc/self/ns/user"), before);
		return 0;
	}), 0);
}

// Through a pidfd, flags that name no namespace (CLONE_VM) are EINVAL, and
// so are a namespace fd whose type is not the one asked for and a file that
// is no namespace; a closed fd is EBADF.
TEST_F(Setns, FlagsThatNameNoNamespaceOrAnotherTypeAreEinval)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	FileDescriptor pidfd(PidfdOpen(target.pid()));
	ASSERT_TRUE(pidfd.valid()) << strerror(errno);
	FileDescriptor ns(open(ProcPath(target.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	ASSERT_THAT(ns.get(), SyscallSucceeds());
	int p = pidfd.get(), n = ns.get();
	EXPECT_EQ(RunInChild([p, n] {
		ino_t before = NamespaceInode("/proc/self/ns/user");
		CHILD_CHECK_ERRNO(setns(p, CLONE_NEWUSER | CLONE_VM), EINVAL);
		CHILD_CHECK_ERRNO(setns(n, CLONE_NEWNS), EINVAL);
		CHILD_CHECK_ERRNO(setns(-1, CLONE_NEWUSER), EBADF);
		FileDescriptor regular(open("/proc/self/status", O_RDONLY | O_CLOEXEC));
		CHILD_CHECK_ERRNO(setns(regular.get(), CLONE_NEWUSER), EINVAL);
		CHILD_CHECK_EQ(NamespaceInode("/proc/self/ns/user"), before);
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// Full capabilities in one's own namespace give nothing over a sibling:
// two namespaces made by the same owner, and root of the first (every
// capability there) is refused the second, by namespace fd and by pidfd.
TEST_F(Setns, SiblingIsEpermEvenWithEveryCapabilityInOwnNamespace)
{
	UsernsChild sibling([] { return 0; });
	ASSERT_EQ(sibling.setup_error(), 0);
	ASSERT_THAT(sibling.WriteMap("uid_map", "0 100000 1000\n"), ErrnoIs(0));
	FileDescriptor ns(open(ProcPath(sibling.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	FileDescriptor pidfd(PidfdOpen(sibling.pid()));
	ASSERT_TRUE(ns.valid() && pidfd.valid());
	int n = ns.get(), p = pidfd.get();
	EXPECT_EQ(RunInMappedNamespace(200000, 1000, [n, p] {
		CHILD_CHECK(HasEffectiveCapability(CAP_SYS_ADMIN));
		CHILD_CHECK_ERRNO(setns(n, CLONE_NEWUSER), EPERM);
		CHILD_CHECK_ERRNO(setns(p, CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(sibling.Finish(), 0);
}

}  // namespace
