// SPDX-License-Identifier: GPL-2.0
// Translation: how ids read inside a user namespace (make_kuid/from_kuid
// seen from userspace through getuid(), stat() and friends).
#include <fcntl.h>
#include <linux/stat.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "scratch_dir.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

// The stat calls of the ABI the suite is built for, each made directly,
// whatever the C library prefers (glibc's stat() and fstat() are both
// newfstatat on x86_64, fstatat64 on i386). On i386 these are the calls
// with 32-bit ids, whose struct stat64 is glibc's struct stat under
// _FILE_OFFSET_BITS=64; the old calls with 16-bit ids are Abi32's.
#if defined(__i386__)
static_assert(sizeof(struct stat) == 96, "glibc's struct stat is not the kernel's stat64");
constexpr long kSysStat = SYS_stat64, kSysLstat = SYS_lstat64, kSysFstat = SYS_fstat64,
	       kSysFstatat = SYS_fstatat64;
constexpr const char *kStatNames[] = {"stat64", "lstat64", "fstat64", "fstatat64",
				      "fstatat64(AT_EMPTY_PATH)", "statx"};
#elif defined(SYS_stat)
constexpr long kSysStat = SYS_stat, kSysLstat = SYS_lstat, kSysFstat = SYS_fstat,
	       kSysFstatat = SYS_newfstatat;
constexpr const char *kStatNames[] = {"stat", "lstat", "fstat", "newfstatat",
				      "newfstatat(AT_EMPTY_PATH)", "statx"};
#else
// The generic syscall table (arm64) has no stat or lstat: a path is
// looked up by newfstatat, with AT_SYMLINK_NOFOLLOW for lstat's.
constexpr long kSysFstat = SYS_fstat, kSysFstatat = SYS_newfstatat;
constexpr const char *kStatNames[] = {"newfstatat", "newfstatat(AT_SYMLINK_NOFOLLOW)", "fstat",
				      "newfstatat", "newfstatat(AT_EMPTY_PATH)", "statx"};
#endif

// The ABI's stat and lstat of a path (kStatNames' first two).
long StatCall(const char *path, struct stat *st)
{
#if defined(__i386__) || defined(SYS_stat)
	return syscall(kSysStat, path, st);
#else
	return syscall(kSysFstatat, AT_FDCWD, path, st, 0);
#endif
}

long LstatCall(const char *path, struct stat *st)
{
#if defined(__i386__) || defined(SYS_stat)
	return syscall(kSysLstat, path, st);
#else
	return syscall(kSysFstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
#endif
}

// Child side: every stat system call reports path's owner and group as
// uid:gid. Each call is made directly, whatever the C library prefers
// (glibc's stat() and fstat() are both newfstatat). Prints each
// disagreement; returns how many there were.
int CheckEveryStatCall(const char *path, unsigned uid, unsigned gid)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	struct stat st[5];
	struct statx stx;
	long rc[] = {
		StatCall(path, &st[0]),
		LstatCall(path, &st[1]),
		syscall(kSysFstat, fd, &st[2]),
		syscall(kSysFstatat, AT_FDCWD, path, &st[3], 0),
		syscall(kSysFstatat, fd, "", &st[4], AT_EMPTY_PATH),
		syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx),
	};
	close(fd);
	const auto &names = kStatNames;
	int bad = 0;
	for (int i = 0; i < 6; i++) {
		unsigned u = i < 5 ? st[i].st_uid : stx.stx_uid;
		unsigned g = i < 5 ? st[i].st_gid : stx.stx_gid;
		if (rc[i] != 0 || u != uid || g != gid) {
			fprintf(stderr, "%s(%s): rc %ld, %u:%u, expected %u:%u\n", names[i], path,
				rc[i], u, g, uid, gid);
			bad++;
		}
	}
	return bad;
}

