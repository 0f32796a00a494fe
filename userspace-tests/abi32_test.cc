// SPDX-License-Identifier: GPL-2.0
// Abi32: what only 32-bit callers see (the suite built -m32, make
// test-m32, on a kernel with IA32_EMULATION). The i386 ABI keeps the old
// calls with 16-bit ids beside the 32-bit ones: getuid, setresuid,
// setfsuid, chown, getgroups, setgroups and their twins (kernel/uid16.c),
// and stat, lstat, fstat, whose struct stat holds 16-bit ids. An id above
// 65535 reads through them as the overflow id of its kind (the
// kernel.overflowuid and overflowgid sysctls), never truncated; 0xffff
// stands for -1, "no change"; a 16-bit set of an id the caller's namespace
// does not map fails as the 32-bit call does.
#if defined(__i386__)

#include <fcntl.h>
#include <grp.h>
#include <linux/stat.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "scratch_file.h"
#include "sysctl_setting.h"
#include "userns.h"

namespace {

// The i386 kernel's struct stat, which stat, lstat and fstat fill: 16-bit
// ids (glibc's struct stat is stat64's).
struct OldKernelStat {
	uint32_t st_dev, st_ino;
	uint16_t st_mode, st_nlink, st_uid, st_gid;
	uint32_t st_rdev, st_size, st_blksize, st_blocks;
	uint32_t times[6];
	uint32_t unused[2];
};
static_assert(sizeof(OldKernelStat) == 64, "not the i386 kernel's struct stat");

// 0xffff: -1, "no change", to the 16-bit calls.
constexpr uint16_t kNoChange16 = 0xffff;

std::string Ids(unsigned uid, unsigned gid)
{
	return std::to_string(uid) + ":" + std::to_string(gid);
}

// Child side: path's owner and group as the calls with 32-bit ids read
// them, "uid:gid" when stat64 and statx agree.
std::string Owner32(const char *path)
{
	struct stat st;
	struct statx stx;
	if (syscall(SYS_stat64, path, &st) != 0)
		return "stat64: " + ErrnoName(errno);
	if (syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) != 0)
		return "statx: " + ErrnoName(errno);
	std::string a = Ids(st.st_uid, st.st_gid), b = Ids(stx.stx_uid, stx.stx_gid);
	return a == b ? a : "stat64 " + a + ", statx " + b;
}

// Child side: path's owner and group as the calls with 16-bit ids read
// them, "uid:gid" when stat, lstat and fstat agree.
std::string Owner16(const char *path)
{
	OldKernelStat st[3];
	FileDescriptor fd(open(path, O_RDONLY | O_CLOEXEC));
	if (!fd.valid())
		return std::string("open: ") + ErrnoName(errno);
	if (syscall(SYS_stat, path, &st[0]) != 0)
		return "stat: " + ErrnoName(errno);
	if (syscall(SYS_lstat, path, &st[1]) != 0)
		return "lstat: " + ErrnoName(errno);
	if (syscall(SYS_fstat, fd.get(), &st[2]) != 0)
		return "fstat: " + ErrnoName(errno);
	std::string a = Ids(st[0].st_uid, st[0].st_gid), b = Ids(st[1].st_uid, st[1].st_gid),
		    c = Ids(st[2].st_uid, st[2].st_gid);
	return a == b && b == c ? a : "stat " + a + ", lstat " + b + ", fstat " + c;
}

// getresuid16() or getresgid16() as "r e s".
std::string Res16(long nr)
{
	uint16_t r, e, s;
	if (syscall(nr, &r, &e, &s) != 0)
		return ErrnoName(errno);
	return std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s);
}

// getresuid() or getresgid() (the 32-bit calls) as "r e s".
std::string ResUids32()
{
	uid_t r, e, s;
	return getresuid(&r, &e, &s) == 0 ?
		       std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s) :
		       ErrnoName(errno);
}
std::string ResGids32()
{
	gid_t r, e, s;
	return getresgid(&r, &e, &s) == 0 ?
		       std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s) :
		       ErrnoName(errno);
}

