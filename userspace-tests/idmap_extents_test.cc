// SPDX-License-Identifier: GPL-2.0
// IdmapExtents: idmapped mounts whose idmap has several extents (two; three
// around a hole; two single ids swapped; seven whose shown ranges run
// opposite to their kernel ranges, past the five kept inline), beside the
// one-extent idmap. Every owner is looked up extent by extent, in both
// directions: stat() maps a kernel id down through the extent covering it
// (make_vfsuid), creation and chown map the caller's id back through the
// extent whose shown range covers it (from_vfsuid); an id no extent covers
// reads as the overflow id, or is refused with EOVERFLOW. The expected ids
// come from a model of the extents (idmap_shape.h), checked at each edge of
// each extent. Files are on IdmapScratchParent() (tmpfs, or ext4 where
// tmpfs takes no idmap).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "acl_xattr.h"
#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "idmap_shape.h"
#include "idmapped_tree.h"
#include "kernel_release.h"
#include "scratch_dir.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

class IdmapExtents : public UsernsTest, public ::testing::WithParamInterface<IdmapShape> {
protected:
	// A detached copy of /tmp idmapped with the shape's maps; false when
	// the test ends here (tmpfs refused the idmap on this line).
	bool OpenTree()
	{
		int err = ErrnoOf(OpenIdmappedTree(IdmapScratchParent().c_str(), MapText(GetParam().uid), &tree_,
						   MapText(GetParam().gid)));
		if (IdmapRefusedOnThisLine(err))
			return false;
		EXPECT_THAT(err, ErrnoIs(0));
		return err == 0;
	}
	int tree() const { return tree_.get(); }

private:
	FileDescriptor tree_;
};

// "uid:gid" as the mount shows an owner of kernel ids uid:gid: each
// through its own map, the overflow id where no extent covers it.
std::string ShownOwner(const IdmapShape &s, unsigned uid, unsigned gid)
{
	return std::to_string(ShownThrough(s.uid, uid).value_or(kOverflowUid)) + ":" +
	       std::to_string(ShownThrough(s.gid, gid).value_or(kOverflowGid));
}

}  // namespace

// stat() through the mount shows each owner through the extent covering
// its kernel id, and the overflow ids for an owner in no extent (a hole,
// or just past the last extent); uids and gids through their own maps.
TEST_P(IdmapExtents, StatShowsEachOwnerThroughTheExtentCoveringIt)
{
	ScratchFile f("extents-stat", 0, 0, 0644, IdmapScratchParent());
	ASSERT_THAT(f.status(), ErrnoIs(0));
	if (!OpenTree())
		return;
	const IdmapShape &s = GetParam();
	for (unsigned id : EdgeIds(s.uid)) {
		ASSERT_EQ(chown(f.path(), id, s.gid[0].first), 0) << strerror(errno);
		EXPECT_EQ(OwnerOf(tree(), "extents-stat"), ShownOwner(s, id, s.gid[0].first))
			<< "kernel uid " << id;
	}
	for (unsigned id : EdgeIds(s.gid)) {
		ASSERT_EQ(chown(f.path(), s.uid[0].first, id), 0) << strerror(errno);
		EXPECT_EQ(OwnerOf(tree(), "extents-stat"), ShownOwner(s, s.uid[0].first, id))
			<< "kernel gid " << id;
	}
}

