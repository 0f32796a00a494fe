// SPDX-License-Identifier: GPL-2.0
// Reading /proc/PID/{uid,gid,projid}_map: "%10u %10u %10u" lines, the lower
// id relative to the reader (or to the parent, for a reader inside).
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "errno_matchers.h"
#include "userns.h"

namespace {

std::string Line(unsigned first, unsigned lower, unsigned count)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%10u %10u %10u\n", first, lower, count);
	return buf;
}

// The initial namespace maps every id to itself.
TEST(MapDisplay, InitialNamespaceReadsIdentityOfAllIds)
{
	SKIP_UNLESS_USERNS();
	for (const char *map : {"uid_map", "gid_map", "projid_map"}) {
		SCOPED_TRACE(map);
		EXPECT_EQ(ReadFile(ProcPath(0, map)), Line(0, 0, 4294967295u));
	}
}

// A namespace whose map was never written reads empty.
TEST(MapDisplay, UnwrittenMapReadsEmpty)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	int err = -1;
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "uid_map"), &err), "");
	EXPECT_EQ(err, 0);
	EXPECT_EQ(child.Finish(), 0);
}

// Lines are fixed-width, in the order written for up to five extents.
TEST(MapDisplay, SmallMapReadsInWrittenOrder)
{
	SKIP_UNLESS_USERNS();
	std::string back;
	ASSERT_THAT(WriteMapOfFreshNamespace("uid_map", "100 1100 10\n0 1000 10\n", &back),
		    ErrnoIs(0));
	EXPECT_EQ(back, Line(100, 1100, 10) + Line(0, 1000, 10));
}

// With more than five extents the lines come back sorted by inside id.
TEST(MapDisplay, LargeMapReadsSortedByInsideId)
{
	SKIP_UNLESS_USERNS();
	std::string text, want;
	for (int i = 5; i >= 0; i--)
		text += std::to_string(i * 10) + " " + std::to_string(5000 + i) + " 1\n";
	for (int i = 0; i <= 5; i++)
		want += Line(i * 10, 5000 + i, 1);
	std::string back;
	ASSERT_THAT(WriteMapOfFreshNamespace("uid_map", text, &back), ErrnoIs(0));
	EXPECT_EQ(back, want);
}

// Each map file shows its own map.
TEST(MapDisplay, EachFileShowsItsOwnMap)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 1000 1\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "0 2000 2\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("projid_map", "0 3000 3\n"), ErrnoIs(0));
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "uid_map")), Line(0, 1000, 1));
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "gid_map")), Line(0, 2000, 2));
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "projid_map")), Line(0, 3000, 3));
	EXPECT_EQ(child.Finish(), 0);
}

// Inside the namespace, its own map reads with lower ids as the parent
// sees them (not translated into the namespace itself).
TEST(MapDisplay, ReaderInsideSeesParentIds)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] {
		std::string m = ReadFile("/proc/self/uid_map");
		CHILD_CHECK(m == Line(0, 100000, 10));
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 100000 10\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// A nested namespace's map read from the outer namespace shows lower ids
// as the outer namespace sees them; read from the initial namespace, as
// kernel ids. An id the reader cannot see reads 4294967295.
TEST(MapDisplay, LowerIdsRelativeToReader)
{
	SKIP_UNLESS_USERNS();
	Channel inner_pid;
	Channel done;
	UsernsChild outer([&] {
		CHILD_CHECK(BecomeRootInNamespace() == 0);
		UsernsChild inner([] { return 0; });
		if (inner.setup_error())
			return 2;
		CHILD_CHECK(inner.WriteMap("uid_map", "0 5 3\n") == 0);
		// Seen from outer: lower ids as outer knows them.
		CHILD_CHECK(ReadFile(ProcPath(inner.pid(), "uid_map")) == Line(0, 5, 3));
		inner_pid.Send(inner.pid());
		done.Receive();
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	ASSERT_THAT(outer.WriteMap("uid_map", "0 100000 10\n"), ErrnoIs(0));
	ASSERT_THAT(outer.WriteMap("gid_map", "0 100000 10\n"), ErrnoIs(0));
	outer.Go();  // it parks after sending the inner pid
	pid_t ipid = inner_pid.Receive();
	ASSERT_GT(ipid, 0);
	EXPECT_EQ(ReadFile(ProcPath(ipid, "uid_map")), Line(0, 100005, 3));
	done.Send(1);
	EXPECT_EQ(outer.Finish(), 0);
}

// A sibling namespace reading a map sees lower ids it has no mapping for
// as 4294967295.
TEST(MapDisplay, SiblingSeesUnmappedLowerIdsAsMinusOne)
{
	SKIP_UNLESS_USERNS();
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	ASSERT_THAT(target.WriteMap("uid_map", "0 100000 10\n"), ErrnoIs(0));
	pid_t tpid = target.pid();
	UsernsChild sibling([tpid] {
		std::string m = ReadFile(ProcPath(tpid, "uid_map"));
		CHILD_CHECK(m == Line(0, 4294967295u, 10));
		return 0;
	});
	ASSERT_EQ(sibling.setup_error(), 0);
	ASSERT_THAT(sibling.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	EXPECT_EQ(sibling.Finish(), 0);
	EXPECT_EQ(target.Finish(), 0);
}

}  // namespace
