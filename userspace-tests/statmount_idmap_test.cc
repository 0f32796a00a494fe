// SPDX-License-Identifier: GPL-2.0
// StatmountIdmap: statmount() reporting an idmapped mount's uid and gid
// maps (STATMOUNT_MNT_UIDMAP, STATMOUNT_MNT_GIDMAP), a second display rule
// over the maps beside /proc/<pid>/uid_map's. Each extent of the mount's
// idmap is shown as "first lower count", its lower id seen from the
// caller's user namespace through map_id_range_up(): an extent the caller
// cannot see whole is skipped, never clipped, and a range that straddles
// two of the caller's extents is not seen whole, even when the two are
// contiguous.
//
// Per line: statmount() shows idmaps from Linux 6.15 on. Before that, on
// the 6.12 line, it answers without STATMOUNT_MNT_UIDMAP in its mask;
// before 6.8 there is no statmount() (ENOSYS), which is what the tests
// check on the 6.1 line.
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "idmapped_tree.h"
#include "kernel_release.h"
#include "scratch_dir.h"
#include "userns.h"

namespace {

// statmount(2)'s ABI as Linux 7.3 has it; the C library's headers predate
// it. The system call number is the same on every architecture.
constexpr long kSysStatmount = 457;
constexpr uint64_t kStatmountMntUidmap = 0x2000;
constexpr uint64_t kStatmountMntGidmap = 0x4000;
constexpr unsigned kStatxMntIdUnique = 0x4000;
constexpr uint32_t kMntIdReqSizeVer0 = 24;

struct MntIdReq {
	uint32_t size;
	uint32_t mnt_ns_fd;
	uint64_t mnt_id;
	uint64_t param;
};

struct StatmountReply {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t mnt_ns_id;
	uint32_t fs_subtype, sb_source, opt_num, opt_array, opt_sec_num, opt_sec_array;
	uint64_t supported_mask;
	uint32_t mnt_uidmap_num, mnt_uidmap, mnt_gidmap_num, mnt_gidmap;
	uint64_t spare2[43];
	char str[];
};

// What statmount() said of a mount's idmap.
struct IdmapReply {
	int error = 0;        // statmount()'s errno, 0 on success
	bool has_uidmap = false;  // STATMOUNT_MNT_UIDMAP in the reply's mask
	bool has_gidmap = false;
	std::string uidmap;   // the extents shown, one "first lower count" a line
	std::string gidmap;
};

// num NUL-terminated entries from offset off of the reply's strings, one a line.
std::string Entries(const StatmountReply *r, uint32_t num, uint32_t off)
{
	std::string out;
	const char *p = r->str + off;
	for (uint32_t i = 0; i < num; i++) {
		out += p;
		out += '\n';
		p += strlen(p) + 1;
	}
	return out;
}

// statmount(mnt_id, STATMOUNT_MNT_UIDMAP | STATMOUNT_MNT_GIDMAP), as the
// calling process sees it. Safe in a forked child (no gtest assertion).
IdmapReply ReadMountIdmap(uint64_t mnt_id)
{
	static constexpr size_t kBufSize = 64 * 1024;
	std::vector<uint64_t> buf(kBufSize / sizeof(uint64_t));
	auto *r = reinterpret_cast<StatmountReply *>(buf.data());
	MntIdReq req = {kMntIdReqSizeVer0, 0, mnt_id, kStatmountMntUidmap | kStatmountMntGidmap};
	IdmapReply out;

	if (syscall(kSysStatmount, &req, r, kBufSize, 0) != 0) {
		out.error = errno;
		return out;
	}
	out.has_uidmap = r->mask & kStatmountMntUidmap;
	out.has_gidmap = r->mask & kStatmountMntGidmap;
	if (out.has_uidmap)
		out.uidmap = Entries(r, r->mnt_uidmap_num, r->mnt_uidmap);
	if (out.has_gidmap)
		out.gidmap = Entries(r, r->mnt_gidmap_num, r->mnt_gidmap);
	return out;
}

// The idmap of the mount the tests look at: two uid extents, one gid
// extent elsewhere, so a uid extent shown through the gid maps shows.
constexpr const char *kMountUidIdmap = "0 100000 10\n10 200000 10\n";
constexpr const char *kMountGidIdmap = "0 300000 10\n";

// A scratch directory of IdmapScratchParent() idmapped with kMountUidIdmap and
// kMountGidIdmap, attached on another scratch directory so that
// statmount() finds it by id; detached again when the test ends.
class IdmappedMountPoint {
public:
	IdmappedMountPoint(const std::string &uid_map = kMountUidIdmap,
			   const std::string &gid_map = kMountGidIdmap)
		: source_("statmount-src", 0, 0, 0755, IdmapScratchParent()), target_("statmount-dst", 0, 0, 0755)
	{
		error_ = source_.ok() && target_.ok() ? Attach(uid_map, gid_map) : EIO;
	}
	~IdmappedMountPoint()
	{
		if (attached_)
			umount2(target_.path().c_str(), MNT_DETACH);
	}
	// 0, or the errno of the step that failed.
	int error() const { return error_; }
	uint64_t mnt_id() const { return mnt_id_; }

private:
	int Attach(const std::string &uid_map, const std::string &gid_map)
	{
		FileDescriptor tree;
		if (int err = ErrnoOf(OpenIdmappedTree(source_.path().c_str(), uid_map, &tree, gid_map)))
			return err;
		if (syscall(SYS_move_mount, tree.get(), "", AT_FDCWD, target_.path().c_str(),
			    MOVE_MOUNT_F_EMPTY_PATH) != 0)
			return errno;
		attached_ = true;
		struct statx stx = {};
		if (statx(AT_FDCWD, target_.path().c_str(), 0, kStatxMntIdUnique, &stx) != 0)
			return errno;
		if (!(stx.stx_mask & kStatxMntIdUnique))
			return EOPNOTSUPP;
		mnt_id_ = stx.stx_mnt_id;
		return 0;
	}

