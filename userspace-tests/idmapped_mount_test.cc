// SPDX-License-Identifier: GPL-2.0
// IdmappedMount: owners seen through a mount idmapped with a user
// namespace (mount_setattr(MOUNT_ATTR_IDMAP)). stat() there goes through
// make_vfsuid()/make_vfsgid() with an idmap other than nop_mnt_idmap: the
// kernel id is taken as an id of the idmap's namespace and mapped down.
// The files are in IdmapScratchParent(): /tmp (tmpfs), or on a kernel
// whose tmpfs takes no idmapped mount (before Linux 6.3) an ext4 loop mount
// the guest prepared; without one each test checks the refusal instead
// (IdmapRefusedOnThisLine()). TmpfsTakesAnIdmapFromLinux63 states tmpfs's
// own rule on every line.
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "acl_xattr.h"
#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "idmapped_tree.h"
#include "scratch_dir.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

// Kernel ids 1000..1004 read as 2000..2004 through the idmapped copies of
// the stat tests.
constexpr const char *kIdmap = "1000 2000 5\n";

// In a child in a user namespace mapping 0..999 to 100000.. with a mount
// namespace of its own, mounts a fresh tmpfs on dir, the scratch directory
// /tmp/<name> (the tmpfs's root owned by
// 3:3, so the filesystem belongs to that namespace), opens a copy of it
// idmapped with "3 7 1" and runs body(dir, tree): the child's exit status.
// Before Linux 6.3 tmpfs takes no idmap: the child checks the refusal
// (EINVAL) instead and body does not run.
int InTmpfsMountedInANamespace(const char *name,
			       const std::function<int(const std::string &dir, int tree)> &body)
{
	ScratchDir mountpoint(name, 0, 0, 0755);
	if (!mountpoint.ok()) {
		fprintf(stderr, "scratch directory %s: %s\n", mountpoint.path().c_str(),
			ErrnoName(mountpoint.status().error()).c_str());
		return kSetupFailed;
	}
	const std::string &dir = mountpoint.path();
	return RunInMappedNamespace(100000, 1000, [&dir, &body] {
		CHILD_CHECK_EQ(unshare(CLONE_NEWNS), 0);
		CHILD_CHECK_EQ(mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
		CHILD_CHECK_EQ(mount("tmpfs", dir.c_str(), "tmpfs", 0, "mode=0777"), 0);
		CHILD_CHECK_EQ(chown(dir.c_str(), 3, 3), 0);
		FileDescriptor tree;
		int err = ErrnoOf(OpenIdmappedTree(dir.c_str(), "3 7 1\n", &tree));
		if (!TmpfsTakesIdmaps()) {
			CHILD_CHECK_EQ(err, EINVAL);  // the rule before Linux 6.3
			return 0;
		}
		if (err)
			fprintf(stderr, "idmapped tree of %s: %s\n", dir.c_str(), ErrnoName(err).c_str());
		CHILD_CHECK_EQ(err, 0);
		return body(dir, tree.get());
	});
}

}  // namespace

USERNS_AREA(IdmappedMount);

// tmpfs takes an idmap from Linux 6.3 on (FS_ALLOW_IDMAP); before, a
// detached copy of a tmpfs mount is refused one with EINVAL.
TEST_F(IdmappedMount, TmpfsTakesAnIdmapFromLinux63)
{
	FileDescriptor tree;
	int err = ErrnoOf(OpenIdmappedTree("/tmp", kIdmap, &tree));
	if (TmpfsTakesIdmaps())
		EXPECT_THAT(err, ErrnoIs(0));
	else
		EXPECT_THAT(err, ErrnoIs(EINVAL)) << "tmpfs takes no idmapped mount before Linux 6.3";
}