// ids as "a b c".
template <typename Id>
std::string Join(const Id *ids, long n)
{
	std::string out;
	for (long i = 0; i < n; i++) {
		if (i)
			out += ' ';
		out += std::to_string(ids[i]);
	}
	return out;
}

// The supplementary groups as getgroups16() reads them.
std::string Groups16()
{
	uint16_t groups[8];
	long n = syscall(SYS_getgroups, 8, groups);
	return n < 0 ? ErrnoName(errno) : Join(groups, n);
}

// The same through the 32-bit getgroups().
std::string Groups32()
{
	gid_t groups[8];
	int n = getgroups(8, groups);
	return n < 0 ? ErrnoName(errno) : Join(groups, n);
}

}  // namespace

// Without a namespace (so on a kernel with or without user namespaces):
// a file of uid 70000 and gid 70001 reads as that through stat64 and
// statx, and as 65534:65534 through the 16-bit stat calls (70000 is 4464
// truncated); a process with uid 70000 reads 65534 from getuid16().
TEST(Abi32WithoutNamespace, IdsAbove65535ReadAsTheOverflowIds)
{
	ScratchFile f("abi32-initial", 70000, 70001, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	EXPECT_EQ(RunInChild([path] {
		CHILD_CHECK_EQ(Owner32(path.c_str()), "70000:70001");
		CHILD_CHECK_EQ(Owner16(path.c_str()), "65534:65534");
		CHILD_CHECK_EQ(setresgid(70001, 70001, 70001), 0);
		CHILD_CHECK_EQ(setresuid(70000, 70000, 70000), 0);
		CHILD_CHECK_EQ(syscall(SYS_getuid), kOverflowUid);
		CHILD_CHECK_EQ(syscall(SYS_getgid), kOverflowGid);
		CHILD_CHECK_EQ(syscall(SYS_getuid32), 70000);
		CHILD_CHECK_EQ(syscall(SYS_getgid32), 70001);
		return 0;
	}), 0);
}

USERNS_AREA(Abi32);

namespace {

// Every namespace below maps uids 0..9 to kernel 100000.. and 70000 to
// kernel 100070; gids 0..9 to 200000.. and 70000 to 200070.
void MapWithAnIdAbove65535(const UsernsChild &child)
{
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 100000 10\n70000 100070 1\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "0 200000 10\n70000 200070 1\n"), ErrnoIs(0));
}

}  // namespace