// Child or parent side: statx() on path, many times, into a buffer
// filled with 0xa5. Every byte statx() defines but does not use (the
// padding after stx_mode, each timestamp's __reserved, everything from
// 0xa0 on, which tmpfs leaves unset) must come back zero. A kernel that
// copies out bytes it never stored shows them here when its stack is not
// zeroed for it: with CONFIG_INIT_STACK_ALL_PATTERN (make test-debug) they
// read 0xfe; with no stack initialisation, each call follows one that
// leaves non-zero bytes where statx() builds its reply, poll() (0xff
// pollfds) or a stat call (a struct stat of the same file). Prints the
// first stray byte; returns 1 if there was one.
int CheckStatxZeroesWhatItLeavesUnset(const char *path)
{
	struct pollfd junk[32];
	memset(junk, 0xff, sizeof(junk));
	// The padding after stx_mode, each timestamp's __reserved, 0xa0 on.
	std::vector<size_t> zero = {
		offsetof(struct statx, stx_mode) + sizeof(__u16),
		offsetof(struct statx, stx_mode) + sizeof(__u16) + 1,
	};
	for (size_t ts : {offsetof(struct statx, stx_atime), offsetof(struct statx, stx_btime),
			  offsetof(struct statx, stx_ctime), offsetof(struct statx, stx_mtime)})
		for (size_t b = 12; b < 16; b++)
			zero.push_back(ts + b);
	for (size_t off = 0xa0; off < 0x100; off++)
		zero.push_back(off);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	FileDescriptor closer(fd);
	struct stat st;
	for (int i = 0; i < 64; i++) {
		switch (i % 4) {
		case 0: poll(junk, 32, 0); break;
		case 1: StatCall(path, &st); break;
		case 2: syscall(kSysFstat, fd, &st); break;
		case 3: syscall(kSysFstatat, fd, "", &st, AT_EMPTY_PATH); break;
		}
		unsigned char buf[0x100];
		memset(buf, 0xa5, sizeof(buf));
		if (syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS, buf) != 0) {
			perror("statx");
			return 1;
		}
		for (size_t off : zero) {
			if (buf[off] != 0) {
				fprintf(stderr, "statx(%s), call %d: byte 0x%zx is 0x%02x, not 0\n",
					path, i, off, buf[off]);
				return 1;
			}
		}
	}
	return 0;
}

}  // namespace

USERNS_AREA(Translation);

