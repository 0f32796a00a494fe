// SPDX-License-Identifier: GPL-2.0
// Unshare: util-linux unshare's map options (bookworm's 2.38 spelling),
// run by the unprivileged test user. --map-root-user, --map-user and
// --map-group write one-extent maps themselves (and deny setgroups first);
// --map-users, --map-groups and --map-auto have newuidmap and newgidmap
// write the ranges /etc/subuid and /etc/subgid grant. What the command
// inside sees is the kernel's answer.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "clients.h"
#include "errno_matchers.h"

namespace {

constexpr const char *kUnshare = "/usr/bin/unshare";

USERNS_AREA(Unshare);

ErrnoOr<ProgramRun> UnshareAsTester(const std::string &key, const std::vector<std::string> &options,
				    const std::string &script)
{
	std::vector<std::string> argv{kUnshare};
	argv.insert(argv.end(), options.begin(), options.end());
	argv.insert(argv.end(), {"/bin/sh", "-c", script});
	return RunRecorded(key, argv, AsTestUser);
}

TEST_F(Unshare, MapRootUserMakesTheCallerRootAndDeniesSetgroups)
{
	EXPECT_EQ(UnshareAsTester("map-root-user", {"--map-root-user"},
				  "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g"),
		  (ProgramRun{0, MapLine(0, kTestUid, 1) + MapLine(0, kTestGid, 1) + "deny\n0\n0\n"}));
}

TEST_F(Unshare, MapUserAndMapGroupShowTheCallersFilesAsThoseIds)
{
	ScratchDir dir("unshare-stat", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_TRUE(MakeFile(dir / "user", kTestUid, kTestGid, 0644));
	ASSERT_TRUE(MakeFile(dir / "root", 0, 0, 0644));
	EXPECT_EQ(UnshareAsTester("map-user", {"--map-user=5", "--map-group=7"},
				  "id -u; id -g; stat -c %u:%g " + dir / "user" + " " + dir / "root"),
		  (ProgramRun{0, "5\n7\n5:7\n65534:65534\n"}));
}

TEST_F(Unshare, MapUsersAndGroupsMapTheGrantedRangeThroughNewuidmap)
{
	ScratchDir dir("unshare-range", 0, 0, 0755);
	ASSERT_THAT(dir.status(), ErrnoIs(0));
	ASSERT_TRUE(MakeFile(dir / "sub", kSubidBase + 5, kSubidBase + 7, 0644));
	ASSERT_TRUE(MakeFile(dir / "user", kTestUid, kTestGid, 0644));
	// outer,inner,count: the range 100000.. as 0.. inside.
	EXPECT_EQ(UnshareAsTester("map-users", {"--map-users=100000,0,65536", "--map-groups=100000,0,65536"},
				  "cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g " + dir / "sub" +
					  " " + dir / "user"),
		  (ProgramRun{0, MapLine(0, kSubidBase, kSubidCount) + MapLine(0, kSubidBase, kSubidCount) +
					 "5:7\n65534:65534\n"}));
}

TEST_F(Unshare, MapAutoMapsTheFirstGrantedRangeFromZero)
{
	EXPECT_EQ(UnshareAsTester("map-auto", {"--map-auto"}, "cat /proc/self/uid_map /proc/self/gid_map"),
		  (ProgramRun{0, MapLine(0, kSubidBase, kSubidCount) + MapLine(0, kSubidBase, kSubidCount)}));
}

TEST_F(Unshare, FailsForARangeNotGranted)
{
	ErrnoOr<ProgramRun> run = UnshareAsTester("not-granted", {"--map-users=200000,0,10"}, "echo the command ran");
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_NE(run.value().status, 0);
	EXPECT_EQ(run.value().output.find("the command ran"), std::string::npos) << run.value().output;
}

}  // namespace
