// SPDX-License-Identifier: GPL-2.0
// Newuidmap: shadow's setuid newuidmap and newgidmap, as rootless podman
// and docker run them: the unprivileged test user maps its own id and the
// range /etc/subuid (/etc/subgid) grants it into a namespace it made. The
// kernel takes the maps from a setuid writer and shows them to the parent
// and inside; it refuses what the contract refuses (an overlap, EINVAL),
// and newuidmap refuses what /etc/subuid does not grant.
#include <string>

#include <gtest/gtest.h>

#include "clients.h"
#include "errno_matchers.h"

namespace {

constexpr const char *kNewuidmap = "/usr/bin/newuidmap";
constexpr const char *kNewgidmap = "/usr/bin/newgidmap";

USERNS_AREA(Newuidmap);

// A namespace the test user made, its maps not written yet.
class UserNamespaceOfTester {
public:
	UserNamespaceOfTester() : child_([] { return 0; }, AsTestUser) {}
	// 0 when the child is parked in its namespace, else unshare()'s errno.
	int setup_error() const { return child_.setup_error(); }
	std::string pid() const { return std::to_string(child_.pid()); }
	std::string Map(const char *name) const { return ReadFile(ProcPath(child_.pid(), name)).value_or("(unreadable)"); }
	// Inside: setns() into it, the credentials kept.
	std::function<int()> Inside() const { return AsMemberOf(child_.pid()); }

private:
	UsernsChild child_;
};

// The rootless podman shape: the user's own id as 0, the granted range from 1.
const std::string kRootlessMap = MapLine(0, kTestUid, 1) + MapLine(1, kSubidBase, kSubidCount);

TEST_F(Newuidmap, WritesTheRootlessMapsTheUserIsGranted)
{
	UserNamespaceOfTester ns;
	ASSERT_THAT(ns.setup_error(), ErrnoIs(0));
	const std::vector<std::string> extents = {"0", "1000", "1", "1", "100000", "65536"};
	std::vector<std::string> uidmap = {kNewuidmap, ns.pid()}, gidmap = {kNewgidmap, ns.pid()};
	uidmap.insert(uidmap.end(), extents.begin(), extents.end());
	gidmap.insert(gidmap.end(), extents.begin(), extents.end());

	EXPECT_EQ(RunRecorded("newuidmap", uidmap, AsTestUser), (ProgramRun{0, ""}));
	EXPECT_EQ(RunRecorded("newgidmap", gidmap, AsTestUser), (ProgramRun{0, ""}));
	EXPECT_EQ(ns.Map("uid_map"), kRootlessMap);
	EXPECT_EQ(ns.Map("gid_map"), kRootlessMap);
	// Read inside, the lower ids are the parent's: the same text.
	EXPECT_EQ(RunRecorded("inside", {"/bin/cat", "/proc/self/uid_map", "/proc/self/gid_map"}, ns.Inside()),
		  (ProgramRun{0, kRootlessMap + kRootlessMap}));
}

TEST_F(Newuidmap, FilesShowInsideThroughBothExtents)
{
	ScratchDir dir("newuidmap-stat", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_TRUE(MakeFile(dir / "user", kTestUid, kTestGid, 0644));
	ASSERT_TRUE(MakeFile(dir / "sub", kSubidBase + 5, kSubidBase + 7, 0644));
	ASSERT_TRUE(MakeFile(dir / "root", 0, 0, 0644));
	UserNamespaceOfTester ns;
	ASSERT_THAT(ns.setup_error(), ErrnoIs(0));
	ASSERT_EQ(RunProgram({kNewuidmap, ns.pid(), "0", "1000", "1", "1", "100000", "65536"}, AsTestUser),
		  (ProgramRun{0, ""}));
	ASSERT_EQ(RunProgram({kNewgidmap, ns.pid(), "0", "1000", "1", "1", "100000", "65536"}, AsTestUser),
		  (ProgramRun{0, ""}));

	EXPECT_EQ(RunRecorded("stat", {"/bin/stat", "-c", "%n %u:%g", dir / "user", dir / "sub", dir / "root"},
			      ns.Inside()),
		  (ProgramRun{0, dir / "user" + " 0:0\n" + dir / "sub" + " 6:8\n" + dir / "root" +
					 " 65534:65534\n"}));
}

TEST_F(Newuidmap, RefusesARangeSubuidDoesNotGrant)
{
	UserNamespaceOfTester ns;
	ASSERT_THAT(ns.setup_error(), ErrnoIs(0));
	ErrnoOr<ProgramRun> run = RunRecorded("newuidmap", {kNewuidmap, ns.pid(), "0", "200000", "1"}, AsTestUser);
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_EQ(run.value().status, 1);
	EXPECT_NE(run.value().output.find("not allowed"), std::string::npos) << run.value().output;
	EXPECT_EQ(ns.Map("uid_map"), "");
	run = RunRecorded("newgidmap", {kNewgidmap, ns.pid(), "0", "200000", "1"}, AsTestUser);
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_EQ(run.value().status, 1);
	EXPECT_EQ(ns.Map("gid_map"), "");
}

// Both extents lie in the granted range, so newuidmap writes them; their
// ranges overlap, so the kernel refuses the write (EINVAL), and the map,
// still unwritten, takes a good one afterwards.
TEST_F(Newuidmap, ReportsTheKernelRefusingOverlappingExtents)
{
	UserNamespaceOfTester ns;
	ASSERT_THAT(ns.setup_error(), ErrnoIs(0));
	ErrnoOr<ProgramRun> run = RunRecorded(
		"overlap", {kNewuidmap, ns.pid(), "0", "100000", "10", "5", "100005", "10"}, AsTestUser);
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_EQ(run.value().status, 1);
	EXPECT_NE(run.value().output.find("Invalid argument"), std::string::npos) << run.value().output;
	EXPECT_EQ(ns.Map("uid_map"), "");

	EXPECT_EQ(RunRecorded("then", {kNewuidmap, ns.pid(), "0", "100000", "10"}, AsTestUser),
		  (ProgramRun{0, ""}));
	EXPECT_EQ(ns.Map("uid_map"), MapLine(0, kSubidBase, 10));
}

// Written once: a second newuidmap on a mapped namespace is refused (EPERM).
TEST_F(Newuidmap, ReportsASecondWriteRefused)
{
	UserNamespaceOfTester ns;
	ASSERT_THAT(ns.setup_error(), ErrnoIs(0));
	ASSERT_EQ(RunProgram({kNewuidmap, ns.pid(), "0", "100000", "10"}, AsTestUser), (ProgramRun{0, ""}));
	ErrnoOr<ProgramRun> run = RunRecorded("again", {kNewuidmap, ns.pid(), "0", "100010", "10"}, AsTestUser);
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_EQ(run.value().status, 1);
	EXPECT_NE(run.value().output.find("Operation not permitted"), std::string::npos) << run.value().output;
	EXPECT_EQ(ns.Map("uid_map"), MapLine(0, kSubidBase, 10));
}

}  // namespace