// A file created through the mount is owned by its creator's fsuid and
// fsgid taken back through the extent whose shown range covers each; a
// creator with an id no extent covers gets EOVERFLOW and creates nothing.
TEST_P(IdmapExtents, WhatIsCreatedIsOwnedByTheCreatorsIdsMappedBack)
{
	const IdmapShape &s = GetParam();
	ScratchDir dir("extents-create", s.uid[0].first, s.gid[0].first, 0777, IdmapScratchParent());
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	if (!OpenTree())
		return;
	int t = tree();
	std::string d = dir.name();
	auto create_as = [&](unsigned uid, unsigned gid) {
		std::string entry = "f-" + std::to_string(uid) + "-" + std::to_string(gid);
		auto stored_uid = StoredThrough(s.uid, uid), stored_gid = StoredThrough(s.gid, gid);
		bool mapped = stored_uid && stored_gid;
		EXPECT_EQ(RunAs(uid, gid, [t, path = d + "/" + entry, mapped] {
			int fd = openat(t, path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
			if (!mapped) {
				CHILD_CHECK_EQ(fd, -1);
				CHILD_CHECK_EQ(errno, EOVERFLOW);
				return 0;
			}
			CHILD_CHECK(fd >= 0);
			close(fd);
			return 0;
		}), 0) << "creator " << uid << ":" << gid;
		EXPECT_EQ(OwnerOf(AT_FDCWD, dir / entry.c_str()),
			  mapped ? std::to_string(*stored_uid) + ":" + std::to_string(*stored_gid)
				 : "ENOENT")
			<< "creator " << uid << ":" << gid;
	};
	for (unsigned uid : ShownEdgeIds(s.uid))
		create_as(uid, s.gid[0].lower);
	for (unsigned gid : ShownEdgeIds(s.gid))
		create_as(s.uid[0].lower, gid);
}

// chown() through the mount stores each id taken back through the extent
// covering it on the mount; an id no extent covers is EOVERFLOW and leaves
// the owner as it was.
TEST_P(IdmapExtents, ChownStoresEachIdMappedBackThroughItsExtent)
{
	const IdmapShape &s = GetParam();
	ScratchFile f("extents-chown", s.uid[0].first, s.gid[0].first, 0644, IdmapScratchParent());
	ASSERT_THAT(f.status(), ErrnoIs(0));
	if (!OpenTree())
		return;
	for (unsigned uid : ShownEdgeIds(s.uid)) {
		std::string before = OwnerOf(AT_FDCWD, f.path());
		auto stored = StoredThrough(s.uid, uid);
		if (!stored) {
			EXPECT_THAT(fchownat(tree(), "extents-chown", uid, -1, 0),
				    SyscallFailsWithErrno(EOVERFLOW)) << "uid " << uid;
			EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()), before);
			continue;
		}
		ASSERT_EQ(fchownat(tree(), "extents-chown", uid, -1, 0), 0) << "uid " << uid;
		EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()),
			  std::to_string(*stored) + before.substr(before.find(':')));
	}
	for (unsigned gid : ShownEdgeIds(s.gid)) {
		std::string before = OwnerOf(AT_FDCWD, f.path());
		auto stored = StoredThrough(s.gid, gid);
		if (!stored) {
			EXPECT_THAT(fchownat(tree(), "extents-chown", -1, gid, 0),
				    SyscallFailsWithErrno(EOVERFLOW)) << "gid " << gid;
			EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()), before);
			continue;
		}
		ASSERT_EQ(fchownat(tree(), "extents-chown", -1, gid, 0), 0) << "gid " << gid;
		EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()),
			  before.substr(0, before.find(':') + 1) + std::to_string(*stored));
	}
}

