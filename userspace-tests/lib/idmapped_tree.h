// SPDX-License-Identifier: GPL-2.0
// Idmapped mounts for tests: a detached copy of a mount, idmapped with a
// fresh user namespace (open_tree + mount_setattr(MOUNT_ATTR_IDMAP)).
#pragma once

#include <string>

#include "errno_or.h"
#include "fd.h"
#include "scratch_dir.h"
#include "scratch_file.h"

// The directory the idmapped-mount tests make their files in: /tmp
// (tmpfs), or, on a kernel whose tmpfs takes no idmapped mount, the ext4
// loop mount the guest prepared (USERNS_IDMAP_DIR, qemu/init).
const std::string &IdmapScratchParent();

// Opens a detached copy of the mount at dir into *tree, idmapped with a
// fresh user namespace whose uid map is uid_map and gid map gid_map
// (uid_map when empty).
Status OpenIdmappedTree(const char *dir, const std::string &uid_map, FileDescriptor *tree,
			const std::string &gid_map = "");
// Opens a detached copy of the mount at dir into *tree, idmapped with the
// user namespace userns_fd refers to.
Status OpenIdmappedTreeWith(const char *dir, int userns_fd, FileDescriptor *tree);

// A detached tree moved onto a mountpoint in the caller's mount namespace,
// for what needs an attached mount (a set-id exec: mnt_may_suid() ignores
// the set-id bits on a mount outside the caller's mount namespace).
// Unmounted when the test ends.
class AttachedTree {
public:
	// Moves tree onto mountpoint, an existing directory.
	AttachedTree(int tree, const std::string &mountpoint);
	~AttachedTree();
	AttachedTree(const AttachedTree &) = delete;
	AttachedTree &operator=(const AttachedTree &) = delete;
	// 0, or the errno of move_mount().
	int error() const { return error_; }
	// mountpoint/entry
	std::string operator/(const char *entry) const { return mountpoint_ + "/" + entry; }

private:
	std::string mountpoint_;
	int error_;
};

// A scratch file in IdmapScratchParent() (ScratchFile) and a detached copy
// of that directory idmapped with uid_map and gid_map (uid_map when empty)
// to reach it through.
class IdmappedFile {
public:
	IdmappedFile(const char *name, uid_t uid, gid_t gid, mode_t mode, const std::string &uid_map,
		     const std::string &gid_map = "");
	// 0, or the errno of the step that failed.
	int error() const { return error_; }
	int tree() const { return tree_.get(); }
	const char *name() const { return name_; }
	// The file on the plain mount.
	const char *path() const { return file_.path(); }
	// The file through the idmapped copy, for calls that take a path
	// only (the xattr calls): /proc/self/fd/<tree>/<name>.
	std::string through() const;

private:
	const char *name_;
	ScratchFile file_;
	FileDescriptor tree_;
	int error_;
};

// The idmap of the creation tests: uids and gids through maps that differ,
// so an id taken back through the wrong one shows. Kernel uids 1000..1004
// are 2000..2004 on the mount, kernel gids 1000..1004 are 3000..3004.
constexpr const char *kUidIdmap = "1000 2000 5\n";
constexpr const char *kGidIdmap = "1000 3000 5\n";

// A scratch directory in parent (IdmapScratchParent()), and a detached
// copy of parent idmapped with kUidIdmap and kGidIdmap to reach it
// through.
class IdmappedDir {
public:
	IdmappedDir(const char *name, uid_t uid, gid_t gid, mode_t mode,
		    const std::string &parent = IdmapScratchParent());
	// 0, or the errno of the step that failed.
	int error() const { return error_; }
	// The copy of parent.
	int tree() const { return tree_.get(); }
	// The directory's name in parent, and so in the copy.
	const char *name() const { return dir_.name(); }
	// The path of an entry on the plain mount.
	std::string path(const char *entry) const { return dir_ / entry; }

private:
	ScratchDir dir_;
	FileDescriptor tree_;
	int error_;
};

// The entries CreateEachKindAs() makes: a regular file, a directory, a
// FIFO and a symlink (to "file").
constexpr const char *kCreatedKinds[] = {"file", "dir", "fifo", "link"};

// Makes each of kCreatedKinds in directory dir of tree, in a child running
// as uid:gid (RunAs()); the child's exit status.
int CreateEachKindAs(uid_t uid, gid_t gid, int tree, const std::string &dir);

// Whether tmpfs takes idmapped mounts: from Linux 6.3 on (tmpfs got
// FS_ALLOW_IDMAP there). On an older kernel line, 6.1 among them,
// mount_setattr(MOUNT_ATTR_IDMAP) refuses a tmpfs mount with EINVAL.
bool TmpfsTakesIdmaps();

// For a test of what goes through an idmapped mount of
// IdmapScratchParent(), given the errno of its OpenIdmappedTree(): when
// that filesystem takes no idmap on this kernel (tmpfs before 6.3, and
// the guest gave no ext4), checks the refusal (error must be EINVAL) and
// returns true, and the test ends there; elsewhere returns false and
// checks nothing.
bool IdmapRefusedOnThisLine(int error);

// The start of a test of what goes through an idmapped mount, given the
// errno of making it (an IdmappedFile's or IdmappedDir's error(), or
// OpenIdmappedTree()'s): where the filesystem takes no idmap on this
// kernel the refusal is checked and the test ends there
// (IdmapRefusedOnThisLine()); elsewhere the mount must have been made.
#define ASSERT_IDMAPPED(error)                                   \
	do {                                                     \
		const int idmap_error_ = (error);                \
		if (IdmapRefusedOnThisLine(idmap_error_))        \
			return;                                  \
		ASSERT_THAT(idmap_error_, ErrnoIs(0));           \
	} while (0)
