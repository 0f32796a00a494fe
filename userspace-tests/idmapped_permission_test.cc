// SPDX-License-Identifier: GPL-2.0
// IdmappedPermission: permission decided through an idmapped mount's idmap.
// Every owner a permission rule compares (the file's owner class, the
// sticky directory's and the protected symlink's owners, chown's and
// chgrp's allowed ids) is the owner as the mount shows it, and root's
// overrides hold only over inodes whose owner and group the idmap maps
// (capable_wrt_inode_uidgid). Unless a test says otherwise the idmap shows
// kernel uids 1000..1004 as 2000..2004 and kernel gids 1000..1004 as
// 3000..3004 (IdmappedDir). Files are in IdmapScratchParent() (tmpfs, or
// ext4 where tmpfs takes no idmap).
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "idmapped_tree.h"
#include "sysctl_setting.h"
#include "userns.h"

namespace {

// Creates a regular file path with owner uid:gid and mode (as root).
void MakeFile(const std::string &path, uid_t uid, gid_t gid, mode_t mode)
{
	FileDescriptor f(open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	ASSERT_TRUE(f.valid()) << path << ": " << strerror(errno);
	ASSERT_EQ(fchown(f.get(), uid, gid), 0) << strerror(errno);
	ASSERT_EQ(fchmod(f.get(), mode), 0) << strerror(errno);
}

// Whether a child as uid:gid (no capabilities) may open dir/entry of
// dirfd with flags: 0, or the errno.
int OpenAs(uid_t uid, gid_t gid, int dirfd, const std::string &path, int flags)
{
	return RunAs(uid, gid, [dirfd, path, flags] {
		int fd = openat(dirfd, path.c_str(), flags | O_CLOEXEC);
		return fd >= 0 ? 0 : errno;
	});
}


}  // namespace

USERNS_AREA(IdmappedPermission);

// A file's owner class is its owner as the mount shows it: an owner-only
// file of kernel 1002 opens read-write for fsuid 2002 through the mount
// and is refused to fsuid 1002 there, which owns it on the plain mount.
// The group class likewise: a group-only file of kernel gid 1003 opens for
// fsgid 3003 through the mount, not for 1003.
TEST_F(IdmappedPermission, OwnerAndGroupClassesAreTheOwnersAsShown)
{
	IdmappedDir dir("perm-class", 1000, 1000, 0755);
	ASSERT_IDMAPPED(dir.error());
	MakeFile(dir.path("owner-only"), 1002, 1003, 0600);
	MakeFile(dir.path("group-only"), 1002, 1003, 0060);
	std::string d = dir.name();
	int t = dir.tree();
	EXPECT_EQ(OpenAs(2002, 3001, t, d + "/owner-only", O_RDWR), 0);
	EXPECT_EQ(OpenAs(1002, 1001, t, d + "/owner-only", O_RDWR), EACCES);
	EXPECT_EQ(OpenAs(1002, 1001, AT_FDCWD, dir.path("owner-only"), O_RDWR), 0);
	EXPECT_EQ(OpenAs(2001, 3003, t, d + "/group-only", O_RDWR), 0);
	EXPECT_EQ(OpenAs(2001, 1003, t, d + "/group-only", O_RDWR), EACCES);
	EXPECT_EQ(OpenAs(2001, 1003, AT_FDCWD, dir.path("group-only"), O_RDWR), 0);
}

// Root's DAC override holds through the mount only over a file whose owner
// and group the idmap maps: an owner-only file of kernel 1002:1003 opens
// for root through the mount; one of kernel 0:1003 (owner unmapped) or
// 1002:0 (group unmapped) cannot even be read there (EACCES), and opens on
// the plain mount. (Writing an inode with an unmapped owner or group
// through an idmapped mount is refused before any override is asked.)
TEST_F(IdmappedPermission, RootOverridesOnlyWhereTheIdmapMapsOwnerAndGroup)
{
	IdmappedDir dir("perm-override", 1000, 1000, 0755);
	ASSERT_IDMAPPED(dir.error());
	MakeFile(dir.path("mapped"), 1002, 1003, 0600);
	MakeFile(dir.path("unmapped-owner"), 0, 1003, 0600);
	MakeFile(dir.path("unmapped-group"), 1002, 0, 0600);
	std::string d = dir.name();
	int t = dir.tree();
	auto open_as_root = [](int dirfd, const std::string &path, int flags) {
		FileDescriptor f(openat(dirfd, path.c_str(), flags | O_CLOEXEC));
		return f.valid() ? 0 : errno;
	};
	EXPECT_EQ(open_as_root(t, d + "/mapped", O_RDWR), 0);
	for (const char *entry : {"/unmapped-owner", "/unmapped-group"}) {
		SCOPED_TRACE(entry);
		EXPECT_EQ(open_as_root(t, d + entry, O_RDONLY), EACCES);
		EXPECT_EQ(open_as_root(t, d + entry, O_RDWR), EACCES);
		EXPECT_EQ(open_as_root(AT_FDCWD, dir.path(entry + 1), O_RDWR), 0);
	}
}

// In a sticky directory an unprivileged caller removes or renames only
// what it owns, unless it owns the directory, owners compared as the mount
// shows them: the directory is kernel 1000 (2000 on the mount), "a" is
// 1001 (2001), "b" is 1002 (2002). 2001 may unlink and rename "a", not
// "b"; 2000 may remove "b"; 1001, owner of "a" on the plain mount, may not
// remove it through the mount.
TEST_F(IdmappedPermission, StickyDirectoryComparesOwnersAsShown)
{
	IdmappedDir dir("perm-sticky", 1000, 1000, 01777);
	ASSERT_IDMAPPED(dir.error());
	MakeFile(dir.path("a"), 1001, 1001, 0644);
	MakeFile(dir.path("b"), 1002, 1002, 0644);
	std::string d = dir.name();
	int t = dir.tree();
	EXPECT_EQ(RunAs(1001, 3001, [t, d] {
		CHILD_CHECK_ERRNO(unlinkat(t, (d + "/a").c_str(), 0), EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(RunAs(2001, 3001, [t, d] {
		CHILD_CHECK_ERRNO(unlinkat(t, (d + "/b").c_str(), 0), EPERM);
		CHILD_CHECK_ERRNO(renameat(t, (d + "/b").c_str(), t, (d + "/b2").c_str()), EPERM);
		CHILD_CHECK_EQ(renameat(t, (d + "/a").c_str(), t, (d + "/a2").c_str()), 0);
		CHILD_CHECK_EQ(unlinkat(t, (d + "/a2").c_str(), 0), 0);
		return 0;
	}), 0);
	EXPECT_EQ(RunAs(2000, 3000, [t, d] {
		CHILD_CHECK_EQ(unlinkat(t, (d + "/b").c_str(), 0), 0);
		return 0;
	}), 0);
}

// With fs.protected_symlinks on, a symlink in a sticky world-writable
// directory is followed only by its owner, or when the directory's owner
// owns it too, owners compared as the mount shows them: "own" is kernel
// 1001's (2001 on the mount), "dir-owners" kernel 1000's like the
// directory. 2001 follows "own", 2002 is refused it but follows
// "dir-owners"; 1001 is refused "own" through the mount, not on the plain
// one.
TEST_F(IdmappedPermission, ProtectedSymlinksCompareOwnersAsShown)
{
	IdmappedDir dir("perm-symlinks", 1000, 1000, 01777);
	ASSERT_IDMAPPED(dir.error());
	SysctlSetting on("/proc/sys/fs/protected_symlinks", "1\n");
	ASSERT_THAT(on.status(), ErrnoIs(0));
	MakeFile(dir.path("target"), 1001, 1001, 0644);
	ASSERT_EQ(symlink("target", dir.path("own").c_str()), 0);
	ASSERT_EQ(lchown(dir.path("own").c_str(), 1001, 1001), 0);
	ASSERT_EQ(symlink("target", dir.path("dir-owners").c_str()), 0);
	ASSERT_EQ(lchown(dir.path("dir-owners").c_str(), 1000, 1000), 0);
	std::string d = dir.name();
	int t = dir.tree();
	EXPECT_EQ(OpenAs(2001, 3001, t, d + "/own", O_RDONLY), 0);
	EXPECT_EQ(OpenAs(2002, 3002, t, d + "/own", O_RDONLY), EACCES);
	EXPECT_EQ(OpenAs(2002, 3002, t, d + "/dir-owners", O_RDONLY), 0);
	EXPECT_EQ(OpenAs(1001, 1001, t, d + "/own", O_RDONLY), EACCES);
	EXPECT_EQ(OpenAs(1001, 1001, AT_FDCWD, dir.path("own"), O_RDONLY), 0);
}

// A caller whose fsuid the idmap cannot map back may not make a new name
// through the mount: link, rename and an O_TMPFILE are EOVERFLOW. Removing
// a name makes no inode, so unlink and rmdir of entries whose owners the
// idmap maps still work.
TEST_F(IdmappedPermission, UnmappedCallerMayRemoveButNotLinkOrRename)
{
	IdmappedDir dir("perm-unmapped", 1000, 1000, 0777);
	ASSERT_IDMAPPED(dir.error());
	MakeFile(dir.path("f"), 1001, 1001, 0666);
	MakeFile(dir.path("g"), 1001, 1001, 0666);
	ASSERT_EQ(mkdir(dir.path("d").c_str(), 0777), 0);
	ASSERT_EQ(chown(dir.path("d").c_str(), 1001, 1001), 0);
	std::string d = dir.name();
	int t = dir.tree();
	EXPECT_EQ(RunAs(3002, 3003, [t, d] {
		CHILD_CHECK_ERRNO(linkat(t, (d + "/f").c_str(), t, (d + "/f-link").c_str(), 0),
				  EOVERFLOW);
		CHILD_CHECK_ERRNO(renameat(t, (d + "/f").c_str(), t, (d + "/f-renamed").c_str()),
				  EOVERFLOW);
		CHILD_CHECK_ERRNO(openat(t, d.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644),
				  EOVERFLOW);
		CHILD_CHECK_EQ(unlinkat(t, (d + "/g").c_str(), 0), 0);
		CHILD_CHECK_EQ(unlinkat(t, (d + "/d").c_str(), AT_REMOVEDIR), 0);
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("f")), "1001:1001");
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("f-link")), "ENOENT");
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("g")), "ENOENT");
}

// An unprivileged owner chowns and chgrps through the mount as the owner
// it shows: with an idmap swapping kernel ids 1000 and 1001 and keeping
// 1002 (uids and gids), a file of kernel 1000:1000 is 1001:1001 on the
// mount. Its owner there (fsuid 1001, supplementary group 1000) may chown
// it to itself and chgrp it to 1000, a group it holds, or back to 1001,
// stored as kernel 1001 and 1000; it may not give it to uid 1000 or to
// group 1002 (EPERM), and 0 is no id of the mount (EOVERFLOW). On the
// plain mount it owns nothing there, and chgrps its own file likewise.
TEST_F(IdmappedPermission, UnprivilegedChownAndChgrpFollowTheOwnerAsShown)
{
	ScratchDir dir("perm-chown", 0, 0, 0755, IdmapScratchParent());
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	MakeFile(dir / "f", 1000, 1000, 0644);
	MakeFile(dir / "own", 1001, 1001, 0644);
	std::string own = dir / "own";
	// The rule on a plain mount, for comparison: an owner chgrps only
	// into a group it holds.
	EXPECT_EQ(RunInChild([own] {
		gid_t groups[] = {1000};
		CHILD_CHECK_EQ(setgroups(1, groups), 0);
		CHILD_CHECK_EQ(setresgid(1001, 1001, 1001), 0);
		CHILD_CHECK_EQ(setresuid(1001, 1001, 1001), 0);
		CHILD_CHECK_ERRNO(chown(own.c_str(), -1, 1002), EPERM);
		CHILD_CHECK_ERRNO(chown(own.c_str(), 1000, -1), EPERM);
		CHILD_CHECK_EQ(chown(own.c_str(), -1, 1000), 0);
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, own), "1001:1000");
	FileDescriptor tree;
	const char *swapped = "1000 1001 1\n1001 1000 1\n1002 1002 1\n";
	int err = ErrnoOf(OpenIdmappedTree(IdmapScratchParent().c_str(), swapped, &tree, swapped));
	ASSERT_IDMAPPED(err);
	EXPECT_EQ(OwnerOf(tree.get(), std::string(dir.name()) + "/f"), "1001:1001");
	int t = tree.get();
	std::string f = std::string(dir.name()) + "/f";
	std::string plain = dir / "f";
	EXPECT_EQ(RunInChild([t, f, plain] {
		gid_t groups[] = {1000};
		CHILD_CHECK_EQ(setgroups(1, groups), 0);
		CHILD_CHECK_EQ(setresgid(1001, 1001, 1001), 0);
		CHILD_CHECK_EQ(setresuid(1001, 1001, 1001), 0);
		CHILD_CHECK_ERRNO(fchownat(AT_FDCWD, plain.c_str(), 1001, -1, 0), EPERM);
		CHILD_CHECK_EQ(fchownat(t, f.c_str(), 1001, -1, 0), 0);
		CHILD_CHECK_ERRNO(fchownat(t, f.c_str(), 1000, -1, 0), EPERM);
		CHILD_CHECK_ERRNO(fchownat(t, f.c_str(), 1002, -1, 0), EPERM);
		CHILD_CHECK_ERRNO(fchownat(t, f.c_str(), 0, -1, 0), EOVERFLOW);
		CHILD_CHECK_ERRNO(fchownat(t, f.c_str(), -1, 1002, 0), EPERM);
		CHILD_CHECK_ERRNO(fchownat(t, f.c_str(), -1, 0, 0), EOVERFLOW);
		CHILD_CHECK_EQ(fchownat(t, f.c_str(), -1, 1000, 0), 0);
		CHILD_CHECK_EQ(OwnerOf(AT_FDCWD, plain), "1000:1001");
		CHILD_CHECK_EQ(fchownat(t, f.c_str(), -1, 1001, 0), 0);
		CHILD_CHECK_EQ(OwnerOf(AT_FDCWD, plain), "1000:1000");
		return 0;
	}), 0);
}
