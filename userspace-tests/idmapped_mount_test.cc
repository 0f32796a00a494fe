// SPDX-License-Identifier: GPL-2.0
// IdmappedMount: owners seen through a mount idmapped with a user
// namespace (mount_setattr(MOUNT_ATTR_IDMAP)). stat() there goes through
// make_vfsuid()/make_vfsgid() with an idmap other than nop_mnt_idmap: the
// kernel id is taken as an id of the idmap's namespace and mapped down.
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

// Opens a detached copy of the mount at dir, idmapped with a fresh user
// namespace whose uid map is map and gid map gid_map (map when empty). 0
// or the errno of the step that failed.
int OpenIdmappedTree(const char *dir, const std::string &map, FileDescriptor *tree,
		     const std::string &gid_map = "")
{
	UsernsChild holder([] { return 0; });
	if (holder.setup_error())
		return holder.setup_error();
	if (int err = ErrnoOf(holder.WriteMap("uid_map", map)))
		return err;
	if (int err = ErrnoOf(holder.WriteMap("gid_map", gid_map.empty() ? map : gid_map)))
		return err;
	FileDescriptor userns(open(ProcPath(holder.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	if (!userns.valid())
		return errno;
	FileDescriptor t(syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
	if (!t.valid())
		return errno;
	struct mount_attr attr = {};
	attr.attr_set = MOUNT_ATTR_IDMAP;
	attr.userns_fd = userns.get();
	if (syscall(SYS_mount_setattr, t.get(), "", AT_EMPTY_PATH, &attr, sizeof(attr)) != 0)
		return errno;
	*tree = std::move(t);
	return 0;
}

// A scratch file in /tmp, owned by uid:gid, and a detached copy of /tmp
// idmapped with kIdmap to reach it through.
class IdmappedScratch {
public:
	// Kernel ids 1000..1004 read as 2000..2004 through the copy.
	static constexpr const char *kIdmap = "1000 2000 5\n";

	IdmappedScratch(const char *name, uid_t uid, gid_t gid)
		: name_(name), file_(name, uid, gid, 0644)
	{
		error_ = file_.ok() ? OpenIdmappedTree("/tmp", kIdmap, &tree_) : EIO;
	}
	// 0, or the errno of the step that failed.
	int error() const { return error_; }
	int tree() const { return tree_.get(); }
	const char *name() const { return name_; }
	const char *path() const { return file_.path(); }

private:
	const char *name_;
	ScratchFile file_;
	FileDescriptor tree_;
	int error_;
};

}  // namespace

USERNS_AREA(IdmappedMount);

// Kernel ids 1000..1004 read as 2000..2004 through a mount idmapped with
// "1000 2000 5"; the same file keeps its owner on the plain mount.
TEST_F(IdmappedMount, StatShowsOwnerMappedDownThroughTheIdmap)
{
	IdmappedScratch s("idmap-owner", 1002, 1003);
	ASSERT_THAT(s.error(), ErrnoIs(0));

	struct stat st;
	ASSERT_EQ(fstatat(s.tree(), s.name(), &st, 0), 0) << strerror(errno);
	EXPECT_EQ(st.st_uid, 2002u);
	EXPECT_EQ(st.st_gid, 2003u);
	ASSERT_EQ(stat(s.path(), &st), 0);
	EXPECT_EQ(st.st_uid, 1002u);
	EXPECT_EQ(st.st_gid, 1003u);
}

// An owner the idmap does not map is INVALID_UID through the mount, which
// stat() reports as the overflow ids.
TEST_F(IdmappedMount, OwnerOutsideTheIdmapReadsOverflowIds)
{
	IdmappedScratch s("idmap-unmapped", 999, 1005);
	ASSERT_THAT(s.error(), ErrnoIs(0));

	struct stat st;
	ASSERT_EQ(fstatat(s.tree(), s.name(), &st, 0), 0) << strerror(errno);
	EXPECT_EQ(st.st_uid, kOverflowUid);
	EXPECT_EQ(st.st_gid, kOverflowGid);
}

// Inside a user namespace the idmapped owner is translated once more:
// kernel 1001 -> 2001 through the idmap -> 1 in a namespace mapping
// 0..9 to 2000..2009.
TEST_F(IdmappedMount, IdmapComposesWithTheCallersNamespace)
{
	IdmappedScratch s("idmap-nested", 1001, 1004);
	ASSERT_THAT(s.error(), ErrnoIs(0));
	int fd = s.tree();
	const char *name = s.name();
	EXPECT_EQ(RunInMappedNamespace(2000, 10, [fd, name] {
		struct stat st;
		CHILD_CHECK_EQ(fstatat(fd, name, &st, 0), 0);
		CHILD_CHECK_EQ(st.st_uid, 1);
		CHILD_CHECK_EQ(st.st_gid, 4);
		return 0;
	}, false), 0);
}

// Uids and gids go through their own maps of the idmap: uid map
// "1000 2000 5", gid map "1000 3000 5" shows owner 1002:1003 as 2002:3003.
TEST_F(IdmappedMount, UidAndGidGoThroughTheirOwnMaps)
{
	ScratchFile f("idmap-split", 1002, 1003, 0644);
	ASSERT_TRUE(f.ok());
	FileDescriptor tree;
	ASSERT_THAT(OpenIdmappedTree("/tmp", "1000 2000 5\n", &tree, "1000 3000 5\n"), ErrnoIs(0));
	struct stat st;
	ASSERT_EQ(fstatat(tree.get(), "idmap-split", &st, 0), 0) << strerror(errno);
	EXPECT_EQ(st.st_uid, 2002u);
	EXPECT_EQ(st.st_gid, 3003u);
}

// A filesystem mounted inside a user namespace (tmpfs, whose superblock
// then belongs to that namespace) seen through an idmapped mount: the
// owner is first taken into the filesystem's namespace, then mapped by the
// idmap. Outer maps 0..999 to 100000..; inside it a file is owned by 3
// (kernel 100003); the idmap's namespace maps its 3 to outer's 7, so the
// file reads as owned by 7 through the idmapped mount and by 3 directly.
TEST_F(IdmappedMount, FilesystemMountedInANamespaceMapsFromItsOwnIds)
{
	const char *dir = "/tmp/idmap-fs-in-ns";
	ASSERT_TRUE(mkdir(dir, 0755) == 0 || errno == EEXIST);
	EXPECT_EQ(RunInMappedNamespace(100000, 1000, [dir] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWNS), 0);
		CHILD_CHECK_EQ(mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
		CHILD_CHECK_EQ(mount("tmpfs", dir, "tmpfs", 0, "mode=0777"), 0);
		std::string file = std::string(dir) + "/f";
		FileDescriptor f(open(file.c_str(), O_CREAT | O_WRONLY, 0644));
		CHILD_CHECK(f.valid());
		CHILD_CHECK_EQ(fchown(f.get(), 3, 3), 0);
		FileDescriptor tree;
		int err = OpenIdmappedTree(dir, "3 7 1\n", &tree);
		if (err)
			fprintf(stderr, "idmapped tree of %s: %s\n", dir, ErrnoName(err).c_str());
		CHILD_CHECK_EQ(err, 0);
		struct stat st;
		CHILD_CHECK_EQ(fstatat(tree.get(), "f", &st, 0), 0);
		CHILD_CHECK_EQ(st.st_uid, 7);
		CHILD_CHECK_EQ(st.st_gid, 7);
		CHILD_CHECK_EQ(stat(file.c_str(), &st), 0);
		CHILD_CHECK_EQ(st.st_uid, 3);
		return 0;
	}), 0);
}