	ScratchDir source_, target_;
	bool attached_ = false;
	uint64_t mnt_id_ = 0;
	int error_;
};

// For a test of what statmount() shows of an idmap: on a line whose
// statmount() shows none, checks that the reply says so and returns true
// (the test ends there); elsewhere returns false and checks nothing.
bool StatmountShowsNoIdmap(const IdmappedMountPoint &m)
{
	if (KernelAtLeast(6, 15))
		return false;
	IdmapReply r = ReadMountIdmap(m.mnt_id());
	if (!KernelAtLeast(6, 8)) {
		EXPECT_THAT(r.error, ErrnoIs(ENOSYS)) << "no statmount() before Linux 6.8";
		return true;
	}
	EXPECT_THAT(r.error, ErrnoIs(0));
	EXPECT_FALSE(r.has_uidmap) << "statmount() shows no idmap before Linux 6.15";
	EXPECT_FALSE(r.has_gidmap) << "statmount() shows no idmap before Linux 6.15";
	return true;
}

// The preamble of every test of an idmapped mount point: checks the rule
// of a line where tmpfs takes no idmap or statmount() shows none, and
// fails if the mount could not be made. True when the test ends there.
bool ThisLineHasOtherRules(const IdmappedMountPoint &m)
{
	if (IdmapRefusedOnThisLine(m.error()))
		return true;
	if (!KernelAtLeast(6, 8))  // no statmount(), nor a unique mount id to ask it by
		return StatmountShowsNoIdmap(m);
	EXPECT_THAT(m.error(), ErrnoIs(0)) << "the idmapped mount point could not be made";
	if (m.error())
		return true;
	return StatmountShowsNoIdmap(m);
}

// Runs statmount() of m in a child inside a fresh user namespace whose
// uid map is uid_map and gid map gid_map, and checks that it shows the
// mount's extents as want_uidmap and want_gidmap (both flags raised, even
// with nothing to show). The child's exit status.
int StatmountFrom(const IdmappedMountPoint &m, const std::string &uid_map,
		  const std::string &gid_map, const std::string &want_uidmap,
		  const std::string &want_gidmap)
{
	uint64_t id = m.mnt_id();
	UsernsChild child([id, want_uidmap, want_gidmap] {
		IdmapReply r = ReadMountIdmap(id);
		CHILD_CHECK_EQ(r.error, 0);
		CHILD_CHECK(r.has_uidmap);
		CHILD_CHECK(r.has_gidmap);
		CHILD_CHECK_EQ(r.uidmap, want_uidmap);
		CHILD_CHECK_EQ(r.gidmap, want_gidmap);
		return 0;
	});
	if (child.setup_error() || !child.WriteMap("uid_map", uid_map).ok() ||
	    !child.WriteMap("gid_map", gid_map).ok())
		return -1;
	return child.Finish();
}

}  // namespace

USERNS_AREA(StatmountIdmap);