// Kernel ids 1000..1004 read as 2000..2004 through a mount idmapped with
// "1000 2000 5"; the same file keeps its owner on the plain mount.
TEST_F(IdmappedMount, StatShowsOwnerMappedDownThroughTheIdmap)
{
	IdmappedFile s("idmap-owner", 1002, 1003, 0644, kIdmap);
	ASSERT_IDMAPPED(s.error());

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
	IdmappedFile s("idmap-unmapped", 999, 1005, 0644, kIdmap);
	ASSERT_IDMAPPED(s.error());

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
	IdmappedFile s("idmap-nested", 1001, 1004, 0644, kIdmap);
	ASSERT_IDMAPPED(s.error());
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
	IdmappedFile f("idmap-split", 1002, 1003, 0644, "1000 2000 5\n", "1000 3000 5\n");
	ASSERT_IDMAPPED(f.error());
	struct stat st;
	ASSERT_EQ(fstatat(f.tree(), f.name(), &st, 0), 0) << strerror(errno);
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
	EXPECT_EQ(InTmpfsMountedInANamespace("idmap-fs-in-ns", [](const std::string &dir, int tree) {
		std::string file = dir + "/f";
		FileDescriptor f(open(file.c_str(), O_CREAT | O_WRONLY, 0644));
		CHILD_CHECK(f.valid());
		CHILD_CHECK_EQ(fchown(f.get(), 3, 3), 0);
		struct stat st;
		CHILD_CHECK_EQ(fstatat(tree, "f", &st, 0), 0);
		CHILD_CHECK_EQ(st.st_uid, 7);
		CHILD_CHECK_EQ(st.st_gid, 7);
		CHILD_CHECK_EQ(stat(file.c_str(), &st), 0);
		CHILD_CHECK_EQ(st.st_uid, 3);
		return 0;
	}), 0);
}

// What a caller creates through an idmapped mount is owned, on the
// filesystem, by the caller's fsuid and fsgid mapped back through the
// idmap, each through its own map: a caller 2002:3003 on the mount makes
// files of kernel 1002:1003, which read back as 2002:3003 through it. The
// same holds for a regular file, a directory, a FIFO, a symlink and an
// O_TMPFILE file linked in. (The directory they are made in belongs to
// ids the idmap maps: nobody may write to an inode with an unmapped owner
// through it.)
TEST_F(IdmappedMount, WhatIsCreatedThroughItIsOwnedByTheIdsMappedBack)
{
	IdmappedDir dir("idmap-create", 1000, 1000, 0777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	EXPECT_EQ(CreateEachKindAs(2002, 3003, t, d), 0);
	EXPECT_EQ(RunAs(2002, 3003, [t, d] {
		FileDescriptor tmp(openat(t, d.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644));
		CHILD_CHECK(tmp.valid());
		std::string proc = "/proc/self/fd/" + std::to_string(tmp.get());
		CHILD_CHECK_EQ(linkat(AT_FDCWD, proc.c_str(), t, (d + "/tmpfile").c_str(),
				      AT_SYMLINK_FOLLOW), 0);
		return 0;
	}), 0);
	for (const char *entry : {"file", "dir", "fifo", "link", "tmpfile"}) {
		SCOPED_TRACE(entry);
		EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path(entry)), "1002:1003");
		EXPECT_EQ(OwnerOf(t, d + "/" + entry), "2002:3003");
	}
}

// chown through an idmapped mount stores the ids mapped back: root gives
// a file 2004:3004 on the mount, which is kernel 1004:1004.
TEST_F(IdmappedMount, ChownThroughItStoresTheIdsMappedBack)
{
	IdmappedFile f("idmap-chown", 1000, 1000, 0644, kUidIdmap, kGidIdmap);
	ASSERT_IDMAPPED(f.error());
	ASSERT_EQ(fchownat(f.tree(), f.name(), 2004, 3004, 0), 0) << strerror(errno);
	EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()), "1004:1004");
	EXPECT_EQ(OwnerOf(f.tree(), f.name()), "2004:3004");
	// An id the idmap cannot take back is EOVERFLOW, and changes nothing.
	EXPECT_THAT(fchownat(f.tree(), f.name(), 3004, -1, 0), SyscallFailsWithErrno(EOVERFLOW));
	EXPECT_THAT(fchownat(f.tree(), f.name(), -1, 2004, 0), SyscallFailsWithErrno(EOVERFLOW));
	EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()), "1004:1004");
}