// Inside the namespace, a file of kernel 100070:200070 reads as
// 70000:70000 through the 32-bit calls and as the overflow ids through the
// 16-bit ones; kernel 100005:200006 reads as 5:6 through both; an unmapped
// owner reads as the overflow ids through both.
TEST_F(Abi32, OldStatShowsIdsAbove65535AsTheOverflowIds)
{
	ScratchFile high("abi32-high", 100070, 200070, 0644);
	ScratchFile low("abi32-low", 100005, 200006, 0644);
	ScratchFile unmapped("abi32-unmapped", 0, 0, 0644);
	ASSERT_THAT(high.status(), ErrnoIs(0));
	ASSERT_THAT(low.status(), ErrnoIs(0));
	ASSERT_THAT(unmapped.status(), ErrnoIs(0));
	std::string h = high.path(), l = low.path(), u = unmapped.path();
	UsernsChild child([h, l, u] {
		CHILD_CHECK_EQ(Owner32(h.c_str()), "70000:70000");
		CHILD_CHECK_EQ(Owner16(h.c_str()), "65534:65534");
		CHILD_CHECK_EQ(Owner32(l.c_str()), "5:6");
		CHILD_CHECK_EQ(Owner16(l.c_str()), "5:6");
		CHILD_CHECK_EQ(Owner32(u.c_str()), "65534:65534");
		CHILD_CHECK_EQ(Owner16(u.c_str()), "65534:65534");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapWithAnIdAbove65535(child));
	EXPECT_EQ(child.Finish(), 0);
}

// With kernel.overflowuid 60001 and overflowgid 60002, the ids that do not
// fit 16 bits and the unmapped ones read as those: the namespace's 70000
// through the 16-bit stat calls and getuid16()/getgid16(), an unmapped
// owner through every call.
TEST_F(Abi32, OverflowIdsFollowTheSysctls)
{
	SysctlSetting uid_knob("/proc/sys/kernel/overflowuid", "60001\n");
	SysctlSetting gid_knob("/proc/sys/kernel/overflowgid", "60002\n");
	ASSERT_THAT(uid_knob.status(), ErrnoIs(0));
	ASSERT_THAT(gid_knob.status(), ErrnoIs(0));
	ScratchFile high("abi32-sysctl-high", 100070, 200070, 0644);
	ScratchFile unmapped("abi32-sysctl-unmapped", 0, 0, 0644);
	ASSERT_THAT(high.status(), ErrnoIs(0));
	ASSERT_THAT(unmapped.status(), ErrnoIs(0));
	std::string h = high.path(), u = unmapped.path();
	UsernsChild child([h, u] {
		CHILD_CHECK_EQ(Owner32(h.c_str()), "70000:70000");
		CHILD_CHECK_EQ(Owner16(h.c_str()), "60001:60002");
		CHILD_CHECK_EQ(Owner32(u.c_str()), "60001:60002");
		CHILD_CHECK_EQ(Owner16(u.c_str()), "60001:60002");
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(setresgid(70000, 70000, 70000), 0);
		CHILD_CHECK_EQ(setresuid(70000, 70000, 70000), 0);
		CHILD_CHECK_EQ(syscall(SYS_getuid), 60001);
		CHILD_CHECK_EQ(syscall(SYS_getgid), 60002);
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapWithAnIdAbove65535(child));
	EXPECT_EQ(child.Finish(), 0);
}

// With real and saved ids 70000 and effective ids 5 (uid) and 6 (gid),
// getuid16(), getresuid16() and their gid twins read 70000 as the overflow
// id and 5 and 6 as themselves; the 32-bit calls read 70000.
TEST_F(Abi32, SixteenBitGetidsReadIdsAbove65535AsTheOverflowIds)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(setresgid(70000, 6, 70000), 0);
		CHILD_CHECK_EQ(setresuid(70000, 5, 70000), 0);
		CHILD_CHECK_EQ(syscall(SYS_getuid), kOverflowUid);
		CHILD_CHECK_EQ(syscall(SYS_geteuid), 5);
		CHILD_CHECK_EQ(Res16(SYS_getresuid), "65534 5 65534");
		CHILD_CHECK_EQ(syscall(SYS_getgid), kOverflowGid);
		CHILD_CHECK_EQ(syscall(SYS_getegid), 6);
		CHILD_CHECK_EQ(Res16(SYS_getresgid), "65534 6 65534");
		CHILD_CHECK_EQ(ResUids32(), "70000 5 70000");
		CHILD_CHECK_EQ(ResGids32(), "70000 6 70000");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapWithAnIdAbove65535(child));
	EXPECT_EQ(child.Finish(), 0);
}

// The 16-bit sets go through the caller's namespace as the 32-bit ones
// do: 5000, which it does not map, is EINVAL for setuid16(), setuid32(),
// setresuid16() and setgid16(), and setfsuid16() leaves the fsuid as it
// was; 0xffff changes nothing; setresuid16(1, 2, 3) sets namespace ids
// 1 2 3, read back through the 32-bit calls.
TEST_F(Abi32, SixteenBitSetidsMapThroughTheNamespace)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_ERRNO(syscall(SYS_setuid, 5000), EINVAL);
		CHILD_CHECK_ERRNO(syscall(SYS_setuid32, 5000), EINVAL);
		CHILD_CHECK_ERRNO(syscall(SYS_setresuid, 5000, kNoChange16, kNoChange16), EINVAL);
		CHILD_CHECK_ERRNO(syscall(SYS_setgid, 5000), EINVAL);
		CHILD_CHECK_ERRNO(syscall(SYS_setresgid, kNoChange16, 5000, kNoChange16), EINVAL);
		CHILD_CHECK_EQ(ResUids32(), "0 0 0");
		CHILD_CHECK_EQ(syscall(SYS_setfsuid, 7), 0);
		CHILD_CHECK_EQ(syscall(SYS_setfsuid, 5000), 7);
		CHILD_CHECK_EQ(syscall(SYS_setfsuid, kNoChange16), 7);
		CHILD_CHECK_EQ(syscall(SYS_setfsuid, 0), 7);
		CHILD_CHECK_EQ(syscall(SYS_setresgid, 4, 5, 6), 0);
		CHILD_CHECK_EQ(syscall(SYS_setresuid, 1, 2, 3), 0);
		CHILD_CHECK_EQ(ResUids32(), "1 2 3");
		CHILD_CHECK_EQ(ResGids32(), "4 5 6");
		CHILD_CHECK_EQ(syscall(SYS_setresuid, kNoChange16, kNoChange16, kNoChange16), 0);
		CHILD_CHECK_EQ(ResUids32(), "1 2 3");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapWithAnIdAbove65535(child));
	EXPECT_EQ(child.Finish(), 0);
}

