// SPDX-License-Identifier: GPL-2.0
// PosixAcl: the ids of system.posix_acl_access and _default entries
// (ACL_USER, ACL_GROUP) are translated like any id: taken into kernel ids
// through the setter's namespace, uids through its uid map and gids
// through its gid map (posix_acl_from_xattr), shown through the reader's
// (posix_acl_to_xattr), and through an idmapped mount's idmap. The maps
// differ (uids 0..999 are 100000.., gids 0..999 are 200000..), so an id
// taken through the wrong map shows.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "acl_xattr.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "idmapped_tree.h"
#include "scratch_dir.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

constexpr unsigned kUidBase = 100000, kGidBase = 200000;

// Runs fn as root of a fresh namespace with uids 0..999 mapped to
// kUidBase.. and gids 0..999 to kGidBase..: its exit status.
int InSplitNamespace(const std::function<int()> &fn)
{
	std::string uid_map = "0 " + std::to_string(kUidBase) + " 1000\n";
	std::string gid_map = "0 " + std::to_string(kGidBase) + " 1000\n";
	return RunInNamespaceWithMaps(uid_map, gid_map, [&] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		return fn();
	});
}

}  // namespace

USERNS_AREA(PosixAcl);

// Set inside, the named entries are stored as kernel ids, each through its
// own map: user 5 and group 7 read from the parent as 100005 and 200007,
// and inside as 5 and 7.
TEST_F(PosixAcl, EntriesSetInsideAreStoredAsKernelIds)
{
	ScratchFile f("acl-inside", kUidBase, kGidBase, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	const char *path = f.path();
	EXPECT_EQ(InSplitNamespace([path] {
		std::string acl = NamedAcl(5, 7);
		CHILD_CHECK_EQ(setxattr(path, kAccess, acl.data(), acl.size(), 0), 0);
		CHILD_CHECK_EQ(NamedEntries(AT_FDCWD, path, kAccess), "u:5 g:7");
		return 0;
	}), 0);
	EXPECT_EQ(NamedEntries(AT_FDCWD, path, kAccess), "u:100005 g:200007");
}

// Set in the parent, entries read inside through the reader's maps; an
// entry for an id the reader's namespace does not map reads 4294967295.
TEST_F(PosixAcl, EntriesReadThroughTheReadersMaps)
{
	ScratchFile f("acl-outside", kUidBase, kGidBase, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string acl = AclValue({{kUserObj, 6, kUndefined}, {kUser, 4, 50},
				    {kUser, 4, kUidBase + 9}, {kGroupObj, 4, kUndefined}, {kGroup, 4, kGidBase + 8},
				    {kMask, 6, kUndefined}, {kOther, 0, kUndefined}});
	ASSERT_EQ(setxattr(f.path(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
	const char *path = f.path();
	EXPECT_EQ(InSplitNamespace([path] {
		CHILD_CHECK_EQ(NamedEntries(AT_FDCWD, path, kAccess), "u:4294967295 u:9 g:8");
		return 0;
	}), 0);
}

// An entry for an id the setter's namespace does not map cannot be set:
// EINVAL, for a user and for a group.
TEST_F(PosixAcl, EntryForAnUnmappedIdIsEinval)
{
	ScratchFile f("acl-unmapped", kUidBase, kGidBase, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	const char *path = f.path();
	EXPECT_EQ(InSplitNamespace([path] {
		for (const std::string &acl : {NamedAcl(4000, 7), NamedAcl(5, 4000)})
			CHILD_CHECK_ERRNO(setxattr(path, kAccess, acl.data(), acl.size(), 0), EINVAL);
		CHILD_CHECK_EQ(NamedEntries(AT_FDCWD, path, kAccess), "ENODATA");
		return 0;
	}), 0);
}

// A default ACL set inside on a directory is stored the same way, and a
// file created in the directory inherits its entries.
TEST_F(PosixAcl, DefaultAclSetInsideIsInheritedInKernelIds)
{
	ScratchDir dir("acl-default", kUidBase, kGidBase, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	std::string d = dir.path(), file = dir / "f";
	EXPECT_EQ(InSplitNamespace([d, file] {
		std::string acl = NamedAcl(5, 7);
		CHILD_CHECK_EQ(setxattr(d.c_str(), kDefault, acl.data(), acl.size(), 0), 0);
		CHILD_CHECK_EQ(CreateFile(file), 0);
		return 0;
	}), 0);
	EXPECT_EQ(NamedEntries(AT_FDCWD, d.c_str(), kDefault), "u:100005 g:200007");
	EXPECT_EQ(NamedEntries(AT_FDCWD, file.c_str(), kAccess), "u:100005 g:200007");
}

// Through an idmapped mount an ACL's entries are shown mapped down by the
// idmap, each through its own map (uids 1000.. as 2000.., gids 1000.. as
// 3000..), and an ACL set through the mount is stored mapped back.
TEST_F(PosixAcl, EntriesGoThroughAnIdmappedMountBothWays)
{
	IdmappedFile f("acl-idmapped", 1000, 1000, 0644, "1000 2000 5\n", "1000 3000 5\n");
	ASSERT_IDMAPPED(f.error());
	std::string acl = NamedAcl(1002, 1003);
	ASSERT_EQ(setxattr(f.path(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
	EXPECT_EQ(NamedEntries(f.tree(), f.name(), kAccess), "u:2002 g:3003");
	std::string through = NamedAcl(2004, 3001);
	ASSERT_EQ(setxattr(f.through().c_str(), kAccess, through.data(), through.size(), 0), 0)
		<< strerror(errno);
	EXPECT_EQ(NamedEntries(AT_FDCWD, f.path(), kAccess), "u:1004 g:1001");
}

// The buffer's size beyond the value changes nothing: an ACL naming root
// read with 128 and with 132 bytes gives the same length and bytes, in the
// initial namespace, in a namespace with no maps (root's entry reads as
// 4294967295 there) and in one mapping 0 to 0.
TEST_F(PosixAcl, ReadsTheSameWhateverTheBufferSize)
{
	ScratchFile f("acl-buffers", 0, 0, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string acl = NamedAcl(0, 0);
	ASSERT_EQ(setxattr(f.path(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
	std::string path = f.path();
	auto same_both_ways = [path](const std::string &entries) {
		char small[128], large[132];
		ssize_t a = getxattr(path.c_str(), kAccess, small, sizeof(small));
		ssize_t b = getxattr(path.c_str(), kAccess, large, sizeof(large));
		CHILD_CHECK(a > 0);
		CHILD_CHECK_EQ(a, b);
		CHILD_CHECK_EQ(std::string(small, a), std::string(large, b));
		CHILD_CHECK_EQ(NamedEntries(AT_FDCWD, path.c_str(), kAccess), entries);
		return 0;
	};
	EXPECT_EQ(RunInChild([&] { return same_both_ways("u:0 g:0"); }), 0);
	UsernsChild unmapped([&] { return same_both_ways("u:4294967295 g:4294967295"); });
	ASSERT_EQ(unmapped.setup_error(), 0);
	EXPECT_EQ(unmapped.Finish(), 0);
	UsernsChild identity([&] { return same_both_ways("u:0 g:0"); });
	ASSERT_EQ(identity.setup_error(), 0);
	ASSERT_THAT(identity.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	ASSERT_THAT(identity.WriteMap("gid_map", "0 0 1\n"), ErrnoIs(0));
	EXPECT_EQ(identity.Finish(), 0);
}

// A named-user entry grants access through an idmapped mount to the id it
// names as the mount shows it: an owner-only file of kernel 1000 with
// "u:1002:rw" (2002 on the mount) opens read-write for fsuid 2002 there,
// not for 1002; once the ACL is removed, not for 2002 either.
TEST_F(PosixAcl, NamedEntryGrantsAccessThroughAnIdmappedMountToTheShownId)
{
	IdmappedFile f("acl-grants", 1000, 1000, 0600, "1000 2000 5\n", "1000 3000 5\n");
	ASSERT_IDMAPPED(f.error());
	std::string acl = AclValue({{kUserObj, 6, kUndefined}, {kUser, 6, 1002}, {kGroupObj, 0, kUndefined},
				    {kMask, 6, kUndefined}, {kOther, 0, kUndefined}});
	ASSERT_EQ(setxattr(f.path(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
	int t = f.tree();
	auto open_as = [t](uid_t uid) {
		return RunAs(uid, 3001, [t] {
			FileDescriptor fd(openat(t, "acl-grants", O_RDWR | O_CLOEXEC));
			return fd.valid() ? 0 : errno;
		});
	};
	EXPECT_EQ(open_as(2002), 0);
	EXPECT_EQ(open_as(1002), EACCES);
	ASSERT_EQ(removexattr(f.path(), kAccess), 0) << strerror(errno);
	EXPECT_EQ(open_as(2002), EACCES);
}

// Read through an idmapped mount from inside a namespace, an entry is
// mapped down by the idmap, then into the reader's namespace: kernel
// 1002:1003 is 2002:3003 on the mount, and 2:3 to a reader whose
// namespace maps uids 0..9 to 2000.. and gids 0..9 to 3000..; an entry the
// reader's namespace cannot map reads 4294967295.
TEST_F(PosixAcl, EntriesThroughAnIdmappedMountComposeWithTheReadersMaps)
{
	IdmappedFile f("acl-composed", 1000, 1000, 0644, "1000 2000 3\n1004 5000 1\n", "1000 3000 5\n");
	ASSERT_IDMAPPED(f.error());
	std::string acl = AclValue({{kUserObj, 6, kUndefined}, {kUser, 4, 1002}, {kUser, 4, 1004},
				    {kGroupObj, 4, kUndefined}, {kGroup, 4, 1003}, {kMask, 6, kUndefined},
				    {kOther, 0, kUndefined}});
	ASSERT_EQ(setxattr(f.path(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
	int t = f.tree();
	EXPECT_EQ(RunInNamespaceWithMaps("0 2000 10\n", "0 3000 10\n", [t] {
		CHILD_CHECK_EQ(NamedEntries(t, "acl-composed", kAccess), "u:2 u:4294967295 g:3");
		return 0;
	}), 0);
}

// On a filesystem mounted inside a namespace whose maps have two extents,
// ACL entries are stored in kernel ids through the setter's namespace and
// read back as set: a tmpfs mounted there takes "u:100 g:105", both in the
// second extent of their maps, and shows them as 100 and 105.
TEST_F(PosixAcl, EntriesOnAFilesystemMountedInANamespaceWithTwoExtents)
{
	ScratchDir mountpoint("acl-fs-in-ns", 0, 0, 0755);
	ASSERT_THAT(mountpoint.status(), ErrnoIs(0));
	std::string dir = mountpoint.path();
	EXPECT_EQ(RunInNamespaceWithMaps("0 100000 10\n100 110000 10\n", "0 200000 10\n100 210000 10\n", [dir] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(unshare(CLONE_NEWNS), 0);
		CHILD_CHECK_EQ(mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
		CHILD_CHECK_EQ(mount("tmpfs", dir.c_str(), "tmpfs", 0, "mode=0777"), 0);
		std::string file = dir + "/f";
		CHILD_CHECK_EQ(CreateFile(file), 0);
		std::string acl = NamedAcl(100, 105);
		CHILD_CHECK_EQ(setxattr(file.c_str(), kAccess, acl.data(), acl.size(), 0), 0);
		CHILD_CHECK_EQ(NamedEntries(AT_FDCWD, file.c_str(), kAccess), "u:100 g:105");
		return 0;
	}), 0);
}
