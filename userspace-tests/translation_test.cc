// SPDX-License-Identifier: GPL-2.0
// Translation: how ids read inside a user namespace (make_kuid/from_kuid
// seen from userspace through getuid(), stat() and friends).
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "scratch_file.h"
#include "userns.h"

// Before any map is written every id is unmapped: getuid() reads overflowuid.
TEST(Translation, UnmappedUidReadsOverflowUid)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] {
		CHILD_CHECK(getuid() == kOverflowUid);
		CHILD_CHECK(geteuid() == kOverflowUid);
		CHILD_CHECK(getgid() == kOverflowGid);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_EQ(child.Finish(), 0);
}

// After the parent maps 0 to its own uid, the child is root inside.
TEST(Translation, MappedRootReadsZero)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] {
		CHILD_CHECK(getuid() == 0);
		CHILD_CHECK(geteuid() == 0);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 " + std::to_string(getuid()) + " 1\n"),
		    ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// A root-owned file seen from a namespace that does not map 0 shows
// overflowuid as its owner.
TEST(Translation, RootOwnedFileShowsOverflowUidWhenZeroUnmapped)
{
	SKIP_UNLESS_USERNS();
	ASSERT_EQ(getuid(), 0u) << "the suite runs as root in the guest";
	UsernsChild child([] {
		struct stat st;
		CHILD_CHECK(stat("/", &st) == 0);
		CHILD_CHECK(st.st_uid == kOverflowUid);
		CHILD_CHECK(st.st_gid == kOverflowGid);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "1000 1000 1\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "1000 1000 1\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}


// A file owned by a mapped kernel id shows the id the namespace sees.
TEST(Translation, StatShowsMappedOwnerInsideIds)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("xlate-owner", 100005, 100007, 0644);
	ASSERT_TRUE(f.ok());
	std::string path = f.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path] {
		struct stat st;
		CHILD_CHECK(stat(path.c_str(), &st) == 0);
		CHILD_CHECK(st.st_uid == 5);
		CHILD_CHECK(st.st_gid == 7);
		return 0;
	}, false), 0);
}