// The initial namespace sees every kernel id: each extent is shown with
// its lower id as written.
TEST_F(StatmountIdmap, InitialNamespaceSeesEveryExtentAsWritten)
{
	IdmappedMountPoint m;
	if (ThisLineHasOtherRules(m))
		return;
	IdmapReply r = ReadMountIdmap(m.mnt_id());
	ASSERT_THAT(r.error, ErrnoIs(0));
	EXPECT_TRUE(r.has_uidmap);
	EXPECT_TRUE(r.has_gidmap);
	EXPECT_EQ(r.uidmap, kMountUidIdmap);
	EXPECT_EQ(r.gidmap, kMountGidIdmap);
}

// A mount that is not idmapped has no idmap to show: the flags stay down.
TEST_F(StatmountIdmap, MountThatIsNotIdmappedRaisesNoFlag)
{
	ScratchDir target("statmount-plain", 0, 0, 0755);
	ASSERT_THAT(target.status(), ErrnoIs(0));
	ASSERT_EQ(mount("none", target.path().c_str(), "tmpfs", 0, nullptr), 0) << strerror(errno);
	struct statx stx = {};
	int rc = statx(AT_FDCWD, target.path().c_str(), 0, kStatxMntIdUnique, &stx);
	int err = errno;
	IdmapReply r = ReadMountIdmap(stx.stx_mnt_id);
	umount2(target.path().c_str(), MNT_DETACH);
	if (!KernelAtLeast(6, 8))
		return;  // no unique mount id, no statmount(): nothing to show
	ASSERT_EQ(rc, 0) << strerror(err);
	ASSERT_THAT(r.error, ErrnoIs(0));
	EXPECT_FALSE(r.has_uidmap);
	EXPECT_FALSE(r.has_gidmap);
}

// From a namespace, each extent's lower id is shown as that namespace
// sees it, uids through its uid map and gids through its gid map.
TEST_F(StatmountIdmap, LowerIdsAreShownAsTheCallersNamespaceSeesThem)
{
	IdmappedMountPoint m;
	if (ThisLineHasOtherRules(m))
		return;
	EXPECT_EQ(StatmountFrom(m, "0 100000 10\n5000 200000 10\n", "7 300000 10\n",
				"0 0 10\n10 5000 10\n", "0 7 10\n"),
		  0);
}

// An extent the caller sees only part of is skipped, not clipped to the
// part it sees; an extent it sees whole is still shown.
TEST_F(StatmountIdmap, ExtentSeenInPartIsSkippedNotClipped)
{
	IdmappedMountPoint m;
	if (ThisLineHasOtherRules(m))
		return;
	EXPECT_EQ(StatmountFrom(m, "0 100000 5\n100 200000 10\n", "0 300005 5\n", "10 100 10\n", ""),
		  0);
}

// A caller that sees none of the mount's extents gets empty lists, with
// the flags raised: the mount is idmapped, nothing of it is visible.
TEST_F(StatmountIdmap, CallerSeeingNoExtentGetsEmptyListsWithTheFlagsRaised)
{
	IdmappedMountPoint m;
	if (ThisLineHasOtherRules(m))
		return;
	EXPECT_EQ(StatmountFrom(m, "0 500000 10\n", "0 500000 10\n", "", ""), 0);
}

// An extent whose lower ids span two of the caller's extents is not seen
// whole through either, even though the two are contiguous on both sides
// and together cover it: it is skipped.
TEST_F(StatmountIdmap, ExtentStraddlingTwoOfTheCallersExtentsIsSkipped)
{
	IdmappedMountPoint m;
	if (ThisLineHasOtherRules(m))
		return;
	EXPECT_EQ(StatmountFrom(m, "0 100000 5\n5 100005 5\n100 200000 10\n",
				"0 300000 5\n5 300005 5\n", "10 100 10\n", ""),
		  0);
}

// The same rules when the caller's maps hold more than five extents,
// which are looked up in their sorted copies rather than scanned.
TEST_F(StatmountIdmap, CallerWithMoreThanFiveExtentsFollowsTheSameRules)
{
	IdmappedMountPoint m;
	if (ThisLineHasOtherRules(m))
		return;
	const std::string six = "0 400000 1\n1 400001 1\n2 400002 1\n50 100000 10\n"
				"60 200000 5\n65 200005 5\n";
	const std::string six_gid = "0 400000 1\n1 400001 1\n2 400002 1\n3 400003 1\n"
				    "4 400004 1\n20 300000 10\n";
	EXPECT_EQ(StatmountFrom(m, six, six_gid, "0 50 10\n", "0 20 10\n"), 0);
}
