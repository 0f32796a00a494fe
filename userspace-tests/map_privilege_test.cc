// SPDX-License-Identifier: GPL-2.0
// Who may write a map: the unprivileged "own id" case, the capability held
// by both the writer and the opener, CAP_SYS_ADMIN over the target, and
// CAP_SETFCAP for lower id 0. Unprivileged work runs as uid/gid 1000 in a
// forked child.
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

const std::string kOwnUid = "0 " + std::to_string(kTestUid) + " 1\n";
const std::string kOwnGid = "0 " + std::to_string(kTestGid) + " 1\n";

// Runs check as uid/gid 1000 inside a namespace it just created.
int AsUnprivilegedInNewNamespace(int (*check)())
{
	return RunInChild([check] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		return check();
	});
}

USERNS_AREA(MapPrivilege);

// An unprivileged owner may map its own euid, once, with count 1.
TEST_F(MapPrivilege, UnprivilegedMayMapOwnUid)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/uid_map", kOwnUid));
		CHILD_CHECK_EQ(getuid(), 0);
		return 0;
	}), 0);
}

// Any other uid is EPERM.
TEST_F(MapPrivilege, UnprivilegedMayNotMapOtherUid)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 1001 1\n")), EPERM);
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 0 1\n")), EPERM);
		return 0;
	}), 0);
}

// Even its own uid, in a range of two, is EPERM.
TEST_F(MapPrivilege, UnprivilegedMayNotMapRangeAroundOwnUid)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 1000 2\n")), EPERM);
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 999 2\n")), EPERM);
		return 0;
	}), 0);
}

// Two lines are EPERM even if one is its own uid.
TEST_F(MapPrivilege, UnprivilegedMayNotWriteTwoLines)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 1000 1\n1 1001 1\n")), EPERM);
		return 0;
	}), 0);
}

// gid_map of its own egid is refused while setgroups is still allowed.
TEST_F(MapPrivilege, UnprivilegedGidMapNeedsSetgroupsDeny)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/gid_map", kOwnGid)), EPERM);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/setgroups", "deny"));
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/gid_map", kOwnGid));
		CHILD_CHECK_EQ(getgid(), 0);
		return 0;
	}), 0);
}

// After "deny", another gid is still EPERM.
TEST_F(MapPrivilege, UnprivilegedMayNotMapOtherGid)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/setgroups", "deny"));
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/gid_map", "0 1001 1\n")), EPERM);
		return 0;
	}), 0);
}

// projid_map needs no capability: any range of the parent's ids.
TEST_F(MapPrivilege, UnprivilegedMayMapAnyProjids)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/projid_map", "0 0 1000\n5000 7000 10\n"));
		return 0;
	}), 0);
}

// Without CAP_SYS_ADMIN over the target, even garbage is EPERM: the
// capability check comes before parsing.
TEST_F(MapPrivilege, WithoutCapSysAdminGarbageIsEperm)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		// The opener's credentials count: drop before opening.
		CHILD_CHECK_OK(DropAllCapabilities());
		FileDescriptor fd(open("/proc/self/uid_map", O_WRONLY));
		CHILD_CHECK(fd.valid());
		CHILD_CHECK_ERRNO(write(fd.get(), "junk", 4), EPERM);
		return 0;
	}), 0);
}

// With CAP_SYS_ADMIN (inside its own namespace) garbage is EINVAL.
TEST_F(MapPrivilege, WithCapSysAdminGarbageIsEinval)
{
	EXPECT_EQ(AsUnprivilegedInNewNamespace([] {
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "junk")), EINVAL);
		return 0;
	}), 0);
}