// Uids and gids go through their own maps: here uids 0..9 map to 100000..
// and gids 0..9 to 200000... An owner 100003:200007 reads 3:7; the same
// numbers swapped (200003:100007) read as the overflow ids.
TEST(Translation, StatTranslatesUidAndGidThroughTheirOwnMaps)
{
	SKIP_UNLESS_USERNS();
	ScratchFile mapped("xlate-split", 100003, 200007, 0644);
	ScratchFile swapped("xlate-swapped", 200003, 100007, 0644);
	ASSERT_TRUE(mapped.ok() && swapped.ok());
	std::string a = mapped.path(), b = swapped.path();
	UsernsChild child([a, b] {
		struct stat st;
		CHILD_CHECK(stat(a.c_str(), &st) == 0);
		CHILD_CHECK_EQ(st.st_uid, 3);
		CHILD_CHECK_EQ(st.st_gid, 7);
		CHILD_CHECK(stat(b.c_str(), &st) == 0);
		CHILD_CHECK_EQ(st.st_uid, kOverflowUid);
		CHILD_CHECK_EQ(st.st_gid, kOverflowGid);
		CHILD_CHECK_EQ(getuid(), kOverflowUid);  // kernel uid 0 unmapped
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 100000 10\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "0 200000 10\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// Ids created inside go down through their own maps: a file made by
// uid 4, gid 6 of that namespace is owned by kernel 100004:200006.
TEST(Translation, FileCreatedInsideUsesUidAndGidMapsApart)
{
	SKIP_UNLESS_USERNS();
	const char *path = "/tmp/xlate-split-create";
	unlink(path);
	UsernsChild child([path] {
		CHILD_CHECK(setresgid(6, 6, 6) == 0);
		CHILD_CHECK(setresuid(4, 4, 4) == 0);
		int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
		CHILD_CHECK(fd >= 0);
		close(fd);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 100000 10\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "0 200000 10\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
	struct stat st;
	ASSERT_THAT(stat(path, &st), SyscallSucceeds());
	EXPECT_EQ(st.st_uid, 100004u);
	EXPECT_EQ(st.st_gid, 200006u);
	unlink(path);
}

// The overflowuid and overflowgid sysctls decide what unmapped ids read as.
TEST(Translation, OverflowSysctlsAreHonoured)
{
	SKIP_UNLESS_USERNS();
	std::string old_uid = ReadFile("/proc/sys/kernel/overflowuid");
	std::string old_gid = ReadFile("/proc/sys/kernel/overflowgid");
	ASSERT_FALSE(old_uid.empty());
	ASSERT_THAT(WriteFileOnce("/proc/sys/kernel/overflowuid", "12345"), ErrnoIs(0));
	ASSERT_THAT(WriteFileOnce("/proc/sys/kernel/overflowgid", "23456"), ErrnoIs(0));
	int rc = RunInChild([] {
		CHILD_CHECK(unshare(CLONE_NEWUSER) == 0);
		CHILD_CHECK(getuid() == 12345);
		CHILD_CHECK(getgid() == 23456);
		struct stat st;
		CHILD_CHECK(stat("/", &st) == 0);
		CHILD_CHECK(st.st_uid == 12345);
		return 0;
	});
	WriteFileOnce("/proc/sys/kernel/overflowuid", old_uid);
	WriteFileOnce("/proc/sys/kernel/overflowgid", old_gid);
	EXPECT_EQ(rc, 0);
}

// setuid() to an id the namespace does not map is EINVAL.
TEST(Translation, SetuidToUnmappedIdIsEinval)
{
	SKIP_UNLESS_USERNS();
	EXPECT_EQ(RunInMappedNamespace(0, 10, [] {
		CHILD_CHECK_ERRNO(setuid(20), EINVAL);
		CHILD_CHECK_ERRNO(setgid(20), EINVAL);
		CHILD_CHECK(setuid(9) == 0);
		CHILD_CHECK(getuid() == 9);
		return 0;
	}, false), 0);
}

// chown() to an id the namespace does not map is EINVAL.
TEST(Translation, ChownToUnmappedIdIsEinval)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("xlate-chown", 100000, 100000, 0644);
	ASSERT_TRUE(f.ok());
	std::string path = f.path();
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path] {
		CHILD_CHECK_ERRNO(chown(path.c_str(), 50, -1), EINVAL);
		CHILD_CHECK(chown(path.c_str(), 3, -1) == 0);
		return 0;
	}), 0);
	struct stat st;
	ASSERT_THAT(stat(f.path(), &st), SyscallSucceeds());
	EXPECT_EQ(st.st_uid, 100003u);
}

// A file created inside is owned, outside, by the kernel ids the creator's
// ids map to.
TEST(Translation, FileCreatedInsideOwnedByMappedKernelIds)
{
	SKIP_UNLESS_USERNS();
	const char *path = "/tmp/xlate-created";
	unlink(path);
	EXPECT_EQ(RunInMappedNamespace(200000, 10, [path] {
		CHILD_CHECK(setresgid(4, 4, 4) == 0);
		CHILD_CHECK(setresuid(3, 3, 3) == 0);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		CHILD_CHECK(fd >= 0);
		close(fd);
		return 0;
	}, false), 0);
	struct stat st;
	ASSERT_THAT(stat(path, &st), SyscallSucceeds());
	EXPECT_EQ(st.st_uid, 200003u);
	EXPECT_EQ(st.st_gid, 200004u);
	unlink(path);
}

// A process whose ids the namespace does not map still creates files on a
// filesystem of the initial namespace: owned by its kernel ids outside,
// shown as the overflow ids inside.
TEST(Translation, FileCreatedWithUnmappedIdsKeepsKernelOwner)
{
	SKIP_UNLESS_USERNS();
	const char *path = "/tmp/xlate-unmapped-create";
	unlink(path);
	// The child's kernel ids are 0; map something else.
	EXPECT_EQ(RunInMappedNamespace(100000, 10, [path] {
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		CHILD_CHECK(fd >= 0);
		close(fd);
		struct stat st;
		CHILD_CHECK(stat(path, &st) == 0);
		CHILD_CHECK(st.st_uid == kOverflowUid && st.st_gid == kOverflowGid);
		return 0;
	}, false), 0);
	struct stat st;
	ASSERT_THAT(stat(path, &st), SyscallSucceeds());
	EXPECT_EQ(st.st_uid, 0u);
	EXPECT_EQ(st.st_gid, 0u);
	unlink(path);
}

// Maps compose across two levels: inner 0 -> outer 10 -> kernel 100010.
TEST(Translation, NestedMapsComposeAcrossTwoLevels)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("xlate-nested2", 100012, 100012, 0644);
	ASSERT_TRUE(f.ok());
	std::string path = f.path();
	UsernsChild outer([path] {
		CHILD_CHECK(BecomeRootInNamespace() == 0);
		UsernsChild inner([path] {
			struct stat st;
			CHILD_CHECK(stat(path.c_str(), &st) == 0);
			CHILD_CHECK(st.st_uid == 2 && st.st_gid == 2);
			return 0;
		});
		CHILD_CHECK(inner.setup_error() == 0);
		CHILD_CHECK(inner.WriteMap("uid_map", "0 10 5\n") == 0);
		CHILD_CHECK(inner.WriteMap("gid_map", "0 10 5\n") == 0);
		CHILD_CHECK(ReadFile(ProcPath(inner.pid(), "uid_map")) ==
			    "         0         10          5\n");
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	MapRange(outer, 100000, 1000);
	EXPECT_EQ(outer.Finish(), 0);
}

// Three levels: each maps a window of its parent; the innermost sees
// kernel id 100000 + 100 + 10 + 1 as 1.
TEST(Translation, NestedMapsComposeAcrossThreeLevels)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("xlate-nested3", 100111, 100111, 0644);
	ASSERT_TRUE(f.ok());
	std::string path = f.path();
	UsernsChild l1([path] {
		CHILD_CHECK(BecomeRootInNamespace() == 0);
		UsernsChild l2([path] {
			CHILD_CHECK(BecomeRootInNamespace() == 0);
			UsernsChild l3([path] {
				struct stat st;
				CHILD_CHECK(stat(path.c_str(), &st) == 0);
				CHILD_CHECK(st.st_uid == 1);
				CHILD_CHECK(getuid() == kOverflowUid);
				return 0;
			});
			CHILD_CHECK(l3.setup_error() == 0);
			CHILD_CHECK(l3.WriteMap("uid_map", "0 10 10\n") == 0);
			CHILD_CHECK(l3.WriteMap("gid_map", "0 10 10\n") == 0);
			return l3.Finish();
		});
		CHILD_CHECK(l2.setup_error() == 0);
		CHILD_CHECK(l2.WriteMap("uid_map", "0 100 100\n") == 0);
		CHILD_CHECK(l2.WriteMap("gid_map", "0 100 100\n") == 0);
		return l2.Finish();
	});
	ASSERT_EQ(l1.setup_error(), 0);
	MapRange(l1, 100000, 1000);
	EXPECT_EQ(l1.Finish(), 0);
}

// With more than five extents (the sorted-array path) both directions
// work for every extent: stat() maps kernel ids up (reverse array),
// chown() maps namespace ids down (forward array). The kernel ids run the
// other way from the namespace ids, so the two arrays are in different
// orders and a lookup in the wrong one fails. Ids between the extents
// stay unmapped.
TEST(Translation, LargeMapTranslatesEveryExtent)
{
	SKIP_UNLESS_USERNS();
	constexpr int kExtents = 8;
	auto kid = [](int i) { return 300000u + 7 * (kExtents - 1 - i); };
	std::string map;
	for (int i = kExtents - 1; i >= 0; i--)
		map += std::to_string(10 * i) + " " + std::to_string(kid(i)) + " 1\n";
	std::vector<std::unique_ptr<ScratchFile>> files;
	for (int i = 0; i < kExtents; i++) {
		std::string name = "xlate-large-" + std::to_string(i);
		files.push_back(std::make_unique<ScratchFile>(name.c_str(), kid(i), kid(i), 0644));
		ASSERT_TRUE(files.back()->ok());
	}
	ScratchFile between("xlate-large-between", kid(3) + 1, kid(3) + 1, 0644);
	ASSERT_TRUE(between.ok());
	UsernsChild child([] {
		struct stat st;
		for (int i = 0; i < kExtents; i++) {
			std::string p = "/tmp/xlate-large-" + std::to_string(i);
			CHILD_CHECK(stat(p.c_str(), &st) == 0);
			CHILD_CHECK(st.st_uid == (uid_t)(10 * i));
			CHILD_CHECK(st.st_gid == (gid_t)(10 * i));
			int next = (i + 1) % kExtents;
			CHILD_CHECK(chown(p.c_str(), 10 * next, -1) == 0);
		}
		CHILD_CHECK(stat("/tmp/xlate-large-between", &st) == 0);
		CHILD_CHECK(st.st_uid == kOverflowUid);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", map), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", map), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
	for (int i = 0; i < kExtents; i++) {
		struct stat st;
		ASSERT_THAT(stat(files[i]->path(), &st), SyscallSucceeds());
		EXPECT_EQ(st.st_uid, kid((i + 1) % kExtents)) << "file " << i;
	}
}
