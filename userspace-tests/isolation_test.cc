// SPDX-License-Identifier: GPL-2.0
// Isolation: root inside a namespace is powerless over what the namespace
// does not map; signals follow kernel uid comparisons.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

USERNS_AREA(Isolation);

// What root inside may not do to a file whose owner (kernel root) its
// namespace does not map, with the errno it gets: open it for writing,
// chmod it, chown it even to ids it maps (its own root). The file keeps
// its owner and mode, and "other" may still read it.
struct Refusal {
	const char *name;
	long (*call)(const char *path);
	int error;
};

const Refusal kRefusals[] = {
	{"OpenForWriting", [](const char *path) -> long { return open(path, O_WRONLY | O_CLOEXEC); },
	 EACCES},
	{"Chmod", [](const char *path) -> long { return chmod(path, 0666); }, EPERM},
	{"ChownToItsOwnRoot", [](const char *path) -> long { return chown(path, 0, 0); }, EPERM},
};

class IsolationOfAnUnmappedOwner : public UsernsTest,
				   public ::testing::WithParamInterface<Refusal> {};

TEST_P(IsolationOfAnUnmappedOwner, RootInsideIsRefused)
{
	ScratchFile f("iso-unmapped-owner", 0, 0, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	const Refusal &refusal = GetParam();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path, &refusal] {
		CHILD_CHECK_ERRNO(refusal.call(path.c_str()), refusal.error);
		CHILD_CHECK(FileDescriptor(open(path.c_str(), O_RDONLY | O_CLOEXEC)).valid());
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, path), "0:0");
	EXPECT_EQ(ModeOf(AT_FDCWD, path), 0644u);
}

INSTANTIATE_TEST_SUITE_P(Isolation, IsolationOfAnUnmappedOwner, ::testing::ValuesIn(kRefusals),
			 [](const ::testing::TestParamInfo<Refusal> &info) { return info.param.name; });

// Root inside does own what its mapped root owns: write and chmod work.
TEST_F(Isolation, RootInsideControlsMappedRootsFile)
{
	ScratchFile f("iso-mine", 100000, 100000, 0600);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path] {
		CHILD_CHECK(open(path.c_str(), O_WRONLY) >= 0);
		CHILD_CHECK_EQ(chmod(path.c_str(), 0640), 0);
		CHILD_CHECK_EQ(chown(path.c_str(), 1, 1), 0);
		return 0;
	}), 0);
	struct stat st;
	ASSERT_THAT(stat(f.path(), &st), SyscallSucceeds());
	EXPECT_EQ(st.st_uid, 100001u);
	EXPECT_EQ(st.st_mode & 07777, 0640u);
}

// Root inside overrides permission bits only on a file whose owner and
// group its namespace both maps (privileged_wrt_inode_uidgid): an
// owner-only file of its uid 5 opens for it; one of uid 5 whose group is
// unmapped (kernel gid 0) does not, for reading or writing.
TEST_F(Isolation, RootInsideOverridesOnlyWhereOwnerAndGroupAreBothMapped)
{
	ScratchFile mapped("iso-override", 100005, 100005, 0600);
	ScratchFile unmapped_group("iso-override-group", 100005, 0, 0600);
	ASSERT_THAT(mapped.status(), ErrnoIs(0));
	ASSERT_THAT(unmapped_group.status(), ErrnoIs(0));
	std::string both = mapped.path(), owner_only = unmapped_group.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [both, owner_only] {
		CHILD_CHECK(FileDescriptor(open(both.c_str(), O_RDWR | O_CLOEXEC)).valid());
		CHILD_CHECK_ERRNO(open(owner_only.c_str(), O_RDONLY | O_CLOEXEC), EACCES);
		CHILD_CHECK_ERRNO(open(owner_only.c_str(), O_WRONLY | O_CLOEXEC), EACCES);
		return 0;
	}), 0);
}

// chown clears the set-id bits, root inside chowning its own files as
// anyone does: S_ISUID goes, and S_ISGID with it when group-execute is
// set (06755 becomes 0755); without group-execute S_ISGID stays (02745).
TEST_F(Isolation, ChownInsideClearsTheSetIdBits)
{
	ScratchFile exec("iso-chown-setid", 100000, 100000, 06755);
	ScratchFile noexec("iso-chown-setgid", 100000, 100000, 02745);
	ASSERT_THAT(exec.status(), ErrnoIs(0));
	ASSERT_THAT(noexec.status(), ErrnoIs(0));
	std::string a = exec.path(), b = noexec.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [a, b] {
		CHILD_CHECK_EQ(chown(a.c_str(), 1, 1), 0);
		CHILD_CHECK_EQ(chown(b.c_str(), 1, 1), 0);
		return 0;
	}), 0);
	EXPECT_EQ(ModeOf(AT_FDCWD, a), 0755u);
	EXPECT_EQ(ModeOf(AT_FDCWD, b), 02745u);
}

