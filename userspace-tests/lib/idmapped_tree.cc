// SPDX-License-Identifier: GPL-2.0
#include "idmapped_tree.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "file_status.h"
#include "kernel_release.h"
#include "userns.h"

Status OpenIdmappedTree(const char *dir, const std::string &uid_map, FileDescriptor *tree,
			const std::string &gid_map)
{
	UsernsChild holder([] { return 0; });
	if (holder.setup_error())
		return ErrnoStatus(holder.setup_error());
	if (Status s = holder.WriteMap("uid_map", uid_map); !s.ok())
		return s;
	if (Status s = holder.WriteMap("gid_map", gid_map.empty() ? uid_map : gid_map); !s.ok())
		return s;
	FileDescriptor userns(open(ProcPath(holder.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	if (!userns.valid())
		return ErrnoStatus(errno);
	return OpenIdmappedTreeWith(dir, userns.get(), tree);
}

Status OpenIdmappedTreeWith(const char *dir, int userns_fd, FileDescriptor *tree)
{
	FileDescriptor t(syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
	if (!t.valid())
		return ErrnoStatus(errno);
	struct mount_attr attr = {};
	attr.attr_set = MOUNT_ATTR_IDMAP;
	attr.userns_fd = userns_fd;
	if (syscall(SYS_mount_setattr, t.get(), "", AT_EMPTY_PATH, &attr, sizeof(attr)) != 0)
		return ErrnoStatus(errno);
	*tree = std::move(t);
	return Status();
}

AttachedTree::AttachedTree(int tree, const std::string &mountpoint) : mountpoint_(mountpoint)
{
	error_ = syscall(SYS_move_mount, tree, "", AT_FDCWD, mountpoint.c_str(),
			 MOVE_MOUNT_F_EMPTY_PATH) == 0 ? 0 : errno;
}

AttachedTree::~AttachedTree()
{
	if (error_ == 0)
		umount2(mountpoint_.c_str(), MNT_DETACH);
}

IdmappedFile::IdmappedFile(const char *name, uid_t uid, gid_t gid, mode_t mode,
			   const std::string &uid_map, const std::string &gid_map)
	: name_(name), file_(name, uid, gid, mode, IdmapScratchParent())
{
	error_ = file_.ok() ? ErrnoOf(OpenIdmappedTree(IdmapScratchParent().c_str(), uid_map, &tree_, gid_map))
			    : ErrnoOf(file_.status());
}

std::string IdmappedFile::through() const
{
	return "/proc/self/fd/" + std::to_string(tree_.get()) + "/" + name_;
}

IdmappedDir::IdmappedDir(const char *name, uid_t uid, gid_t gid, mode_t mode,
			 const std::string &parent)
	: dir_(name, uid, gid, mode, parent)
{
	error_ = dir_.ok() ? ErrnoOf(OpenIdmappedTree(parent.c_str(), kUidIdmap, &tree_, kGidIdmap)) : EIO;
}

int CreateEachKindAs(uid_t uid, gid_t gid, int tree, const std::string &dir)
{
	return RunAs(uid, gid, [tree, dir] {
		FileDescriptor f(openat(tree, (dir + "/file").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		CHILD_CHECK(f.valid());
		CHILD_CHECK_EQ(mkdirat(tree, (dir + "/dir").c_str(), 0755), 0);
		CHILD_CHECK_EQ(mknodat(tree, (dir + "/fifo").c_str(), S_IFIFO | 0644, 0), 0);
		CHILD_CHECK_EQ(symlinkat("file", tree, (dir + "/link").c_str()), 0);
		return 0;
	});
}

const std::string &IdmapScratchParent()
{
	static const std::string parent = [] {
		const char *dir = getenv("USERNS_IDMAP_DIR");
		return std::string(dir && *dir ? dir : "/tmp");
	}();
	return parent;
}

bool TmpfsTakesIdmaps()
{
	return KernelAtLeast(6, 3);
}

bool IdmapRefusedOnThisLine(int error)
{
	if (IdmapScratchParent() != "/tmp" || TmpfsTakesIdmaps())
		return false;
	EXPECT_THAT(error, ErrnoIs(EINVAL)) << "tmpfs takes no idmapped mount before Linux 6.3";
	return true;
}