// A caller whose fsuid or fsgid the idmap cannot map back gets EOVERFLOW
// for whatever it would create: fsuid 3002 is outside the uid map, and
// fsgid 2003 outside the gid map (though inside the uid map).
TEST_F(IdmappedMount, CallerTheMountCannotMapGetsEoverflow)
{
	IdmappedDir dir("idmap-overflow", 1000, 1000, 0777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	for (auto [uid, gid] : {std::pair<uid_t, gid_t>{3002, 3003}, {2002, 2003}}) {
		SCOPED_TRACE(std::to_string(uid) + ":" + std::to_string(gid));
		EXPECT_EQ(RunAs(uid, gid, [t, d] {
			CHILD_CHECK_ERRNO(openat(t, (d + "/file").c_str(), O_CREAT | O_WRONLY, 0644),
					  EOVERFLOW);
			CHILD_CHECK_ERRNO(mkdirat(t, (d + "/dir").c_str(), 0755), EOVERFLOW);
			CHILD_CHECK_ERRNO(mknodat(t, (d + "/fifo").c_str(), S_IFIFO | 0644, 0),
					  EOVERFLOW);
			CHILD_CHECK_ERRNO(symlinkat("x", t, (d + "/link").c_str()), EOVERFLOW);
			return 0;
		}), 0);
	}
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("file")), "ENOENT");
}

// A setgid directory gives what is created in it its group, seen through
// the mount as the directory's group mapped down, and a new directory
// keeps the setgid bit.
TEST_F(IdmappedMount, SetgidDirectoryGivesItsGroupThroughIt)
{
	IdmappedDir dir("idmap-sgid", 1002, 1003, 02777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	EXPECT_EQ(RunAs(2001, 3001, [t, d] {
		FileDescriptor f(openat(t, (d + "/file").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		CHILD_CHECK(f.valid());
		CHILD_CHECK_EQ(mkdirat(t, (d + "/dir").c_str(), 0755), 0);
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("file")), "1001:1003");
	EXPECT_EQ(OwnerOf(t, d + "/file"), "2001:3003");
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("dir")), "1001:1003");
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("dir")), 02755u);
}

// In a setgid directory a new file keeps S_ISGID only when its creator is
// in the directory's group as the mount shows it (3003 for kernel 1003),
// or holds CAP_FSETID over it: a creator of group 3001 loses the bit.
TEST_F(IdmappedMount, SetgidBitIsKeptOnlyForAMemberOfTheGroupThroughIt)
{
	IdmappedDir dir("idmap-sgid-strip", 1002, 1003, 02777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	for (auto [gid, name] : {std::pair<gid_t, const char *>{3001, "/outsider"}, {3003, "/member"}}) {
		EXPECT_EQ(RunAs(2001, gid, [t, d, name = name] {
			FileDescriptor f(openat(t, (d + name).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC,
						02755));
			CHILD_CHECK(f.valid());
			return 0;
		}), 0) << name;
	}
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("outsider")), 0755u);
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("member")), 02755u);
}

