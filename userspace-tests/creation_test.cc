// SPDX-License-Identifier: GPL-2.0
// Creating user namespaces: nesting depth, limits, refusals, and what the
// new credentials and the namespace's owner look like.
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <linux/securebits.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "kernel_release.h"
#include "scratch_dir.h"
#include "userns.h"

namespace {

// Unshares one more level as uid 0 mapped to the previous level's 0.
int NestOneLevel()
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER) != 0)
		return errno;
	std::string u = "0 " + std::to_string(uid) + " 1\n";
	std::string g = "0 " + std::to_string(gid) + " 1\n";
	if (!WriteFileOnce("/proc/self/uid_map", u).ok() ||
	    !WriteFileOnce("/proc/self/setgroups", "deny").ok() ||
	    !WriteFileOnce("/proc/self/gid_map", g).ok())
		return -1;
	return 0;
}

// What the guest's kernel was built with, from harness.userns=y|n on its
// command line (make run sets it): 'y', 'n', or 0 when not given.
char UsernsBuiltIn()
{
	std::string cmdline = ReadFile("/proc/cmdline").value_or("");
	size_t at = cmdline.find("harness.userns=");
	return at == std::string::npos ? 0 : cmdline[at + 15];
}

// CONFIG_USER_NS=y: unshare(CLONE_NEWUSER) works and the map files exist.
// CONFIG_USER_NS=n: unshare is EINVAL and there is no map file to open.
TEST(KernelConfig, DecidesWhetherUserNamespacesExist)
{
	char built = UsernsBuiltIn();
	if (!built)
		GTEST_SKIP() << "no harness.userns= on the kernel command line";
	int rc = RunInChild([] { return unshare(CLONE_NEWUSER) == 0 ? 0 : errno; });
	if (built == 'y') {
		EXPECT_THAT(rc, ErrnoIs(0));
		for (const char *map : {"uid_map", "gid_map", "projid_map", "setgroups"})
			EXPECT_EQ(access(ProcPath(0, map).c_str(), F_OK), 0) << map;
	} else {
		EXPECT_THAT(rc, ErrnoIs(EINVAL));
		for (const char *map : {"uid_map", "gid_map", "projid_map", "setgroups"})
			EXPECT_THAT(access(ProcPath(0, map).c_str(), F_OK),
				    SyscallFailsWithErrno(ENOENT)) << map;
	}
}

USERNS_AREA(Creation);

// 33 levels below the initial namespace (level 0) can exist; creating
// one below level 33 is ENOSPC.
TEST_F(Creation, NestingStopsAfter33LevelsWithEnospc)
{
	EXPECT_EQ(RunInChild([] {
		for (int level = 1; level <= 33; level++)
			CHILD_CHECK_EQ(NestOneLevel(), 0);
		CHILD_CHECK_ERRNO(unshare(CLONE_NEWUSER), ENOSPC);
		return 0;
	}), 0);
}

// max_user_namespaces bounds how many a user may create.
TEST_F(Creation, MaxUserNamespacesIsEnospc)
{
	const char *knob = "/proc/sys/user/max_user_namespaces";
	ErrnoOr<std::string> read = ReadFile(knob);
	if (!read.ok())
		GTEST_SKIP() << knob << " unreadable: " << ErrnoName(read.error());
	std::string old = read.value();
	ASSERT_THAT(WriteFileOnce(knob, "0"), ErrnoIs(0));
	int rc = RunInChild([] {
		CHILD_CHECK_ERRNO(unshare(CLONE_NEWUSER), ENOSPC);
		return 0;
	});
	ASSERT_THAT(WriteFileOnce(knob, old), ErrnoIs(0));
	EXPECT_EQ(rc, 0);
}