// chown16(), fchown16() and lchown16() take namespace ids: 3:4, then 5
// with the gid kept (0xffff), then gid 7 with the uid kept, seen as such
// inside and as kernel 100005:200007 from the initial namespace; an
// unmapped 5000 is EINVAL and changes nothing.
TEST_F(Abi32, SixteenBitChownMapsIdsIntoTheNamespace)
{
	ScratchFile f("abi32-chown", 100001, 200001, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	UsernsChild child([path] {
		const char *p = path.c_str();
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(syscall(SYS_chown, p, 3, 4), 0);
		CHILD_CHECK_EQ(Owner32(p), "3:4");
		FileDescriptor fd(open(p, O_RDONLY | O_CLOEXEC));
		CHILD_CHECK(fd.valid());
		CHILD_CHECK_EQ(syscall(SYS_fchown, fd.get(), 5, kNoChange16), 0);
		CHILD_CHECK_EQ(Owner32(p), "5:4");
		CHILD_CHECK_EQ(syscall(SYS_lchown, p, kNoChange16, 7), 0);
		CHILD_CHECK_EQ(Owner32(p), "5:7");
		CHILD_CHECK_ERRNO(syscall(SYS_chown, p, 5000, kNoChange16), EINVAL);
		CHILD_CHECK_ERRNO(syscall(SYS_fchown, fd.get(), kNoChange16, 5000), EINVAL);
		CHILD_CHECK_EQ(Owner32(p), "5:7");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapWithAnIdAbove65535(child));
	EXPECT_EQ(child.Finish(), 0);
	struct stat st;
	ASSERT_EQ(stat(path.c_str(), &st), 0) << strerror(errno);
	EXPECT_EQ(Ids(st.st_uid, st.st_gid), "100005:200007");
}

// Supplementary groups 70000 and 5 (kept in the order of their kernel
// gids, 200070 after 200005) read through getgroups16() as 5 and the
// overflow gid, through getgroups() as 5 and 70000; setgroups16()
// of a group the namespace does not map (5000), or of 0xffff (which it
// reads as -1), is EINVAL and changes nothing; of 3 and 4 it sets them.
TEST_F(Abi32, SixteenBitGroupsReadIdsAbove65535AsTheOverflowGid)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		const gid_t groups[] = {70000, 5};
		CHILD_CHECK_EQ(setgroups(2, groups), 0);
		CHILD_CHECK_EQ(Groups16(), "5 65534");
		CHILD_CHECK_EQ(syscall(SYS_getgroups, 0, nullptr), 2);
		CHILD_CHECK_EQ(Groups32(), "5 70000");
		const uint16_t unmapped[] = {3, 5000};
		CHILD_CHECK_ERRNO(syscall(SYS_setgroups, 2, unmapped), EINVAL);
		const uint16_t minus_one[] = {kNoChange16};
		CHILD_CHECK_ERRNO(syscall(SYS_setgroups, 1, minus_one), EINVAL);
		CHILD_CHECK_EQ(Groups32(), "5 70000");
		const uint16_t mapped[] = {3, 4};
		CHILD_CHECK_EQ(syscall(SYS_setgroups, 2, mapped), 0);
		CHILD_CHECK_EQ(Groups32(), "3 4");
		CHILD_CHECK_EQ(Groups16(), "3 4");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapWithAnIdAbove65535(child));
	EXPECT_EQ(child.Finish(), 0);
}

#endif  // __i386__