// Before any map is written every id is unmapped: getuid() reads overflowuid,
// getgid() overflowgid, effective ids alike.
TEST_F(Translation, UnmappedUidReadsOverflowUid)
{
	UsernsChild child([] {
		CHILD_CHECK_EQ(getuid(), kOverflowUid);
		CHILD_CHECK_EQ(geteuid(), kOverflowUid);
		CHILD_CHECK_EQ(getgid(), kOverflowGid);
		CHILD_CHECK_EQ(getegid(), kOverflowGid);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_EQ(child.Finish(), 0);
}

// After the parent maps 0 to its own uid, the child is root inside.
TEST_F(Translation, MappedRootReadsZero)
{
	UsernsChild child([] {
		CHILD_CHECK_EQ(getuid(), 0);
		CHILD_CHECK_EQ(geteuid(), 0);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 " + std::to_string(getuid()) + " 1\n"),
		    ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// A non-zero inside id mapped onto the child's own ids is what it reads:
// the parent maps the child's uid and gid (kernel 0) as 100, and the
// child's getuid(), geteuid(), getgid() and getegid() read 100.
TEST_F(Translation, NonZeroInsideIdMappedOntoTheCallerReadsAsThatId)
{
	UsernsChild child([] {
		CHILD_CHECK_EQ(getuid(), 100);
		CHILD_CHECK_EQ(geteuid(), 100);
		CHILD_CHECK_EQ(getgid(), 100);
		CHILD_CHECK_EQ(getegid(), 100);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "100 " + std::to_string(getuid()) + " 1\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "100 " + std::to_string(getgid()) + " 1\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// A root-owned file seen from a namespace that does not map 0 shows
// overflowuid as its owner.
TEST_F(Translation, RootOwnedFileShowsOverflowUidWhenZeroUnmapped)
{
	ASSERT_EQ(getuid(), 0u) << "the suite runs as root in the guest";
	EXPECT_EQ(RunInNamespaceWithMaps("1000 1000 1\n", "1000 1000 1\n", [] {
		struct stat st;
		CHILD_CHECK_EQ(stat("/", &st), 0);
		CHILD_CHECK_EQ(st.st_uid, kOverflowUid);
		CHILD_CHECK_EQ(st.st_gid, kOverflowGid);
		return 0;
	}), 0);
}


// A file owned by a mapped kernel id shows the id the namespace sees.
TEST_F(Translation, StatShowsMappedOwnerInsideIds)
{
	ScratchFile f("xlate-owner", 100005, 100007, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path] {
		struct stat st;
		CHILD_CHECK_EQ(stat(path.c_str(), &st), 0);
		CHILD_CHECK_EQ(st.st_uid, 5);
		CHILD_CHECK_EQ(st.st_gid, 7);
		return 0;
	}, false), 0);
}

// Uids and gids go through their own maps: here uids 0..9 map to 100000..
// and gids 0..9 to 200000... An owner 100003:200007 reads 3:7; the same
// numbers swapped (200003:100007) read as the overflow ids.
TEST_F(Translation, StatTranslatesUidAndGidThroughTheirOwnMaps)
{
	ScratchFile mapped("xlate-split", 100003, 200007, 0644);
	ScratchFile swapped("xlate-swapped", 200003, 100007, 0644);
	ASSERT_THAT(mapped.status(), ErrnoIs(0));
	ASSERT_THAT(swapped.status(), ErrnoIs(0));
	std::string a = mapped.path(), b = swapped.path();
	EXPECT_EQ(RunInNamespaceWithMaps("0 100000 10\n", "0 200000 10\n", [a, b] {
		struct stat st;
		CHILD_CHECK_EQ(stat(a.c_str(), &st), 0);
		CHILD_CHECK_EQ(st.st_uid, 3);
		CHILD_CHECK_EQ(st.st_gid, 7);
		CHILD_CHECK_EQ(stat(b.c_str(), &st), 0);
		CHILD_CHECK_EQ(st.st_uid, kOverflowUid);
		CHILD_CHECK_EQ(st.st_gid, kOverflowGid);
		CHILD_CHECK_EQ(getuid(), kOverflowUid);  // kernel uid 0 unmapped
		return 0;
	}), 0);
}

// Ids created inside go down through their own maps: a file made by
// uid 4, gid 6 of that namespace is owned by kernel 100004:200006.
TEST_F(Translation, FileCreatedInsideUsesUidAndGidMapsApart)
{
	ScratchDir dir("xlate-split-create", 0, 0, 01777);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	std::string path = dir / "f";
	EXPECT_EQ(RunInNamespaceWithMaps("0 100000 10\n", "0 200000 10\n", [path] {
		CHILD_CHECK_EQ(setresgid(6, 6, 6), 0);
		CHILD_CHECK_EQ(setresuid(4, 4, 4), 0);
		CHILD_CHECK_EQ(CreateFile(path), 0);
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, path), "100004:200006");
}

// The overflowuid and overflowgid sysctls decide what unmapped ids read as.
TEST_F(Translation, OverflowSysctlsAreHonoured)
{
	std::string old_uid = ReadFile("/proc/sys/kernel/overflowuid").value_or("");
	std::string old_gid = ReadFile("/proc/sys/kernel/overflowgid").value_or("");
	ASSERT_FALSE(old_uid.empty());
	ASSERT_THAT(WriteFileOnce("/proc/sys/kernel/overflowuid", "12345"), ErrnoIs(0));
	ASSERT_THAT(WriteFileOnce("/proc/sys/kernel/overflowgid", "23456"), ErrnoIs(0));
	int rc = RunInChild([] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
		CHILD_CHECK_EQ(getuid(), 12345);
		CHILD_CHECK_EQ(getgid(), 23456);
		struct stat st;
		CHILD_CHECK_EQ(stat("/", &st), 0);
		CHILD_CHECK_EQ(st.st_uid, 12345);
		return 0;
	});
	// With one-extent maps that leave root unmapped, every stat call of
	// the root-owned / reads both sysctls.
	UsernsChild mapped([] { return CheckEveryStatCall("/", 12345, 23456) ? 1 : 0; });
	int setup = mapped.setup_error();
	int maps = setup ? 0 : ErrnoOf(mapped.WriteMap("uid_map", "0 100000 10\n"));
	if (!setup && !maps)
		maps = ErrnoOf(mapped.WriteMap("gid_map", "0 100000 10\n"));
	int mapped_rc = mapped.Finish();
	EXPECT_THAT(WriteFileOnce("/proc/sys/kernel/overflowuid", old_uid), ErrnoIs(0));
	EXPECT_THAT(WriteFileOnce("/proc/sys/kernel/overflowgid", old_gid), ErrnoIs(0));
	EXPECT_EQ(rc, 0);
	ASSERT_EQ(setup, 0);
	ASSERT_THAT(maps, ErrnoIs(0));
	EXPECT_EQ(mapped_rc, 0);
}

// setuid() to an id the namespace does not map is EINVAL.
TEST_F(Translation, SetuidToUnmappedIdIsEinval)
{
	EXPECT_EQ(RunInMappedNamespace(0, 10, [] {
		CHILD_CHECK_ERRNO(setuid(20), EINVAL);
		CHILD_CHECK_ERRNO(setgid(20), EINVAL);
		CHILD_CHECK_EQ(setuid(9), 0);
		CHILD_CHECK_EQ(getuid(), 9);
		return 0;
	}, false), 0);
}

// chown() to an id the namespace does not map is EINVAL.
TEST_F(Translation, ChownToUnmappedIdIsEinval)
{
	ScratchFile f("xlate-chown", 100000, 100000, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path] {
		CHILD_CHECK_ERRNO(chown(path.c_str(), 50, -1), EINVAL);
		CHILD_CHECK_EQ(chown(path.c_str(), 3, -1), 0);
		return 0;
	}), 0);
	struct stat st;
	ASSERT_THAT(stat(f.path(), &st), SyscallSucceeds());
	EXPECT_EQ(st.st_uid, 100003u);
}

// A file created inside is owned, outside, by the creator's kernel ids,
// which inside read as the ids they map to: a creator of ids 3:4 in a
// namespace mapping 0..9 to 200000.. makes a file of 200003:200004. One
// whose kernel ids (0:0, the suite's) its namespace does not map still
// creates files on a filesystem of the initial namespace: owned by 0:0
// outside, shown as the overflow ids inside.
TEST_F(Translation, FileCreatedInsideIsOwnedByTheCreatorsKernelIds)
{
	struct Creator {
		const char *name;
		unsigned base;
		id_t uid, gid;  // set inside first, or left unmapped when -1
		std::string outside, inside;
	};
	for (const Creator &c : {Creator{"mapped", 200000, 3, 4, "200003:200004", "3:4"},
				 Creator{"unmapped", 100000, (id_t)-1, (id_t)-1, "0:0", kOverflowOwner}}) {
		SCOPED_TRACE(c.name);
		ScratchDir dir("xlate-created", 0, 0, 01777);
		ASSERT_THAT(dir.status(), ErrnoIs(0));
		std::string path = dir / "f";
		EXPECT_EQ(RunInMappedNamespace(c.base, 10, [&c, path] {
			if (c.uid != (id_t)-1) {
				CHILD_CHECK_EQ(setresgid(c.gid, c.gid, c.gid), 0);
				CHILD_CHECK_EQ(setresuid(c.uid, c.uid, c.uid), 0);
			}
			CHILD_CHECK_EQ(CreateFile(path), 0);
			CHILD_CHECK_EQ(OwnerOf(AT_FDCWD, path), c.inside);
			return 0;
		}, false), 0);
		EXPECT_EQ(OwnerOf(AT_FDCWD, path), c.outside);
	}
}

// Maps compose across two levels: inner 0 -> outer 10 -> kernel 100010.
TEST_F(Translation, NestedMapsComposeAcrossTwoLevels)
{
	ScratchFile f("xlate-nested2", 100012, 100012, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	UsernsChild outer([path] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild inner([path] {
			struct stat st;
			CHILD_CHECK_EQ(stat(path.c_str(), &st), 0);
			CHILD_CHECK(st.st_uid == 2 && st.st_gid == 2);
			return 0;
		});
		CHILD_CHECK_EQ(inner.setup_error(), 0);
		CHILD_CHECK_OK(inner.WriteMap("uid_map", "0 10 5\n"));
		CHILD_CHECK_OK(inner.WriteMap("gid_map", "0 10 5\n"));
		CHILD_CHECK_EQ(ReadFile(ProcPath(inner.pid(), "uid_map")), "         0         10          5\n");
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	MapRange(outer, 100000, 1000);
	EXPECT_EQ(outer.Finish(), 0);
}

// Three levels: each maps a window of its parent; the innermost sees
// kernel id 100000 + 100 + 10 + 1 as 1.
TEST_F(Translation, NestedMapsComposeAcrossThreeLevels)
{
	ScratchFile f("xlate-nested3", 100111, 100111, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	// Each level's child exits with the status of the level below it.
	EXPECT_EQ(RunInMappedNamespace(100000, 1000, [path] {
		return RunInNamespaceWithMaps("0 100 100\n", "0 100 100\n", [path] {
			CHILD_CHECK_OK(BecomeRootInNamespace());
			return RunInNamespaceWithMaps("0 10 10\n", "0 10 10\n", [path] {
				struct stat st;
				CHILD_CHECK_EQ(stat(path.c_str(), &st), 0);
				CHILD_CHECK_EQ(st.st_uid, 1);
				CHILD_CHECK_EQ(getuid(), kOverflowUid);
				return 0;
			});
		});
	}), 0);
}

// With more than five extents (the sorted-array path) both directions
// work for every extent: stat() maps kernel ids up (reverse array),
// chown() maps namespace ids down (forward array). The kernel ids run the
// other way from the namespace ids, so the two arrays are in different
// orders and a lookup in the wrong one fails. Ids between the extents
// stay unmapped.
TEST_F(Translation, LargeMapTranslatesEveryExtent)
{
	constexpr int kExtents = 8;
	auto kid = [](int i) { return 300000u + 7 * (kExtents - 1 - i); };
	std::string map;
	for (int i = kExtents - 1; i >= 0; i--)
		map += std::to_string(10 * i) + " " + std::to_string(kid(i)) + " 1\n";
	std::vector<std::unique_ptr<ScratchFile>> files;
	for (int i = 0; i < kExtents; i++) {
		std::string name = "xlate-large-" + std::to_string(i);
		files.push_back(std::make_unique<ScratchFile>(name.c_str(), kid(i), kid(i), 0644));
		ASSERT_THAT(files.back()->status(), ErrnoIs(0));
	}
	ScratchFile between("xlate-large-between", kid(3) + 1, kid(3) + 1, 0644);
	ASSERT_THAT(between.status(), ErrnoIs(0));
	EXPECT_EQ(RunInNamespaceWithMaps(map, map, [&files, &between] {
		struct stat st;
		for (int i = 0; i < kExtents; i++) {
			const char *p = files[i]->path();
			CHILD_CHECK_EQ(stat(p, &st), 0);
			CHILD_CHECK_EQ(st.st_uid, (uid_t)(10 * i));
			CHILD_CHECK_EQ(st.st_gid, (gid_t)(10 * i));
			int next = (i + 1) % kExtents;
			CHILD_CHECK_EQ(chown(p, 10 * next, -1), 0);
		}
		CHILD_CHECK_EQ(stat(between.path(), &st), 0);
		CHILD_CHECK_EQ(st.st_uid, kOverflowUid);
		return 0;
	}), 0);
	for (int i = 0; i < kExtents; i++) {
		struct stat st;
		ASSERT_THAT(stat(files[i]->path(), &st), SyscallSucceeds());
		EXPECT_EQ(st.st_uid, kid((i + 1) % kExtents)) << "file " << i;
	}
}

// Maps of one extent each, the shape containers use (and the one the
// kernel may answer without walking a map): every stat call translates
// the extent's first and last ids and reads the ids just outside it as
// the overflow ids, uid and gid each through its own map.
TEST_F(Translation, EveryStatCallTranslatesTheEdgesOfOneExtentMaps)
{
	ScratchFile first("xlate-one-first", 100000, 200000, 0644);
	ScratchFile last("xlate-one-last", 100009, 200009, 0644);
	ScratchFile past("xlate-one-past", 100010, 200010, 0644);
	ScratchFile below("xlate-one-below", 99999, 199999, 0644);
	ScratchFile mixed("xlate-one-mixed", 100004, 200010, 0644);
	ASSERT_THAT(first.status(), ErrnoIs(0));
	ASSERT_THAT(last.status(), ErrnoIs(0));
	ASSERT_THAT(past.status(), ErrnoIs(0));
	ASSERT_THAT(below.status(), ErrnoIs(0));
	ASSERT_THAT(mixed.status(), ErrnoIs(0));
	EXPECT_EQ(RunInNamespaceWithMaps("0 100000 10\n", "0 200000 10\n", [&] {
		int bad = CheckEveryStatCall(first.path(), 0, 0) +
			  CheckEveryStatCall(last.path(), 9, 9) +
			  CheckEveryStatCall(past.path(), kOverflowUid, kOverflowGid) +
			  CheckEveryStatCall(below.path(), kOverflowUid, kOverflowGid) +
			  CheckEveryStatCall(mixed.path(), 4, kOverflowGid);
		return bad ? 1 : 0;
	}), 0);
}

// When only one of the two maps has a single extent, the other is still
// searched whole: an owner or group in its second extent translates, and
// a map not yet written maps nothing.
TEST_F(Translation, EveryStatCallSearchesAMapOfSeveralExtentsBesideAOneExtentMap)
{
	ScratchFile second("xlate-mixed-second", 300002, 300003, 0644);
	ScratchFile first("xlate-mixed-first", 100001, 200001, 0644);
	ASSERT_THAT(second.status(), ErrnoIs(0));
	ASSERT_THAT(first.status(), ErrnoIs(0));
	struct Shape {
		const char *uid_map, *gid_map;
		unsigned second_uid, second_gid, first_uid, first_gid;
	};
	const Shape shapes[] = {
		// uid map: one extent; gid map: two, the group in the second.
		{"0 300000 10\n", "0 200000 5\n5 300000 5\n", 2, 8, kOverflowUid, 1},
		// uid map: two extents, the owner in the second; gid map: one.
		{"0 100000 5\n5 300000 5\n", "0 300000 10\n", 7, 3, 1, kOverflowGid},
		// uid map: one extent; gid map never written.
		{"0 300000 10\n", nullptr, 2, kOverflowGid, kOverflowUid, kOverflowGid},
	};
	for (const Shape &sh : shapes) {
		SCOPED_TRACE(std::string("uid_map ") + sh.uid_map);
		EXPECT_EQ(RunInNamespaceWithMaps(sh.uid_map, sh.gid_map ? sh.gid_map : "", [&] {
			int bad = CheckEveryStatCall(second.path(), sh.second_uid, sh.second_gid) +
				  CheckEveryStatCall(first.path(), sh.first_uid, sh.first_gid);
			return bad ? 1 : 0;
		}), 0);
	}
}

// The extents of a map text (lines "first lower count"); none for nullptr.
struct Extent {
	unsigned first, lower, count;
};
std::vector<Extent> ExtentsOf(const char *map)
{
	std::vector<Extent> extents;
	Extent e;
	int used;
	for (const char *p = map;
	     map && sscanf(p, "%u %u %u\n%n", &e.first, &e.lower, &e.count, &used) == 3; p += used)
		extents.push_back(e);
	return extents;
}

// A kernel id seen through map, or overflow when no line maps it: the
// model the next test checks the kernel with.
unsigned SeenThrough(const char *map, unsigned kid, unsigned overflow)
{
	for (const Extent &e : ExtentsOf(map)) {
		if (kid >= e.lower && kid - e.lower < e.count)
			return e.first + (kid - e.lower);
	}
	return overflow;
}

// Kernel ids at and around each extent of map: its first and last, and
// the ids just below and past it.
std::vector<unsigned> EdgesOf(const char *map)
{
	std::vector<unsigned> ids;
	for (const Extent &e : ExtentsOf(map)) {
		for (unsigned id : {e.lower - 1, e.lower, e.lower + e.count - 1, e.lower + e.count})
			ids.push_back(id);
	}
	return ids;
}

// The map shapes container runtimes write, each answered by the kernel
// without a walk of a large map: rootless podman's two extents (the
// user's id, then its /etc/subuid range) with the owner in either and the
// lines swapped, uid and gid maps of different sizes up to the five that
// fit inline, a gid map never written, and uid or gid maps of six (which
// are bisected) beside them. Every
// stat call must report, for owners and groups at each extent's edges,
// what the maps say.
TEST_F(Translation, EveryStatCallTranslatesTheMapShapesRuntimesWrite)
{
	struct Shape {
		const char *uid_map, *gid_map;
	};
	const Shape shapes[] = {
		{"0 1000 1\n1 100000 65536\n", "0 1000 1\n1 100000 65536\n"},
		{"1 100000 65536\n0 1000 1\n", "1 100000 65536\n0 1000 1\n"},
		{"0 1000 1\n1 100000 65536\n", nullptr},
		{"0 1000 1\n1 100000 1000\n1001 200000 1000\n", "0 1000 1\n1 200000 65536\n"},
		{"0 1000 1\n", "5 2000 5\n0 1000 5\n"},
		{"0 100000 10\n10 110000 10\n20 120000 10\n30 130000 10\n40 140000 10\n",
		 "40 100000 10\n30 110000 10\n20 120000 10\n10 130000 10\n0 140000 10\n"},
		{"0 100000 10\n10 110000 10\n20 120000 10\n30 130000 10\n40 140000 10\n",
		 "0 130000 10\n"},
		{"0 100000 10\n10 110000 10\n20 120000 10\n30 130000 10\n40 140000 10\n"
		 "50 150000 10\n",
		 "0 1000 1\n1 100000 65536\n"},
		{"0 1000 1\n1 100000 65536\n",
		 "0 100000 10\n10 110000 10\n20 120000 10\n30 130000 10\n40 140000 10\n"
		 "50 150000 10\n"},
	};
	for (const Shape &sh : shapes) {
		SCOPED_TRACE(std::string("uid_map ") + sh.uid_map + "gid_map " +
			     (sh.gid_map ? sh.gid_map : "(none)\n"));
		std::vector<unsigned> uids = EdgesOf(sh.uid_map);
		std::vector<unsigned> gids = sh.gid_map ? EdgesOf(sh.gid_map) : uids;
		size_t n = std::max(uids.size(), gids.size());
		std::vector<std::unique_ptr<ScratchFile>> files;
		for (size_t i = 0; i < n; i++) {
			std::string name = "xlate-shape-" + std::to_string(i);
			files.push_back(std::make_unique<ScratchFile>(name.c_str(), uids[i % uids.size()],
								      gids[i % gids.size()], 0644));
			ASSERT_THAT(files.back()->status(), ErrnoIs(0)) << name;
		}
		EXPECT_EQ(RunInNamespaceWithMaps(sh.uid_map, sh.gid_map ? sh.gid_map : "", [&] {
			int bad = 0;
			for (size_t i = 0; i < n; i++)
				bad += CheckEveryStatCall(
					files[i]->path(),
					SeenThrough(sh.uid_map, uids[i % uids.size()], kOverflowUid),
					SeenThrough(sh.gid_map, gids[i % gids.size()], kOverflowGid));
			return bad ? 1 : 0;
		}), 0);
	}
}

// statx() defines its padding and reserved words as zero. Checked in the
// initial namespace, in one with one-extent maps and in one whose uid
// map has two extents, as each may reach user space by another path.
TEST(Statx, ZeroesThePaddingItDoesNotFill)
{
	ScratchFile file("xlate-statx-pad", 100001, 200001, 0644);
	ASSERT_THAT(file.status(), ErrnoIs(0));
	EXPECT_EQ(CheckStatxZeroesWhatItLeavesUnset(file.path()), 0) << "initial namespace";
	if (!UserNamespacesAvailable())
		return;
	const char *uid_maps[] = {"0 100000 10\n", "0 300000 1\n1 100000 9\n"};
	for (const char *uid_map : uid_maps) {
		SCOPED_TRACE(std::string("uid_map ") + uid_map);
		UsernsChild child([&] { return CheckStatxZeroesWhatItLeavesUnset(file.path()); });
		ASSERT_EQ(child.setup_error(), 0);
		ASSERT_THAT(child.WriteMap("uid_map", uid_map), ErrnoIs(0));
		ASSERT_THAT(child.WriteMap("gid_map", "0 200000 10\n"), ErrnoIs(0));
		EXPECT_EQ(child.Finish(), 0);
	}
}