// A filesystem mounted inside a user namespace, then idmapped: what is
// created through the idmap is owned by the ids taken back into the
// filesystem's own namespace. Outer maps 0..999 to 100000..; the idmap's
// namespace maps its 3 to outer's 7; in the filesystem's root, owned by
// 3:3, a caller 7:7 of outer creates a file owned there by 3:3 (kernel
// 100003), and 7:7 through the idmap.
TEST_F(IdmappedMount, FilesystemMountedInANamespaceGetsWhatIsCreatedInItsOwnIds)
{
	EXPECT_EQ(InTmpfsMountedInANamespace("idmap-fs-in-ns-create", [](const std::string &dir, int tree) {
		CHILD_CHECK_EQ(RunAs(7, 7, [tree] {
			FileDescriptor f(openat(tree, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
			CHILD_CHECK(f.valid());
			return 0;
		}), 0);
		CHILD_CHECK_EQ(OwnerOf(AT_FDCWD, dir + "/f"), "3:3");
		CHILD_CHECK_EQ(OwnerOf(tree, "f"), "7:7");
		return 0;
	}), 0);
}

// S_ISGID on a new file in a setgid directory is kept only for a member of
// the directory's group as the mount shows it, whatever made the file:
// open(O_CREAT), mknod(S_IFREG) and an O_TMPFILE linked in. The directory
// is kernel 1002:1003 (group 3003 on the mount); a creator of group 3001
// loses the bit on all three, one of group 3003 keeps it.
TEST_F(IdmappedMount, SetgidIsStrippedForANonMemberOnEveryCreationPath)
{
	IdmappedDir dir("idmap-sgid-paths", 1002, 1003, 02777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	for (auto [gid, who] : {std::pair<gid_t, std::string>{3001, "outsider"}, {3003, "member"}}) {
		EXPECT_EQ(RunAs(2001, gid, [t, d, who = who] {
			FileDescriptor f(openat(t, (d + "/open-" + who).c_str(),
						O_CREAT | O_WRONLY | O_CLOEXEC, 02755));
			CHILD_CHECK(f.valid());
			CHILD_CHECK_EQ(mknodat(t, (d + "/mknod-" + who).c_str(), S_IFREG | 02755, 0), 0);
			FileDescriptor tmp(openat(t, d.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 02755));
			CHILD_CHECK(tmp.valid());
			std::string proc = "/proc/self/fd/" + std::to_string(tmp.get());
			CHILD_CHECK_EQ(linkat(AT_FDCWD, proc.c_str(), t, (d + "/tmpfile-" + who).c_str(),
					      AT_SYMLINK_FOLLOW), 0);
			return 0;
		}), 0) << who;
	}
	for (const char *how : {"open-", "mknod-", "tmpfile-"}) {
		SCOPED_TRACE(how);
		EXPECT_EQ(ModeOf(AT_FDCWD, dir.path((std::string(how) + "outsider").c_str())), 0755u);
		EXPECT_EQ(ModeOf(AT_FDCWD, dir.path((std::string(how) + "member").c_str())), 02755u);
		EXPECT_EQ(OwnerOf(t, d + "/" + how + "outsider"), "2001:3003");
	}
}

// S_ISGID is stripped from the mode asked for, before the umask or a
// default ACL shapes it: under umask 010 a non-member of the directory's
// group (as shown) asking for 02755 gets 0745 and a member 02745; in a
// directory with a default ACL (the umask then unused) 0755 and 02755.
TEST_F(IdmappedMount, SetgidIsStrippedBeforeTheUmaskOrADefaultAcl)
{
	IdmappedDir dir("idmap-sgid-umask", 1002, 1003, 02777);
	ASSERT_IDMAPPED(dir.error());
	ASSERT_EQ(mkdir(dir.path("acl").c_str(), 0), 0);
	ASSERT_EQ(chown(dir.path("acl").c_str(), 1002, 1003), 0);
	ASSERT_EQ(chmod(dir.path("acl").c_str(), 02777), 0);
	std::string acl = AclValue({{kUserObj, 7, kUndefined}, {kGroupObj, 7, kUndefined},
				    {kOther, 7, kUndefined}});
	ASSERT_EQ(setxattr(dir.path("acl").c_str(), kDefault, acl.data(), acl.size(), 0), 0)
		<< strerror(errno);
	int t = dir.tree();
	std::string d = dir.name();
	for (auto [gid, who] : {std::pair<gid_t, std::string>{3001, "outsider"}, {3003, "member"}}) {
		EXPECT_EQ(RunAs(2001, gid, [t, d, who = who] {
			umask(S_IXGRP);
			for (std::string at : {d + "/", d + "/acl/"}) {
				FileDescriptor f(openat(t, (at + who).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC,
							02755));
				CHILD_CHECK(f.valid());
			}
			return 0;
		}), 0) << who;
	}
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("outsider")), 0745u);
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("member")), 02745u);
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("acl/outsider")), 0755u);
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("acl/member")), 02755u);
}