// A non-owner cannot open the map for writing (the file is the task's).
TEST_F(MapPrivilege, NonOwnerOpenForWriteIsEacces)
{
	UsernsChild target([] { return 0; });  // owned by root
	ASSERT_EQ(target.setup_error(), 0);
	pid_t tpid = target.pid();
	EXPECT_EQ(RunInChild([tpid] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_ERRNO(open(ProcPath(tpid, "uid_map").c_str(), O_WRONLY), EACCES);
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// Root in the initial namespace may map any range.
TEST_F(MapPrivilege, RootMayMapArbitraryRanges)
{
	EXPECT_THAT(WriteMapOfFreshNamespace("uid_map", "0 100000 65536\n"), ErrnoIs(0));
	EXPECT_THAT(WriteMapOfFreshNamespace("gid_map", "0 100000 65536\n"), ErrnoIs(0));
}

// A writer from a namespace that is neither the target nor its parent is
// refused, whatever its privilege there.
TEST_F(MapPrivilege, WriterFromUnrelatedNamespaceIsEperm)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	// A process in a sibling namespace opens and writes the target's map.
	pid_t tpid = target.pid();
	EXPECT_EQ(RunInNamespaceWithMaps("0 0 1\n", "0 0 1\n", [tpid] {
		FileDescriptor f(open(ProcPath(tpid, "uid_map").c_str(), O_WRONLY));
		CHILD_CHECK(f.valid());
		CHILD_CHECK_ERRNO(write(f.get(), "0 0 1\n", 6), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// Root of the initial namespace holds every capability over a grandchild
// namespace, yet may not write its maps: the opener must be in the target
// or in its parent. The refused writes leave the maps writable by the
// parent's root.
TEST_F(MapPrivilege, OpenerInGrandparentNamespaceIsEperm)
{
	Channel inner_pid, done;
	UsernsChild outer([&] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild inner([] { return 0; });
		CHILD_CHECK_EQ(inner.setup_error(), 0);
		inner_pid.Send(inner.pid());
		CHILD_CHECK_EQ(done.Receive(), 1);
		CHILD_CHECK_OK(inner.WriteMap("uid_map", "0 1 1\n"));
		CHILD_CHECK_OK(inner.WriteMap("gid_map", "0 1 1\n"));
		CHILD_CHECK_OK(inner.WriteMap("projid_map", "0 1 1\n"));
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	MapRange(outer, 100000, 10);
	ASSERT_THAT(outer.WriteMap("projid_map", "0 100000 10\n"), ErrnoIs(0));
	outer.Go();
	pid_t ipid = inner_pid.Receive();
	ASSERT_GT(ipid, 0);
	for (const char *map : {"uid_map", "gid_map", "projid_map"}) {
		SCOPED_TRACE(map);
		EXPECT_THAT(WriteFileOnce(ProcPath(ipid, map), "0 1 1\n"), ErrnoIs(EPERM));
	}
	done.Send(1);
	EXPECT_EQ(outer.Finish(), 0);
}

// The unprivileged owner's own id is its id as the parent namespace sees
// it. Here the parent is not the initial namespace: outer maps uids 0..999
// to 100000.. and gids to 200000.., and its uid 5, gid 7 creates a
// namespace and maps "0 5 1" and "0 7 1". Seen from the initial namespace
// the maps read in kernel ids.
TEST_F(MapPrivilege, UnprivilegedOwnerMapsOwnIdOfNestedParent)
{
	Channel mapped, done;
	UsernsChild outer([&] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_OK(BecomeUser(5, 7));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 6 1\n")), EPERM);
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 100005 1\n")), EPERM);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/uid_map", "0 5 1\n"));
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/gid_map", "0 7 1\n")), EPERM);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/setgroups", "deny"));
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/gid_map", "0 5 1\n")), EPERM);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/gid_map", "0 7 1\n"));
		CHILD_CHECK_EQ(getuid(), 0);
		CHILD_CHECK_EQ(getgid(), 0);
		mapped.Send(1);
		return done.Receive() == 1 ? 0 : 3;
	});
	ASSERT_EQ(outer.setup_error(), 0);
	ASSERT_THAT(outer.WriteMap("uid_map", "0 100000 1000\n"), ErrnoIs(0));
	ASSERT_THAT(outer.WriteMap("gid_map", "0 200000 1000\n"), ErrnoIs(0));
	outer.Go();
	ASSERT_EQ(mapped.Receive(), 1);
	EXPECT_EQ(ReadFile(ProcPath(outer.pid(), "uid_map")),
		  "         0     100005          1\n");
	EXPECT_EQ(ReadFile(ProcPath(outer.pid(), "gid_map")),
		  "         0     200007          1\n");
	done.Send(1);
	EXPECT_EQ(outer.Finish(), 0);
}

// The unprivileged "own id" rule is for the namespace's owner. Uid 3000,
// holding capabilities outside, joins a namespace that uid 1000 owns
// (setns() gives it every capability there) and may not map its own uid:
// it is not the owner and holds no CAP_SETUID over the parent. The owner
// then still can.
TEST_F(MapPrivilege, NonOwnerMayNotMapItsOwnId)
{
	UsernsChild target([] { return 0; }, [] { return ErrnoOf(BecomeUser(kTestUid, kTestGid)); });
	ASSERT_EQ(target.setup_error(), 0);
	pid_t tpid = target.pid();
	EXPECT_EQ(RunInChild([tpid] {
		FileDescriptor ns(open(ProcPath(tpid, "ns/user").c_str(), O_RDONLY));
		CHILD_CHECK(ns.valid());
		CHILD_CHECK_EQ(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0), 0);
		CHILD_CHECK_EQ(setresgid(3000, 3000, 3000), 0);
		CHILD_CHECK_EQ(setresuid(3000, 3000, 3000), 0);
		CHILD_CHECK_OK(RaiseEffectiveToPermitted());
		CHILD_CHECK_EQ(setns(ns.get(), CLONE_NEWUSER), 0);
		// The new credentials made it non-dumpable: its proc files
		// would belong to root, which this namespace cannot open.
		CHILD_CHECK_EQ(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 3000 1\n")), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(RunInChild([tpid] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_OK(WriteFileOnce(ProcPath(tpid, "uid_map"), kOwnUid));
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// An fd opened by an unprivileged process and written by root gains
// nothing: the opener needs CAP_SETUID too (CVE-2013-1959). The fd travels
// over SCM_RIGHTS.
TEST_F(MapPrivilege, Cve_2013_1959_PrivilegedWriterOfUnprivilegedOpenersFd)
{
	auto [mine, theirs] = SocketPair();
	int sock = theirs.get();
	ScopedChild opener([sock] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		UsernsChild ns([] { return 0; });
		CHILD_CHECK_EQ(ns.setup_error(), 0);
		for (const char *map : {"uid_map", "uid_map", "gid_map"}) {
			FileDescriptor fd(open(ProcPath(ns.pid(), map).c_str(), O_WRONLY));
			CHILD_CHECK(fd.valid());
			CHILD_CHECK_OK(SendFd(sock, fd.get()));
		}
		char ack;
		CHILD_CHECK_EQ(read(sock, &ack, 1), 1);
		return ns.Finish();
	});
	FileDescriptor uid_a(ReceiveFd(mine.get()));
	FileDescriptor uid_b(ReceiveFd(mine.get()));
	FileDescriptor gid(ReceiveFd(mine.get()));
	ASSERT_TRUE(uid_a.valid() && uid_b.valid() && gid.valid());
	// Root writing another uid through the opener's fd: EPERM. (Lower id 5,
	// not 0: a map of lower 0 would fail for want of CAP_SETFCAP anyway.)
	EXPECT_THAT(WriteAll(uid_a.get(), "0 5 1\n"), ErrnoIs(EPERM));
	EXPECT_THAT(WriteAll(gid.get(), "0 5 1\n"), ErrnoIs(EPERM));
	// The opener's own uid is allowed whoever writes it.
	EXPECT_THAT(WriteAll(uid_b.get(), kOwnUid), ErrnoIs(0));
	ASSERT_EQ(write(mine.get(), "k", 1), 1);
	EXPECT_EQ(opener.Wait(), 0);
}

// The converse: root opens, an unprivileged process writes. The writer
// lacks CAP_SETUID over the parent: EPERM.
TEST_F(MapPrivilege, UnprivilegedWriterOfRootOpenersFdIsEperm)
{
	NamespaceFile uid_map("uid_map", O_WRONLY);
	ASSERT_THAT(uid_map.status(), ErrnoIs(0));
	auto [mine, theirs] = SocketPair();
	int sock = theirs.get();
	ScopedChild writer([sock] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		FileDescriptor f = ReceiveFd(sock);
		CHILD_CHECK(f.valid());
		CHILD_CHECK_EQ(ErrnoOf(WriteAll(f.get(), "0 2000 1\n")), EPERM);
		return 0;
	});
	ASSERT_THAT(SendFd(mine.get(), uid_map.fd()), ErrnoIs(0));
	EXPECT_EQ(writer.Wait(), 0);
	EXPECT_EQ(uid_map.Finish(), 0);
}

// Mapping lower uid 0 from the parent needs CAP_SETFCAP (5.12); other
// lower ids do not.
TEST_F(MapPrivilege, MappingLowerRootNeedsCapSetfcap)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(DropCapability(CAP_SETFCAP));
		CHILD_CHECK_EQ(ErrnoOf(WriteMapOfFreshNamespace("uid_map", "0 0 1\n")), EPERM);
		CHILD_CHECK_EQ(ErrnoOf(WriteMapOfFreshNamespace("uid_map", "0 5 10\n1000 0 1\n")), EPERM);
		CHILD_CHECK_OK(WriteMapOfFreshNamespace("uid_map", "0 1 10\n"));
		// gid 0 is not covered by the rule.
		CHILD_CHECK_OK(WriteMapOfFreshNamespace("gid_map", "0 0 1\n"));
		return 0;
	}), 0);
}

