// SPDX-License-Identifier: GPL-2.0
// SetidExec: what executing a file gives a process, decided through the
// ID-mapping layer. A set-id file's owner becomes the new effective id
// only when the executing process's namespace maps both the owner and the
// group (bprm_fill_uid's kuid_has_mapping/vfsgid_has_mapping); through an
// idmapped mount the owner is the one the mount shows (i_uid_into_vfsuid).
// The capabilities after exec follow the namespace's root
// (make_kuid(ns, 0) in commoncap): its root keeps every capability, any
// other uid none. The program executed is the probe (id_probe.h), copied
// with the owner and mode each test needs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "id_probe.h"
#include "idmapped_tree.h"
#include "program.h"
#include "scratch_dir.h"
#include "userns.h"

namespace {

// A namespace mapping 0..999 to kernel ids 100000.. (uids and gids).
constexpr unsigned kNsBase = 100000;

// "id id id id": real, effective, saved and fs id all equal.
std::string AllIds(unsigned id)
{
	std::string s = std::to_string(id);
	return s + " " + s + " " + s + " " + s;
}

// The real id, then effective, saved and fs ids all `set`.
std::string SetIds(unsigned real, unsigned set)
{
	std::string s = std::to_string(set);
	return std::to_string(real) + " " + s + " " + s + " " + s;
}

// "uid ...; gid ..." of a probe's report, or the errno of a failed exec,
// for comparing a whole outcome at once.
std::string Outcome(const ErrnoOr<ProbedIds> &run)
{
	if (!run.ok())
		return ErrnoName(run.error());
	return "uid " + run.value().uid + "; gid " + run.value().gid;
}

std::string Outcome(const std::string &uid, const std::string &gid)
{
	return "uid " + uid + "; gid " + gid;
}

}  // namespace

USERNS_AREA(SetidExec);

// The baseline, without a user namespace: a set-id probe owned by
// 5000:6000, executed by an unprivileged user, runs with effective, saved
// and fs ids 5000 and 6000; its real ids stay the caller's.
TEST_F(SetidExec, SetidFileRunsAsItsOwnerInTheInitialNamespace)
{
	ScratchDir dir("setid-init", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "probe", 5000, 6000, 06755), ErrnoIs(0));
	EXPECT_EQ(Outcome(ExecProbe(AT_FDCWD, dir / "probe", AsTestUser)),
		  Outcome(SetIds(kTestUid, 5000), SetIds(kTestGid, 6000)));
}

// Inside a namespace, a set-id file whose owner and group it maps runs
// with them as the namespace numbers them: kernel 100005:100007 is 5:7.
TEST_F(SetidExec, InsideANamespaceTheMappedOwnerBecomesTheEffectiveId)
{
	ScratchDir dir("setid-mapped", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "probe", kNsBase + 5, kNsBase + 7, 06755), ErrnoIs(0));
	std::string probe = dir / "probe";
	EXPECT_EQ(RunInMappedNamespace(kNsBase, 1000, [&probe] {
		CHILD_CHECK_OK(BecomeUser(1, 1));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, probe)), Outcome(SetIds(1, 5), SetIds(1, 7)));
		return 0;
	}, false), 0);
}

// A set-id file whose owner the namespace does not map gives no
// transition at all: the exec succeeds and the ids stay the caller's. An
// owner mapped with a group that is not is the same: both must map.
TEST_F(SetidExec, InsideANamespaceAnUnmappedOwnerOrGroupGivesNoTransition)
{
	ScratchDir dir("setid-unmapped", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "unmapped-owner", 0, kNsBase + 7, 06755), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "unmapped-group", kNsBase + 5, 0, 06755), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "mapped", kNsBase + 5, kNsBase + 7, 06755), ErrnoIs(0));
	std::string d = dir.path();
	EXPECT_EQ(RunInMappedNamespace(kNsBase, 1000, [&d] {
		CHILD_CHECK_OK(BecomeUser(1, 1));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, d + "/unmapped-owner")),
			       Outcome(AllIds(1), AllIds(1)));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, d + "/unmapped-group")),
			       Outcome(AllIds(1), AllIds(1)));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, d + "/mapped")),
			       Outcome(SetIds(1, 5), SetIds(1, 7)));
		return 0;
	}, false), 0);
}

// Through an idmapped mount the new effective ids are the owner as the
// mount shows it: kernel 1002:1003 through "1000 2000 5" (uids) and
// "1000 3000 5" (gids) runs as 2002:3003; on the plain mount as 1002:1003.
// (The idmapped tree is attached: set-id bits count only on a mount of the
// caller's mount namespace.)
TEST_F(SetidExec, ThroughAnIdmappedMountTheShownOwnerBecomesTheEffectiveId)
{
	ScratchDir mountpoint("setid-idmapped-mnt", 0, 0, 0755);
	ASSERT_THAT(mountpoint.status(), ErrnoIs(0));
	IdmappedDir dir("setid-idmapped", 0, 0, 0755);
	ASSERT_IDMAPPED(dir.error());
	ASSERT_THAT(InstallProbe(dir.path("probe"), 1002, 1003, 06755), ErrnoIs(0));
	AttachedTree mounted(dir.tree(), mountpoint.path());
	ASSERT_THAT(mounted.error(), ErrnoIs(0));
	std::string probe = mounted / "setid-idmapped/probe";
	EXPECT_EQ(Outcome(ExecProbe(AT_FDCWD, probe, AsTestUser)),
		  Outcome(SetIds(kTestUid, 2002), SetIds(kTestGid, 3003)));
	EXPECT_EQ(Outcome(ExecProbe(AT_FDCWD, dir.path("probe"), AsTestUser)),
		  Outcome(SetIds(kTestUid, 1002), SetIds(kTestGid, 1003)));
}