// Truncating a set-gid file made through the mount works for its creator
// and keeps its owner; S_ISGID goes with the write when S_IXGRP is set,
// and stays without it for a member of the file's group as shown.
TEST_F(IdmappedMount, TruncateOfASetgidFileKeepsItsOwner)
{
	IdmappedDir dir("idmap-sgid-truncate", 1002, 1003, 02777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	EXPECT_EQ(RunAs(2001, 3003, [t, d] {
		for (auto [name, mode] : {std::pair<const char *, mode_t>{"/x", 02755}, {"/nx", 02745}}) {
			FileDescriptor f(openat(t, (d + name).c_str(), O_CREAT | O_RDWR | O_CLOEXEC, mode));
			CHILD_CHECK(f.valid());
			CHILD_CHECK_EQ(ftruncate(f.get(), 4096), 0);
		}
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("x")), "1001:1003");
	EXPECT_EQ(OwnerOf(t, d + "/x"), "2001:3003");
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("x")), 0755u);
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("nx")), 02745u);
}

// Root of a namespace keeps S_ISGID on what it creates in a setgid
// directory it is not a member of only when it holds CAP_FSETID over the
// directory's group as the mount shows it: its namespace maps gids 0..3 to
// 3000.., so a directory of group 3003 on the mount (kernel 1003) lets it
// keep the bit, one of group 3004 (kernel 1004) does not. It may not make
// a character device through the mount (no CAP_MKNOD in the initial
// namespace).
TEST_F(IdmappedMount, SetgidIsKeptInANamespaceOnlyOverAGroupItMaps)
{
	IdmappedDir mapped("idmap-sgid-ns-mapped", 1002, 1003, 02777);
	IdmappedDir unmapped("idmap-sgid-ns-unmapped", 1002, 1004, 02777);
	ASSERT_IDMAPPED(mapped.error());
	ASSERT_THAT(unmapped.error(), ErrnoIs(0));
	int t = mapped.tree();
	std::string in_mapped = mapped.name(), in_unmapped = unmapped.name();
	EXPECT_EQ(RunInNamespaceWithMaps("0 2000 10\n", "0 3000 4\n", [t, in_mapped, in_unmapped] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		umask(0);
		for (const std::string &d : {in_mapped, in_unmapped}) {
			FileDescriptor f(openat(t, (d + "/f").c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 02755));
			CHILD_CHECK(f.valid());
		}
		CHILD_CHECK_ERRNO(mknodat(t, (in_mapped + "/chr").c_str(), S_IFCHR | 0644, makedev(1, 3)),
				  EPERM);
		return 0;
	}), 0);
	EXPECT_EQ(ModeOf(AT_FDCWD, mapped.path("f")), 02755u);
	EXPECT_EQ(ModeOf(AT_FDCWD, unmapped.path("f")), 0755u);
	EXPECT_EQ(OwnerOf(AT_FDCWD, mapped.path("f")), "1000:1003");
}