// From inside, mapping lower uid 0 needs the creator to have held
// CAP_SETFCAP when it created the namespace.
TEST_F(MapPrivilege, SelfMappingLowerRootNeedsCreatorCapSetfcap)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(DropCapability(CAP_SETFCAP));
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_EQ(ErrnoOf(WriteFileOnce("/proc/self/uid_map", "0 0 1\n")), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_OK(WriteFileOnce("/proc/self/uid_map", "0 0 1\n"));
		return 0;
	}), 0);
}

// CAP_SYS_ADMIN over the target namespace is asked of the file's opener,
// not of its writer (file_ns_capable). The namespace belongs to kTestUid,
// so root gets nothing over it by ownership: root that dropped
// CAP_SYS_ADMIN opens uid_map and gid_map, and full root writing through
// those fds is refused; the map stays unwritten, and root's own fd writes
// it.
TEST_F(MapPrivilege, CapSysAdminIsTheOpenersNotTheWriters)
{
	UsernsChild ns([] { return 0; }, [] { return ErrnoOf(BecomeUser(kTestUid, kTestGid)); });
	ASSERT_EQ(ns.setup_error(), 0);
	auto [mine, theirs] = SocketPair();
	int sock = theirs.get();
	pid_t tpid = ns.pid();
	ScopedChild opener([sock, tpid] {
		CHILD_CHECK_OK(DropCapability(CAP_SYS_ADMIN));
		CHILD_CHECK(!HasEffectiveCapability(CAP_SYS_ADMIN));
		for (const char *map : {"uid_map", "gid_map"}) {
			FileDescriptor fd(open(ProcPath(tpid, map).c_str(), O_WRONLY | O_CLOEXEC));
			CHILD_CHECK(fd.valid());
			CHILD_CHECK_OK(SendFd(sock, fd.get()));
		}
		return 0;
	});
	FileDescriptor uid = ReceiveFd(mine.get());
	FileDescriptor gid = ReceiveFd(mine.get());
	ASSERT_EQ(opener.Wait(), 0);
	ASSERT_TRUE(uid.valid() && gid.valid());
	ASSERT_TRUE(HasEffectiveCapability(CAP_SYS_ADMIN));
	EXPECT_THAT(WriteAll(uid.get(), "0 2000 10\n"), ErrnoIs(EPERM));
	EXPECT_THAT(WriteAll(gid.get(), "0 3000 10\n"), ErrnoIs(EPERM));
	EXPECT_EQ(ReadFile(ProcPath(tpid, "uid_map")), "");
	EXPECT_THAT(ns.WriteMap("uid_map", "0 2000 10\n"), ErrnoIs(0));
	EXPECT_THAT(ns.WriteMap("gid_map", "0 3000 10\n"), ErrnoIs(0));
	EXPECT_EQ(ns.Finish(), 0);
}

