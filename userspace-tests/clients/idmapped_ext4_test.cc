// SPDX-License-Identifier: GPL-2.0
// IdmappedExt4: idmapped mounts of ext4 on a loop device, the kind of
// filesystem users idmap (a container's volume, a portable home). ext4
// takes an idmap on every kernel line we carry, where tmpfs takes none
// before Linux 6.3, so on the 6.1 line these are the tests that reach the
// idmapping helpers. Through the mount ids go both ways, each through its
// own map of the idmap: owners and ACL entries are shown mapped down, and
// what a caller creates, chowns or sets is stored mapped back; the setgid
// rules look at the group as the mount shows it. Kernel uids 1000..1004
// are 2000..2004 on the mount, kernel gids 1000..1004 are 3000..3004
// (kUidIdmap, kGidIdmap).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "acl_xattr.h"
#include "child.h"
#include "clients.h"
#include "errno_matchers.h"
#include "fd.h"
#include "file_status.h"
#include "idmapped_tree.h"

namespace {

constexpr const char *kImage = "/tmp/idmapped-ext4.img";
constexpr const char *kMount = "/tmp/idmapped-ext4";

// The ext4 filesystem (with ACLs, mke2fs' default) for the whole area.
class IdmappedExt4 : public UsernsTest {
protected:
	static void SetUpTestSuite() { ext4_ = std::make_unique<LoopExt4>(kImage, kMount, std::vector<std::string>{}); }
	static void TearDownTestSuite() { ext4_.reset(); }
	void SetUp() override
	{
		UsernsTest::SetUp();
		if (IsSkipped())
			return;
		ASSERT_TRUE(ext4_->Mounted());
	}

	static inline std::unique_ptr<LoopExt4> ext4_;
};

TEST_F(IdmappedExt4, OwnersAreShownMappedDownEachThroughItsOwnMap)
{
	IdmappedDir dir("shown", 1000, 1000, 0755, kMount);
	ASSERT_THAT(dir.error(), ErrnoIs(0));
	ASSERT_TRUE(MakeFile(dir.path("mapped"), 1002, 1003, 0644));
	ASSERT_TRUE(MakeFile(dir.path("unmapped"), 999, 1005, 0644));
	std::string d = dir.name();
	EXPECT_EQ(OwnerOf(dir.tree(), d + "/mapped"), "2002:3003");
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("mapped")), "1002:1003");
	// An owner the idmap does not map reads as the overflow ids.
	EXPECT_EQ(OwnerOf(dir.tree(), d + "/unmapped"), "65534:65534");
}

// A caller 2002:3003 on the mount makes files of kernel 1002:1003.
TEST_F(IdmappedExt4, WhatIsCreatedThroughItIsStoredMappedBack)
{
	IdmappedDir dir("create", 1000, 1000, 0777, kMount);
	ASSERT_THAT(dir.error(), ErrnoIs(0));
	int t = dir.tree();
	std::string d = dir.name();
	EXPECT_EQ(CreateEachKindAs(2002, 3003, t, d), 0);
	for (const char *entry : kCreatedKinds) {
		SCOPED_TRACE(entry);
		EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path(entry)), "1002:1003");
		EXPECT_EQ(OwnerOf(t, d + "/" + entry), "2002:3003");
	}
	// A caller the idmap cannot map back (fsgid 2003 is outside the gid
	// map) creates nothing.
	EXPECT_EQ(RunAs(2002, 2003, [t, d] {
		CHILD_CHECK_ERRNO(openat(t, (d + "/other").c_str(), O_CREAT | O_WRONLY, 0644), EOVERFLOW);
		return 0;
	}), 0);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("other")), "ENOENT");
}

TEST_F(IdmappedExt4, ChownThroughItStoresTheIdsMappedBack)
{
	IdmappedDir dir("chown", 1000, 1000, 0755, kMount);
	ASSERT_THAT(dir.error(), ErrnoIs(0));
	ASSERT_TRUE(MakeFile(dir.path("file"), 1000, 1000, 0644));
	std::string file = std::string(dir.name()) + "/file";
	ASSERT_EQ(fchownat(dir.tree(), file.c_str(), 2004, 3001, 0), 0) << strerror(errno);
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("file")), "1004:1001");
	EXPECT_EQ(OwnerOf(dir.tree(), file), "2004:3001");
	EXPECT_THAT(fchownat(dir.tree(), file.c_str(), 3004, -1, 0), SyscallFailsWithErrno(EOVERFLOW));
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("file")), "1004:1001");
}

// In a setgid directory of group 1003 (3003 on the mount), what is created
// gets its group, and a new file keeps S_ISGID only when its creator is in
// that group as the mount shows it: 3003 keeps the bit, 3001 loses it.
TEST_F(IdmappedExt4, SetgidRulesSeeTheGroupAsTheMountShowsIt)
{
	IdmappedDir dir("sgid", 1002, 1003, 02777, kMount);
	ASSERT_THAT(dir.error(), ErrnoIs(0));
	int t = dir.tree();
	std::string d = dir.name();
	for (auto [gid, name] : {std::pair<gid_t, const char *>{3001, "/outsider"}, {3003, "/member"}}) {
		EXPECT_EQ(RunAs(2001, gid, [t, d, name = name] {
			FileDescriptor f(openat(t, (d + name).c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 02755));
			CHILD_CHECK(f.valid());
			return 0;
		}), 0) << name;
	}
	EXPECT_EQ(OwnerOf(AT_FDCWD, dir.path("outsider")), "1001:1003");
	EXPECT_EQ(OwnerOf(t, d + "/outsider"), "2001:3003");
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("outsider")), 0755u);
	EXPECT_EQ(ModeOf(AT_FDCWD, dir.path("member")), 02755u);
}

// An ACL's named entries are shown mapped down by the idmap, and an ACL
// set through the mount is stored mapped back.
TEST_F(IdmappedExt4, AclEntriesGoThroughItBothWays)
{
	IdmappedDir dir("acl", 1000, 1000, 0755, kMount);
	ASSERT_THAT(dir.error(), ErrnoIs(0));
	ASSERT_TRUE(MakeFile(dir.path("file"), 1000, 1000, 0644));
	std::string acl = NamedAcl(1002, 1003);
	ASSERT_EQ(setxattr(dir.path("file").c_str(), kAccess, acl.data(), acl.size(), 0), 0) << strerror(errno);
	std::string file = std::string(dir.name()) + "/file";
	EXPECT_EQ(NamedEntries(dir.tree(), file.c_str(), kAccess), "u:2002 g:3003");
	std::string through = NamedAcl(2004, 3001);
	std::string proc = "/proc/self/fd/" + std::to_string(dir.tree()) + "/" + file;
	ASSERT_EQ(setxattr(proc.c_str(), kAccess, through.data(), through.size(), 0), 0) << strerror(errno);
	EXPECT_EQ(NamedEntries(AT_FDCWD, dir.path("file").c_str(), kAccess), "u:1004 g:1001");
}

}  // namespace