// A character device made through the mount by a caller holding CAP_MKNOD
// with fsuid and fsgid the idmap maps (2002:3003) is owned by them mapped
// back (kernel 1002:1003), like any other entry.
TEST_F(IdmappedMount, CharDeviceMadeThroughItIsOwnedByTheIdsMappedBack)
{
	IdmappedDir dir("idmap-chrdev", 1000, 1000, 0777);
	ASSERT_IDMAPPED(dir.error());
	int t = dir.tree();
	std::string d = dir.name();
	EXPECT_EQ(RunInChild([t, d] {
		setfsgid(3003);
		setfsuid(2002);  // drops the fs capabilities, CAP_MKNOD among them
		CHILD_CHECK_OK(RaiseEffectiveToPermitted());
		CHILD_CHECK_EQ(mknodat(t, (d + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("null")), "1002:1003");
	EXPECT_EQ(OwnerOf(t, d + "/null"), "2002:3003");
}

// Root of the idmap's own namespace works through the mount as owner of
// what the idmap gives its ids: the namespace maps 0..9999 to kernel
// 10000.., so a directory of kernel 0:0 is its root's through the mount.
// There it creates a file, a regular file by mknod, a symlink and a
// directory, each stored as kernel 0:0 and read as 0:0 inside; links and
// renames them and removes them; and chowns a file to 5 (stored as kernel
// 5), which on the plain mount it may not (kernel 0 is no id of its own).
TEST_F(IdmappedMount, RootOfTheIdmapsNamespaceWorksThroughItAsOwner)
{
	ScratchDir dir("idmap-own-ns", 0, 0, 0755, IdmapScratchParent());
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	auto [here, there] = SocketPair();
	int receive_end = there.get();
	std::string d = dir.path();
	UsernsChild root([receive_end, d] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		FileDescriptor tree = ReceiveFd(receive_end);
		CHILD_CHECK(tree.valid());
		int t = tree.get();
		CHILD_CHECK(FileDescriptor(openat(t, "file", O_CREAT | O_WRONLY | O_CLOEXEC, 0644)).valid());
		CHILD_CHECK_EQ(mknodat(t, "mknod", S_IFREG | 0644, 0), 0);
		CHILD_CHECK_EQ(symlinkat("file", t, "link"), 0);
		CHILD_CHECK_EQ(mkdirat(t, "dir", 0755), 0);
		for (const char *entry : {"file", "mknod", "link", "dir"})
			CHILD_CHECK_EQ(OwnerOf(t, entry), "0:0");
		CHILD_CHECK_EQ(linkat(t, "file", t, "hardlink", 0), 0);
		CHILD_CHECK_EQ(renameat(t, "mknod", t, "renamed"), 0);
		CHILD_CHECK_EQ(renameat(t, "dir", t, "renamed-dir"), 0);
		CHILD_CHECK_EQ(unlinkat(t, "renamed", 0), 0);
		CHILD_CHECK_EQ(unlinkat(t, "renamed-dir", AT_REMOVEDIR), 0);
		CHILD_CHECK_ERRNO(chown((d + "/file").c_str(), 5, 5), EPERM);
		CHILD_CHECK_EQ(fchownat(t, "file", 5, 5, 0), 0);
		CHILD_CHECK_EQ(OwnerOf(t, "hardlink"), "5:5");
		return 0;
	});
	ASSERT_EQ(root.setup_error(), 0);
	MapRange(root, 10000, 10000);
	FileDescriptor ns(open(ProcPath(root.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	ASSERT_THAT(ns.get(), SyscallSucceeds());
	FileDescriptor tree;
	int err = ErrnoOf(OpenIdmappedTreeWith(dir.path().c_str(), ns.get(), &tree));
	ASSERT_IDMAPPED(err);
	ASSERT_THAT(SendFd(here.get(), tree.get()), ErrnoIs(0));
	EXPECT_EQ(root.Finish(), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir / "link"), "0:0");
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir / "file"), "5:5");
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir / "renamed"), "ENOENT");
}

// Two idmapped mounts of one tree show one file's owner each through its
// own idmap (kernel 1002 as 2002 and as 7002; 1002 on the plain mount),
// and a link or rename from one to the other is EXDEV.
TEST_F(IdmappedMount, TwoIdmapsOfOneTreeShowEachItsOwnOwner)
{
	IdmappedFile f("idmap-two", 1002, 1002, 0644, "1000 2000 5\n");
	ASSERT_IDMAPPED(f.error());
	FileDescriptor b;
	ASSERT_THAT(OpenIdmappedTree(IdmapScratchParent().c_str(), "1000 7000 5\n", &b), ErrnoIs(0));
	EXPECT_EQ(OwnerOf(f.tree(), f.name()), "2002:2002");
	EXPECT_EQ(OwnerOf(b.get(), f.name()), "7002:7002");
	EXPECT_EQ(OwnerOf(AT_FDCWD, f.path()), "1002:1002");
	EXPECT_THAT(linkat(f.tree(), f.name(), b.get(), "idmap-two-link", 0), SyscallFailsWithErrno(EXDEV));
	EXPECT_THAT(renameat(f.tree(), f.name(), b.get(), "idmap-two-moved"), SyscallFailsWithErrno(EXDEV));
}