// The limit holds in every ancestor, not only the creator's namespace: in
// outer, root sets outer's max_user_namespaces to 1 and creates middle;
// middle's own limit is untouched, yet creating a third level counts a
// second namespace against outer's limit: ENOSPC. With the limit at 2 the
// same creation works.
TEST_F(Creation, MaxUserNamespacesIsCheckedInEveryAncestor)
{
	for (const char *limit : {"1", "2"}) {
		SCOPED_TRACE(limit);
		int want = limit[0] == '1' ? ENOSPC : 0;
		EXPECT_EQ(RunInMappedNamespace(100000, 10, [limit, want] {
			CHILD_CHECK_OK(WriteFileOnce("/proc/sys/user/max_user_namespaces", limit));
			CHILD_CHECK_EQ(NestOneLevel(), 0);
			CHILD_CHECK(ReadFile("/proc/sys/user/max_user_namespaces") != limit);
			int rc = unshare(CLONE_NEWUSER) == 0 ? 0 : errno;
			CHILD_CHECK_EQ(rc, want);
			return 0;
		}), 0);
	}
}

// A chrooted caller may not create a user namespace (CVE-2013-1956).
TEST_F(Creation, Cve_2013_1956_ChrootedCallerIsEperm)
{
	ScratchDir root("chroot-userns", 0, 0, 0755);
	ASSERT_THAT(root.status(), ErrnoIs(0));
	EXPECT_EQ(RunInChild([&root] {
		CHILD_CHECK_EQ(chroot(root.path().c_str()), 0);
		CHILD_CHECK_EQ(chdir("/"), 0);
		CHILD_CHECK_ERRNO(unshare(CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
}

// CLONE_NEWUSER with CLONE_FS is EINVAL (CVE-2013-1858: the child could
// chroot for its parent).
TEST_F(Creation, Cve_2013_1858_CloneNewuserWithCloneFsIsEinval)
{
	long rc = syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS | SIGCHLD, nullptr, nullptr, nullptr,
			  nullptr);
	if (rc == 0)
		_exit(0);
	if (rc > 0)
		waitpid(rc, nullptr, 0);
	EXPECT_EQ(rc, -1);
	EXPECT_EQ(errno, EINVAL) << ErrnoName(errno);
}

// unshare(CLONE_NEWUSER) from a task sharing its fs_struct succeeds by
// unsharing the fs_struct too: a chroot with the new capabilities does
// not move the other task's root (the CVE-2013-1858 shape via unshare).
TEST_F(Creation, UnshareGivesPrivateFsToTaskSharingIt)
{
	ScratchDir root("unshare-fs-root", 0, 0, 0755);
	ASSERT_THAT(root.status(), ErrnoIs(0));
	struct stat before, after;
	ASSERT_THAT(stat("/", &before), SyscallSucceeds());
	static char stack[64 * 1024];
	pid_t pid = clone(
		[](void *path) -> int {
			if (unshare(CLONE_NEWUSER) != 0)
				return 1;
			if (chroot(static_cast<const char *>(path)) != 0)
				return 2;
			return 0;
		},
		stack + sizeof(stack), CLONE_FS | SIGCHLD, const_cast<char *>(root.path().c_str()));
	ASSERT_GT(pid, 0);
	int status;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(DecodeWaitStatus(status), 0);
	ASSERT_THAT(stat("/", &after), SyscallSucceeds());
	EXPECT_EQ(before.st_ino, after.st_ino) << "the child's chroot moved our root";
}

// CLONE_NEWUSER with CLONE_THREAD is EINVAL. The call gets a stack of its
// own, so a kernel that wrongly accepts it fails this test (the thread
// exits at once) instead of corrupting the suite.
TEST_F(Creation, CloneNewuserWithCloneThreadIsEinval)
{
	EXPECT_EQ(RunInChild([] {
		static char stack[64 * 1024];
		CHILD_CHECK_ERRNO(clone([](void *) -> int { syscall(SYS_exit, 0); return 0; },
					stack + sizeof(stack),
					CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
					nullptr),
				  EINVAL);
		return 0;
	}), 0);
}

// A multithreaded process may not unshare a user namespace.
TEST_F(Creation, UnshareFromMultithreadedProcessIsEinval)
{
	EXPECT_EQ(RunInChild([] {
		static char stack[64 * 1024];
		long tid = clone([](void *) -> int { pause(); return 0; }, stack + sizeof(stack),
				 CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD, nullptr);
		CHILD_CHECK(tid > 0);
		CHILD_CHECK_ERRNO(unshare(CLONE_NEWUSER), EINVAL);
		return 0;
	}), 0);
}

// A creator whose euid has no mapping in its namespace is refused.
TEST_F(Creation, CreatorWithUnmappedEuidIsEperm)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		// No maps written: euid is unmapped here.
		CHILD_CHECK_ERRNO(unshare(CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
}

// A creator whose egid has no mapping is refused too.
TEST_F(Creation, CreatorWithUnmappedEgidIsEperm)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/uid_map", "0 0 1\n"));
		CHILD_CHECK_ERRNO(unshare(CLONE_NEWUSER), EPERM);
		return 0;
	}), 0);
}

// The creator gets every capability in the new namespace, even when it
// was unprivileged outside.
TEST_F(Creation, CreatorHasFullCapabilitiesInside)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK(!HasEffectiveCapability(CAP_SYS_ADMIN));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK(HasEffectiveCapability(CAP_SYS_ADMIN));
		CHILD_CHECK(HasEffectiveCapability(CAP_SETUID));
		CHILD_CHECK(HasEffectiveCapability(CAP_SETFCAP));
		ErrnoOr<CapabilitySets> read_sets = ReadCapabilitySets();
		CHILD_CHECK_OK(read_sets);
		CapabilitySets sets = read_sets.value();
		uint64_t all = (2ull << CAP_LAST_CAP) - 1;
		CHILD_CHECK_EQ(sets.permitted & all, all);
		return 0;
	}), 0);
}