// The converse: full root opens, and root that dropped CAP_SYS_ADMIN
// writes through the fds: the maps are written.
TEST_F(MapPrivilege, WriterWithoutCapSysAdminWritesThroughAnOpenerWhoHasIt)
{
	UsernsChild ns([] { return 0; }, [] { return ErrnoOf(BecomeUser(kTestUid, kTestGid)); });
	ASSERT_EQ(ns.setup_error(), 0);
	FileDescriptor uid(open(ProcPath(ns.pid(), "uid_map").c_str(), O_WRONLY | O_CLOEXEC));
	FileDescriptor gid(open(ProcPath(ns.pid(), "gid_map").c_str(), O_WRONLY | O_CLOEXEC));
	ASSERT_TRUE(uid.valid() && gid.valid());
	int u = uid.get(), g = gid.get();
	EXPECT_EQ(RunInChild([u, g] {
		CHILD_CHECK_OK(DropCapability(CAP_SYS_ADMIN));
		CHILD_CHECK(!HasEffectiveCapability(CAP_SYS_ADMIN));
		CHILD_CHECK_OK(WriteAll(u, "0 2000 10\n"));
		CHILD_CHECK_OK(WriteAll(g, "0 3000 10\n"));
		return 0;
	}), 0);
	EXPECT_EQ(ReadFile(ProcPath(ns.pid(), "uid_map")), "         0       2000         10\n");
	EXPECT_EQ(ReadFile(ProcPath(ns.pid(), "gid_map")), "         0       3000         10\n");
	EXPECT_EQ(ns.Finish(), 0);
}

}  // namespace