// Inside a namespace, through an idmapped mount, the shown owner is taken
// into the caller's namespace: with the idmap showing kernel 1002:1003 as
// 2002:2003 and the caller's namespace mapping 0..3 to 2000.., the probe
// runs as 2:3. An owner shown as an id that namespace does not map
// (kernel 1004 shown as 2004) gives no transition; neither does an owner
// the idmap does not map at all (kernel 999).
TEST_F(SetidExec, ThroughAnIdmappedMountInsideANamespaceTheOwnerIsComposed)
{
	ScratchDir mountpoint("setid-idmapped-ns-mnt", 0, 0, 0755);
	ScratchDir dir("setid-idmapped-ns", 0, 0, 0755, IdmapScratchParent());
	ASSERT_THAT(mountpoint.status(), ErrnoIs(0));
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "mapped", 1002, 1003, 06755), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "outside-namespace", 1004, 1003, 06755), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "outside-idmap", 999, 1003, 06755), ErrnoIs(0));
	FileDescriptor tree;
	int err = ErrnoOf(OpenIdmappedTree(dir.path().c_str(), "1000 2000 5\n", &tree));
	ASSERT_IDMAPPED(err);
	AttachedTree mounted(tree.get(), mountpoint.path());
	ASSERT_THAT(mounted.error(), ErrnoIs(0));
	std::string m = mountpoint.path();
	EXPECT_EQ(RunInMappedNamespace(2000, 4, [&m] {
		CHILD_CHECK_OK(BecomeUser(1, 1));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, m + "/mapped")),
			       Outcome(SetIds(1, 2), SetIds(1, 3)));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, m + "/outside-namespace")),
			       Outcome(AllIds(1), AllIds(1)));
		CHILD_CHECK_EQ(Outcome(ExecProbe(AT_FDCWD, m + "/outside-idmap")),
			       Outcome(AllIds(1), AllIds(1)));
		return 0;
	}, false), 0);
}

// After exec the namespace's root keeps every capability, permitted and
// effective; a process with uid 200 there ends with none (and the ids it
// had).
TEST_F(SetidExec, AfterExecTheNamespacesRootHasEveryCapabilityAndOtherUidsNone)
{
	ScratchDir dir("exec-caps", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "probe", 0, 0, 0755), ErrnoIs(0));
	std::string probe = dir / "probe";
	uint64_t all = AllCapabilities();
	EXPECT_EQ(RunInMappedNamespace(kNsBase, 1000, [&probe, all] {
		ErrnoOr<ProbedIds> root = ExecProbe(AT_FDCWD, probe);
		CHILD_CHECK_OK(root);
		CHILD_CHECK_EQ(root.value().uid, AllIds(0));
		CHILD_CHECK_EQ(root.value().permitted, all);
		CHILD_CHECK_EQ(root.value().effective, all);
		CHILD_CHECK_OK(BecomeUser(200, 200));
		ErrnoOr<ProbedIds> user = ExecProbe(AT_FDCWD, probe);
		CHILD_CHECK_OK(user);
		CHILD_CHECK_EQ(user.value().uid, AllIds(200));
		CHILD_CHECK_EQ(user.value().permitted, 0);
		CHILD_CHECK_EQ(user.value().effective, 0);
		return 0;
	}), 0);
}

// A set-uid file owned by the namespace's root (kernel 100000) makes an
// unprivileged process there its root, with every capability; one owned
// by the initial namespace's root, which the namespace does not map, gives
// neither the id nor the capabilities.
TEST_F(SetidExec, SetuidToTheNamespacesRootGivesItsCapabilitiesOnlyWhenMapped)
{
	ScratchDir dir("setid-root", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "ns-root", kNsBase, kNsBase, 04755), ErrnoIs(0));
	ASSERT_THAT(InstallProbe(dir / "init-root", 0, kNsBase, 04755), ErrnoIs(0));
	std::string d = dir.path();
	uint64_t all = AllCapabilities();
	EXPECT_EQ(RunInMappedNamespace(kNsBase, 1000, [&d, all] {
		CHILD_CHECK_OK(BecomeUser(5, 5));
		ErrnoOr<ProbedIds> ns_root = ExecProbe(AT_FDCWD, d + "/ns-root");
		CHILD_CHECK_OK(ns_root);
		CHILD_CHECK_EQ(ns_root.value().uid, SetIds(5, 0));
		CHILD_CHECK_EQ(ns_root.value().permitted, all);
		CHILD_CHECK_EQ(ns_root.value().effective, all);
		ErrnoOr<ProbedIds> init_root = ExecProbe(AT_FDCWD, d + "/init-root");
		CHILD_CHECK_OK(init_root);
		CHILD_CHECK_EQ(init_root.value().uid, AllIds(5));
		CHILD_CHECK_EQ(init_root.value().effective, 0);
		return 0;
	}, false), 0);
}