// A POSIX ACL's named entries read through the mount are mapped down like
// owners, each id through the extent covering it; an entry no extent
// covers reads as -1 (4294967295), the id no namespace has.
TEST_P(IdmapExtents, AclEntriesReadThroughTheExtentCoveringTheirIds)
{
	const IdmapShape &s = GetParam();
	ScratchFile f("extents-acl", 0, 0, 0644, IdmapScratchParent());
	ASSERT_THAT(f.status(), ErrnoIs(0));
	if (!OpenTree())
		return;
	std::vector<unsigned> uids = EdgeIds(s.uid), gids = EdgeIds(s.gid);
	for (size_t i = 0; i < std::max(uids.size(), gids.size()); i++) {
		unsigned uid = uids[std::min(i, uids.size() - 1)], gid = gids[std::min(i, gids.size() - 1)];
		std::string acl = NamedAcl(uid, gid);
		ASSERT_EQ(setxattr(f.path(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
		EXPECT_EQ(NamedEntries(tree(), "extents-acl", kAccess),
			  "u:" + std::to_string(ShownThrough(s.uid, uid).value_or(kUndefined)) +
				  " g:" + std::to_string(ShownThrough(s.gid, gid).value_or(kUndefined)))
			<< "kernel ids " << uid << ":" << gid;
	}
}

// Every kind of entry made through the mount (a regular file, a
// directory, a FIFO, a symlink, and an O_TMPFILE file linked in) is owned
// by its creator's ids taken back through the extent covering them: the
// last extent's last ids, which read the same way back through the mount.
TEST_P(IdmapExtents, EachKindCreatedIsOwnedThroughTheLastExtent)
{
	const IdmapShape &s = GetParam();
	const IdmapExtent &u = s.uid.back(), &g = s.gid.back();
	ScratchDir dir("extents-kinds", s.uid[0].first, s.gid[0].first, 0777, IdmapScratchParent());
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	if (!OpenTree())
		return;
	int t = tree();
	std::string d = dir.name();
	unsigned uid = u.lower + u.count - 1, gid = g.lower + g.count - 1;
	EXPECT_EQ(CreateEachKindAs(uid, gid, t, d), 0);
	EXPECT_EQ(RunAs(uid, gid, [t, d] {
		FileDescriptor tmp(openat(t, d.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644));
		CHILD_CHECK(tmp.valid());
		std::string proc = "/proc/self/fd/" + std::to_string(tmp.get());
		CHILD_CHECK_EQ(linkat(AT_FDCWD, proc.c_str(), t, (d + "/tmpfile").c_str(), AT_SYMLINK_FOLLOW),
			       0);
		return 0;
	}), 0);
	std::string stored = std::to_string(u.first + u.count - 1) + ":" + std::to_string(g.first + g.count - 1);
	std::string shown = std::to_string(uid) + ":" + std::to_string(gid);
	for (const char *entry : {"file", "dir", "fifo", "link", "tmpfile"}) {
		SCOPED_TRACE(entry);
		EXPECT_EQ(OwnerOf(AT_FDCWD, dir / entry), stored);
		EXPECT_EQ(OwnerOf(t, d + "/" + entry), shown);
	}
}

// A setgid directory whose group is in the last extent gives new entries
// that group, and a creator keeps S_ISGID only as a member of the group as
// the mount shows it (a creator of the first extent's group loses it).
TEST_P(IdmapExtents, SetgidDirectoryGroupIsTheOneShown)
{
	const IdmapShape &s = GetParam();
	const IdmapExtent &g = s.gid.back();
	ScratchDir dir("extents-setgid", s.uid[0].first, g.first, 02777, IdmapScratchParent());
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	if (!OpenTree())
		return;
	int t = tree();
	std::string d = dir.name();
	unsigned uid = s.uid[0].lower;
	for (auto [gid, who] : {std::pair<unsigned, std::string>{g.lower, "member"}, {s.gid[0].lower, "other"}}) {
		if (who == "other" && s.gid.size() == 1)
			continue;  // one extent: no group outside the directory's to create as
		EXPECT_EQ(RunAs(uid, gid, [t, path = d + "/" + who] {
			CHILD_CHECK(FileDescriptor(openat(t, path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 02755))
					    .valid());
			return 0;
		}), 0) << who;
		EXPECT_EQ(OwnerOf(t, d + "/" + who), std::to_string(uid) + ":" + std::to_string(g.lower)) << who;
		EXPECT_EQ(ModeOf(AT_FDCWD, dir / who.c_str()), who == "member" ? 02755u : 0755u) << who;
	}
}

INSTANTIATE_TEST_SUITE_P(Shapes, IdmapExtents, ::testing::ValuesIn(IdmapShapes()),
			 [](const auto &info) { return std::string(info.param.name); });

USERNS_AREA(NestedIdmap);

// An idmap taken from a nested namespace maps through the extents it
// holds in kernel ids: level 1 maps 0..99999 to kernel 1000000.., level 2
// maps its 0..9 to level 1's 5000.. (kernel 1005000..) and its 10 alone to
// level 1's 7 (kernel 1000007), leaving kernel ids between unmapped. An
// owner of kernel id 3 is shown as 1005003, 10 as 1000007, 11 as overflow.
TEST_F(NestedIdmap, IdmapFromANestedNamespaceShowsKernelIdsOfItsComposedMaps)
{
	ScratchFile f("nested-idmap", 0, 0, 0644, IdmapScratchParent());
	ASSERT_THAT(f.status(), ErrnoIs(0));
	auto [here, there] = SocketPair();
	int send_end = there.get();
	UsernsChild level1([send_end] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild level2([] { return 0; });
		CHILD_CHECK_EQ(level2.setup_error(), 0);
		CHILD_CHECK_OK(level2.WriteMap("uid_map", "0 5000 10\n10 7 1\n"));
		CHILD_CHECK_OK(level2.WriteMap("gid_map", "0 5000 10\n10 7 1\n"));
		FileDescriptor ns(open(ProcPath(level2.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
		CHILD_CHECK(ns.valid());
		CHILD_CHECK_OK(SendFd(send_end, ns.get()));
		CHILD_CHECK_EQ(level2.Finish(), 0);
		return 0;
	});
	ASSERT_EQ(level1.setup_error(), 0);
	MapRange(level1, 1000000, 100000);
	level1.Go();
	FileDescriptor level2_ns = ReceiveFd(here.get());
	ASSERT_THAT(level2_ns.get(), SyscallSucceeds());
	ASSERT_EQ(level1.Finish(), 0);

	FileDescriptor tree;
	int err = ErrnoOf(OpenIdmappedTreeWith(IdmapScratchParent().c_str(), level2_ns.get(), &tree));
	ASSERT_IDMAPPED(err);
	for (auto [kernel, shown] : {std::pair<unsigned, unsigned>{0, 1005000}, {3, 1005003}, {9, 1005009},
				     {10, 1000007}, {11, kOverflowUid}}) {
		ASSERT_EQ(chown(f.path(), kernel, kernel), 0);
		EXPECT_EQ(OwnerOf(tree.get(), "nested-idmap"),
			  std::to_string(shown) + ":" + std::to_string(shown))
			<< "kernel id " << kernel;
	}
}

// A namespace whose maps were never written cannot back an idmapped mount:
// its empty map is refused (EINVAL), not taken as a map of nothing. Before
// Linux 6.3 (where the mount got a copy of the maps, copy_mnt_idmap()) it
// was taken: the mount then maps nothing, every owner reading as the
// overflow ids.
TEST_F(NestedIdmap, NamespaceWithoutMapsIsRefusedAsAnIdmap)
{
	ScratchDir dir("unwritten-idmap", 0, 0, 0755, IdmapScratchParent());
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	NamespaceFile ns("ns/user", O_RDONLY);
	ASSERT_THAT(ns.status(), ErrnoIs(0));
	FileDescriptor tree;
	int err = ErrnoOf(OpenIdmappedTreeWith(IdmapScratchParent().c_str(), ns.fd(), &tree));
	EXPECT_EQ(ns.Finish(), 0);
	if (IdmapRefusedOnThisLine(err))
		return;
	if (KernelAtLeast(6, 3)) {
		EXPECT_THAT(err, ErrnoIs(EINVAL));
		return;
	}
	ASSERT_THAT(err, ErrnoIs(0)) << "before Linux 6.3 an unwritten namespace is taken as an idmap";
	EXPECT_EQ(OwnerOf(tree.get(), dir.name()), kOverflowOwner);
}