// The new credentials: every capability permitted, effective and in the
// bounding set; the inheritable and ambient sets and the securebits
// cleared, whatever the creator had.
TEST_F(Creation, NewNamespaceGetsFreshCapabilitySets)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(RaiseInheritableAndAmbient(CAP_NET_RAW));
		CHILD_CHECK_EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0), 1);
		CHILD_CHECK_OK(DropCapability(CAP_SYS_TIME));
		CHILD_CHECK_EQ(prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0), 0);
		CHILD_CHECK_EQ(prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0), 0);
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		ErrnoOr<CapabilitySets> read_after = ReadCapabilitySets();
		CHILD_CHECK_OK(read_after);
		CapabilitySets after = read_after.value();
		uint64_t all = (2ull << CAP_LAST_CAP) - 1;
		CHILD_CHECK_EQ(after.permitted & all, all);
		CHILD_CHECK_EQ(after.effective & all, all);
		CHILD_CHECK_EQ(after.inheritable, 0);
		for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
			CHILD_CHECK_EQ(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0), 0);
			CHILD_CHECK_EQ(prctl(PR_CAPBSET_READ, cap, 0, 0, 0), 1);
		}
		CHILD_CHECK_EQ(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), 0);
		return 0;
	}), 0);
}

// Per line: the nsfs ioctls answer a 32-bit caller (the suite built -m32)
// from Linux 6.3 on, which gave nsfs a compat ioctl handler; before, each
// is ENOTTY there.
bool NsIoctlsAnswerThisAbi()
{
#if defined(__i386__)
	return KernelAtLeast(6, 3);
#else
	return true;
#endif
}

// NS_GET_OWNER_UID reports the creator's euid as the parent sees it.
TEST_F(Creation, OwnerUidIsCreatorEuid)
{
	UsernsChild child([] { return 0; }, [] { return ErrnoOf(BecomeUser(kTestUid, kTestGid)); });
	ASSERT_EQ(child.setup_error(), 0);
	FileDescriptor ns(open(ProcPath(child.pid(), "ns/user").c_str(), O_RDONLY));
	ASSERT_THAT(ns.get(), SyscallSucceeds());
	uid_t owner = 12345;
	if (!NsIoctlsAnswerThisAbi()) {
		EXPECT_THAT(ioctl(ns.get(), NS_GET_OWNER_UID, &owner), SyscallFailsWithErrno(ENOTTY));
		EXPECT_EQ(child.Finish(), 0);
		return;
	}
	ASSERT_THAT(ioctl(ns.get(), NS_GET_OWNER_UID, &owner), SyscallSucceeds());
	EXPECT_EQ(owner, kTestUid);
	EXPECT_EQ(child.Finish(), 0);
}

