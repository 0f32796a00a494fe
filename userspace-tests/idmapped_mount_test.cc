// SPDX-License-Identifier: GPL-2.0
// IdmappedMount: owners seen through a mount idmapped with a user
// namespace (mount_setattr(MOUNT_ATTR_IDMAP)). stat() there goes through
// make_vfsuid()/make_vfsgid() with an idmap other than nop_mnt_idmap: the
// kernel id is taken as an id of the idmap's namespace and mapped down.
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

// Opens a detached copy of the mount at dir, idmapped with a fresh user
// namespace whose uid and gid maps are both map. 0 or the errno of the
// step that failed.
int OpenIdmappedTree(const char *dir, const std::string &map, FileDescriptor *tree)
{
	UsernsChild holder([] { return 0; });
	if (holder.setup_error())
		return holder.setup_error();
	if (int err = holder.WriteMap("uid_map", map))
		return err;
	if (int err = holder.WriteMap("gid_map", map))
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

}  // namespace

// Kernel ids 1000..1004 read as 2000..2004 through a mount idmapped with
// "1000 2000 5"; the same file keeps its owner on the plain mount.
TEST(IdmappedMount, StatShowsOwnerMappedDownThroughTheIdmap)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("idmap-owner", 1002, 1003, 0644);
	ASSERT_TRUE(f.ok());
	FileDescriptor tree;
	ASSERT_THAT(OpenIdmappedTree("/tmp", "1000 2000 5\n", &tree), ErrnoIs(0));

	struct stat st;
	ASSERT_EQ(fstatat(tree.get(), "idmap-owner", &st, 0), 0) << strerror(errno);
	EXPECT_EQ(st.st_uid, 2002u);
	EXPECT_EQ(st.st_gid, 2003u);
	ASSERT_EQ(stat(f.path(), &st), 0);
	EXPECT_EQ(st.st_uid, 1002u);
	EXPECT_EQ(st.st_gid, 1003u);
}

// An owner the idmap does not map is INVALID_UID through the mount, which
// stat() reports as the overflow ids.
TEST(IdmappedMount, OwnerOutsideTheIdmapReadsOverflowIds)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("idmap-unmapped", 999, 1005, 0644);
	ASSERT_TRUE(f.ok());
	FileDescriptor tree;
	ASSERT_THAT(OpenIdmappedTree("/tmp", "1000 2000 5\n", &tree), ErrnoIs(0));

	struct stat st;
	ASSERT_EQ(fstatat(tree.get(), "idmap-unmapped", &st, 0), 0) << strerror(errno);
	EXPECT_EQ(st.st_uid, kOverflowUid);
	EXPECT_EQ(st.st_gid, kOverflowGid);
}

// Inside a user namespace the idmapped owner is translated once more:
// kernel 1001 -> 2001 through the idmap -> 1 in a namespace mapping
// 0..9 to 2000..2009.
TEST(IdmappedMount, IdmapComposesWithTheCallersNamespace)
{
	SKIP_UNLESS_USERNS();
	ScratchFile f("idmap-nested", 1001, 1004, 0644);
	ASSERT_TRUE(f.ok());
	FileDescriptor tree;
	ASSERT_THAT(OpenIdmappedTree("/tmp", "1000 2000 5\n", &tree), ErrnoIs(0));
	int fd = tree.get();
	EXPECT_EQ(RunInMappedNamespace(2000, 10, [fd] {
		struct stat st;
		CHILD_CHECK(fstatat(fd, "idmap-nested", &st, 0) == 0);
		CHILD_CHECK(st.st_uid == 1);
		CHILD_CHECK(st.st_gid == 4);
		return 0;
	}, false), 0);
}