// chmod inside keeps S_ISGID only on a file whose group the namespace
// maps (the caller has CAP_FSETID over it) and drops it on one whose group
// is unmapped, so root inside cannot make a setgid file for a group it
// lacks (CVE-2014-4014).
TEST_F(Isolation, Cve_2014_4014_ChmodKeepsSetgidOnlyOfAMappedGroup)
{
	ScratchFile unmapped("iso-setgid", 100000, 5555, 0644);
	ScratchFile mapped("iso-setgid-ok", 100000, 100005, 0644);
	ASSERT_THAT(unmapped.status(), ErrnoIs(0));
	ASSERT_THAT(mapped.status(), ErrnoIs(0));
	std::string a = unmapped.path(), b = mapped.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [a, b] {
		CHILD_CHECK_EQ(chmod(a.c_str(), 02755), 0);
		CHILD_CHECK_EQ(chmod(b.c_str(), 02755), 0);
		return 0;
	}), 0);
	EXPECT_EQ(ModeOf(AT_FDCWD, a), 0755u) << "S_ISGID must have been dropped";
	EXPECT_EQ(ModeOf(AT_FDCWD, b), 02755u);
}

// Root inside a namespace cannot signal a process of another kernel uid
// outside it.
TEST_F(Isolation, RootInsideCannotSignalOutsideProcess)
{
	Channel ready;
	ScopedChild victim([&] {
		if (BecomeUser(kTestUid, kTestGid).ok())
			ready.Send(1);
		pause();
		return 0;
	});
	ASSERT_EQ(ready.Receive(), 1);
	pid_t vpid = victim.pid();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [vpid] {
		CHILD_CHECK_ERRNO(kill(vpid, 0), EPERM);
		return 0;
	}), 0);
}

// Signals follow kernel uids: a process in a namespace may signal a
// process outside with the same kernel uid.
TEST_F(Isolation, SameKernelUidSignalsAcrossNamespaces)
{
	Channel ready;
	ScopedChild victim([&] {
		if (BecomeUser(100003, 100003).ok())
			ready.Send(1);
		pause();
		return 0;
	});
	ASSERT_EQ(ready.Receive(), 1);  // the victim has its ids before we signal
	pid_t vpid = victim.pid();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [vpid] {
		CHILD_CHECK_EQ(setresgid(3, 3, 3), 0);
		CHILD_CHECK_EQ(setresuid(3, 3, 3), 0);
		CHILD_CHECK_EQ(kill(vpid, 0), 0);
		return 0;
	}, false), 0);
}

// Root outside may signal into any namespace.
TEST_F(Isolation, RootOutsideSignalsIntoNamespace)
{
	UsernsChild child([] {
		pause();
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	MapRange(child, 100000, 10);
	child.Go();
	EXPECT_THAT(kill(child.pid(), SIGTERM), SyscallSucceeds());
	EXPECT_EQ(child.Finish(), 128 + SIGTERM);
}

// F_SETOWN from inside a namespace: SIGIO reaches the owner only if the
// kernel uids of whoever set the owner match the target's (sigio_perm).
// The write that raises SIGIO queues it before write() returns, so the
// target, which blocks SIGIO, looks at its pending set only after the
// write is done: no time window decides the answer.
// Returns the target's status: 0 when SIGIO is pending, 1 when it is not.
int SigioDelivered(unsigned ns_base, uid_t target_uid)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	FileDescriptor rd(p[0]), wr(p[1]);
	Channel ready, written;
	ScopedChild target([&] {
		sigset_t set, pending;
		sigemptyset(&set);
		sigaddset(&set, SIGIO);
		sigprocmask(SIG_BLOCK, &set, nullptr);
		if (!BecomeUser(target_uid, target_uid).ok())
			return 2;
		ready.Send(1);
		if (written.Receive() != 1)
			return 3;
		sigpending(&pending);
		return sigismember(&pending, SIGIO) ? 0 : 1;
	});
	if (ready.Receive() != 1)
		return -1;
	pid_t tpid = target.pid();
	int fd = rd.get(), wfd = wr.get();
	int rc = RunInMappedNamespace(ns_base, 10, [=] {
		CHILD_CHECK_EQ(fcntl(fd, F_SETOWN, tpid), 0);
		CHILD_CHECK_EQ(fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK), 0);
		CHILD_CHECK_EQ(write(wfd, "x", 1), 1);
		return 0;
	});
	if (rc != 0)
		return -1;
	written.Send(1);
	return target.Wait();
}

// Root inside a namespace mapped to 100000 cannot send SIGIO to a process
// of kernel uid 1000.
TEST_F(Isolation, SigioAcrossNamespacesNeedsMatchingKernelUid)
{
	EXPECT_EQ(SigioDelivered(100000, kTestUid), 1);
}

// The positive control: root inside a namespace mapped to kernel uid 1000
// does reach a process of kernel uid 1000.
TEST_F(Isolation, SigioReachesSameKernelUidAcrossNamespaces)
{
	EXPECT_EQ(SigioDelivered(kTestUid, kTestUid), 0);
}

}  // namespace