// NS_GET_PARENT of a new namespace is the creator's namespace, and so is
// NS_GET_USERNS (a user namespace's owning namespace is its parent).
TEST_F(Creation, ParentIsCreatorsNamespace)
{
	NamespaceFile ns("ns/user", O_RDONLY);
	ASSERT_THAT(ns.status(), ErrnoIs(0));
	struct stat self;
	ASSERT_THAT(stat("/proc/self/ns/user", &self), SyscallSucceeds());
	for (unsigned long request : {NS_GET_PARENT, NS_GET_USERNS}) {
		if (!NsIoctlsAnswerThisAbi()) {
			EXPECT_THAT(ioctl(ns.fd(), request), SyscallFailsWithErrno(ENOTTY)) << request;
			continue;
		}
		FileDescriptor parent(ioctl(ns.fd(), request));
		ASSERT_THAT(parent.get(), SyscallSucceeds()) << request;
		struct stat st;
		ASSERT_THAT(fstat(parent.get(), &st), SyscallSucceeds());
		EXPECT_EQ(st.st_ino, self.st_ino) << request;
		EXPECT_EQ(st.st_dev, self.st_dev) << request;
	}
	EXPECT_EQ(ns.Finish(), 0);
}

// The initial namespace has no parent or owner visible: EPERM for
// NS_GET_PARENT and NS_GET_USERNS. A file that is no namespace answers
// neither: ENOTTY.
TEST_F(Creation, InitialNamespaceHasNoParent)
{
	FileDescriptor ns(open("/proc/self/ns/user", O_RDONLY));
	ASSERT_THAT(ns.get(), SyscallSucceeds());
	int no_parent = NsIoctlsAnswerThisAbi() ? EPERM : ENOTTY;
	EXPECT_THAT(ioctl(ns.get(), NS_GET_PARENT), SyscallFailsWithErrno(no_parent));
	EXPECT_THAT(ioctl(ns.get(), NS_GET_USERNS), SyscallFailsWithErrno(no_parent));
	FileDescriptor regular(open("/proc/self/status", O_RDONLY));
	ASSERT_THAT(regular.get(), SyscallSucceeds());
	EXPECT_THAT(ioctl(regular.get(), NS_GET_PARENT), SyscallFailsWithErrno(ENOTTY));
	EXPECT_THAT(ioctl(regular.get(), NS_GET_USERNS), SyscallFailsWithErrno(ENOTTY));
}

// A child forked or cloned without CLONE_NEWUSER stays in its parent's
// user namespace (the same namespace file); clone(CLONE_NEWUSER) and
// unshare(CLONE_NEWUSER) each give a new one.
TEST_F(Creation, OnlyCloneNewuserAndUnshareGiveANewNamespace)
{
	struct stat self;
	ASSERT_THAT(stat("/proc/self/ns/user", &self), SyscallSucceeds());
	ino_t parent = self.st_ino;
	auto own_namespace = [] {
		struct stat st;
		return stat("/proc/self/ns/user", &st) == 0 ? st.st_ino : 0;
	};
	EXPECT_EQ(RunInChild([&] {
		CHILD_CHECK_EQ(own_namespace(), parent);
		return 0;
	}), 0);
	EXPECT_EQ(RunInChild([&] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK(own_namespace() != parent);
		return 0;
	}), 0);
	pid_t pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
	if (pid == 0)
		_exit(own_namespace() != parent && own_namespace() != 0 ? 0 : 1);
	ASSERT_THAT(pid, SyscallSucceeds());
	int status;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(DecodeWaitStatus(status), 0);
}

}  // namespace
