// SPDX-License-Identifier: GPL-2.0
// Writing /proc/PID/{uid,gid,projid}_map: the parse rules, limits and the
// write-once rule, each with its errno. The writer is root in the initial
// namespace, so privilege never decides these.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

struct WriteCase {
	const char *name;
	std::string text;
	int want;  // 0 or errno
};

std::ostream &operator<<(std::ostream &os, const WriteCase &c)
{
	return os << c.name;
}

class MapWriteParse : public UsernsTest, public ::testing::WithParamInterface<WriteCase> {};

// Each text is written to a fresh namespace's uid_map, gid_map and
// projid_map: the three files share one parser.
TEST_P(MapWriteParse, ReturnsExpectedErrno)
{
	const WriteCase &c = GetParam();
	for (const char *map : {"uid_map", "gid_map", "projid_map"}) {
		SCOPED_TRACE(map);
		EXPECT_THAT(WriteMapOfFreshNamespace(map, c.text), ErrnoIs(c.want));
	}
}

INSTANTIATE_TEST_SUITE_P(
	Rules, MapWriteParse,
	::testing::Values(
		WriteCase{"OneLine", "0 0 1\n", 0},
		WriteCase{"NoTrailingNewline", "0 0 1", 0},
		WriteCase{"LeadingBlanks", "   0 0 1\n", 0},
		WriteCase{"TabsBetweenFields", "0\t0\t1\n", 0},
		WriteCase{"TrailingBlanks", "0 0 1   \n", 0},
		WriteCase{"CarriageReturnIsBlank", "0 0 1\r\n", 0},
		WriteCase{"LeadingZeros", "000 0000 01\n", 0},
		WriteCase{"WholeRange", "0 0 4294967295\n", 0},
		WriteCase{"TwoDisjointLines", "0 0 10\n10 10 10\n", 0},
		WriteCase{"LinesInAnyOrder", "100 100 10\n0 0 10\n", 0},
		WriteCase{"AdjacentExtents", "0 0 5\n5 5 5\n", 0},
		WriteCase{"BytesAfterNulIgnored", std::string("0 0 1\0junk", 10), 0},
		WriteCase{"LastIdBelowMax", "4294967294 4294967294 1\n", 0},
		WriteCase{"EmptyWrite", "", EINVAL},
		WriteCase{"OnlyNewline", "\n", EINVAL},
		WriteCase{"BlankLineBetween", "0 0 1\n\n1 1 1\n", EINVAL},
		WriteCase{"TwoTrailingNewlines", "0 0 1\n\n", EINVAL},
		WriteCase{"MissingCount", "0 0\n", EINVAL},
		WriteCase{"MissingCountTrailingBlank", "0 0 \n", EINVAL},
		WriteCase{"OneField", "0\n", EINVAL},
		WriteCase{"TrailingJunk", "0 0 1 x\n", EINVAL},
		WriteCase{"FourFields", "0 0 1 1\n", EINVAL},
		WriteCase{"JunkGluedToNumber", "0 0 1x\n", EINVAL},
		WriteCase{"CommaSeparated", "0,0,1\n", EINVAL},
		WriteCase{"PlusSign", "+0 0 1\n", EINVAL},
		WriteCase{"MinusSign", "-1 0 1\n", EINVAL},
		WriteCase{"HexPrefix", "0x10 0 1\n", EINVAL},
		WriteCase{"CountZero", "0 0 0\n", EINVAL},
		WriteCase{"FirstIsMax", "4294967295 0 1\n", EINVAL},
		WriteCase{"LowerIsMax", "0 4294967295 1\n", EINVAL},
		WriteCase{"InsideRangeWraps", "4294967294 0 2\n", EINVAL},
		WriteCase{"OutsideRangeWraps", "0 4294967294 2\n", EINVAL},
		WriteCase{"InsideOverlap", "0 0 10\n5 100 10\n", EINVAL},
		WriteCase{"OutsideOverlap", "0 0 10\n100 5 10\n", EINVAL},
		WriteCase{"InsideOverlapReversedOrder", "5 100 10\n0 0 10\n", EINVAL},
		WriteCase{"OutsideOverlapReversedOrder", "100 5 10\n0 0 10\n", EINVAL},
		WriteCase{"SameLineTwice", "0 0 1\n0 0 1\n", EINVAL},
		WriteCase{"ContainedRange", "0 0 100\n10 1000 5\n", EINVAL},
		WriteCase{"OverlapWithEarlierNotLast", "0 0 1\n10 10 1\n0 20 1\n", EINVAL}),
	[](const ::testing::TestParamInfo<WriteCase> &info) { return info.param.name; });

USERNS_AREA(MapWrite);

// 340 extents is the ABI's limit, and exactly 340 are accepted.
TEST_F(MapWrite, Accepts340Extents)
{
	std::string text = ManyExtents(340, 0, 2);
	ASSERT_LT(text.size(), 4096u);
	EXPECT_THAT(WriteMapOfFreshNamespace("uid_map", text), ErrnoIs(0));
}

// One line more than 340 is refused.
TEST_F(MapWrite, Rejects341Extents)
{
	std::string text = ManyExtents(341, 0, 2);
	ASSERT_LT(text.size(), 4096u);
	EXPECT_THAT(WriteMapOfFreshNamespace("uid_map", text), ErrnoIs(EINVAL));
}

// A write of 4095 bytes (PAGE_SIZE - 1) is parsed; leading blanks pad it.
TEST_F(MapWrite, Accepts4095ByteWrite)
{
	std::string line = "0 0 1\n";
	std::string text = std::string(4095 - line.size(), ' ') + line;
	ASSERT_EQ(text.size(), 4095u);
	EXPECT_THAT(WriteMapOfFreshNamespace("uid_map", text), ErrnoIs(0));
}

// A write of PAGE_SIZE bytes fails before it is parsed.
TEST_F(MapWrite, Rejects4096ByteWrite)
{
	std::string line = "0 0 1\n";
	std::string text = std::string(4096 - line.size(), ' ') + line;
	EXPECT_THAT(WriteMapOfFreshNamespace("uid_map", text), ErrnoIs(EINVAL));
}

// The map is write-once: a second write, on a fresh fd, is EPERM.
TEST_F(MapWrite, SecondWriteIsEperm)
{
	for (const char *map : {"uid_map", "gid_map", "projid_map"}) {
		SCOPED_TRACE(map);
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		EXPECT_THAT(child.WriteMap(map, "0 0 1\n"), ErrnoIs(0));
		EXPECT_THAT(child.WriteMap(map, "1 1 1\n"), ErrnoIs(EPERM));
		EXPECT_EQ(child.Finish(), 0);
	}
}

// A failed write leaves the map unwritten: a correct write still succeeds.
TEST_F(MapWrite, FailedWriteLeavesMapWritable)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_THAT(child.WriteMap("uid_map", "0 0 0\n"), ErrnoIs(EINVAL));
	EXPECT_THAT(child.WriteMap("uid_map", ManyExtents(341)), ErrnoIs(EINVAL));
	EXPECT_THAT(child.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// The second write() on the same fd fails EINVAL: its offset moved.
TEST_F(MapWrite, SecondWriteOnSameFdIsEinval)
{
	NamespaceFile uid_map("uid_map", O_WRONLY);
	ASSERT_THAT(uid_map.status(), ErrnoIs(0));
	EXPECT_THAT(write(uid_map.fd(), "0 0 1\n", 6), SyscallSucceeds());
	EXPECT_THAT(write(uid_map.fd(), "1 1 1\n", 6), SyscallFailsWithErrno(EINVAL));
	EXPECT_EQ(uid_map.Finish(), 0);
}

// A write at a non-zero offset is refused even on an unwritten map.
TEST_F(MapWrite, WriteAtNonZeroOffsetIsEinval)
{
	NamespaceFile uid_map("uid_map", O_WRONLY);
	ASSERT_THAT(uid_map.status(), ErrnoIs(0));
	ASSERT_THAT(lseek(uid_map.fd(), 1, SEEK_SET), SyscallSucceeds());
	EXPECT_THAT(write(uid_map.fd(), "0 0 1\n", 6), SyscallFailsWithErrno(EINVAL));
	ASSERT_THAT(lseek(uid_map.fd(), 0, SEEK_SET), SyscallSucceeds());
	EXPECT_THAT(write(uid_map.fd(), "0 0 1\n", 6), SyscallSucceeds());
	EXPECT_EQ(uid_map.Finish(), 0);
}

// A bad user pointer is EFAULT.
TEST_F(MapWrite, BadBufferIsEfault)
{
	NamespaceFile uid_map("uid_map", O_WRONLY);
	ASSERT_THAT(uid_map.status(), ErrnoIs(0));
	const void *volatile bad = reinterpret_cast<void *>(8);
	EXPECT_THAT(write(uid_map.fd(), bad, 6), SyscallFailsWithErrno(EFAULT));
	EXPECT_EQ(uid_map.Finish(), 0);
}

// The initial namespace's maps can never be written.
TEST_F(MapWrite, InitialNamespaceIsEperm)
{
	for (const char *map : {"uid_map", "gid_map", "projid_map"}) {
		SCOPED_TRACE(map);
		EXPECT_THAT(WriteFileOnce(ProcPath(0, map), "0 0 1\n"), ErrnoIs(EPERM));
	}
}

// Numbers are taken modulo 2^32, as the parser always has: 4294967296
// reads as 0.
TEST_F(MapWrite, NumbersWrapModulo2To32)
{
	EXPECT_EQ(WriteMapOfFreshNamespace("uid_map", "4294967296 0 1\n"),
		  "         0          0          1\n");
}

// Root of an outer namespace whose uid map is outer_map tries each map
// of want on a fresh inner namespace: 0 when every write got its errno.
// Runs the checks in a child; the test body asserts its status.
int InnerWritesUnder(const std::string &outer_map,
		     const std::vector<std::pair<const char *, int>> &want)
{
	UsernsChild outer([&] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		for (const auto &[text, err] : want) {
			UsernsChild inner([] { return 0; });
			CHILD_CHECK_EQ(inner.setup_error(), 0);
			int got = ErrnoOf(inner.WriteMap("uid_map", text));
			if (got != err)
				fprintf(stderr, "inner map \"%s\": %s, wanted %s\n", text,
					ErrnoName(got).c_str(), ErrnoName(err).c_str());
			CHILD_CHECK_EQ(got, err);
			CHILD_CHECK_EQ(inner.Finish(), 0);
		}
		return 0;
	});
	if (outer.setup_error() || !outer.WriteMap("uid_map", outer_map).ok() ||
	    !outer.WriteMap("gid_map", "0 100000 10\n").ok())
		return -1;
	return outer.Finish();
}

// An outside range must lie inside one extent of the parent's map.
TEST_F(MapWrite, OutsideRangeMustFitOneParentExtent)
{
	// Outer maps 0..9 -> 100000.. and 10..19 -> 200000...
	EXPECT_EQ(InnerWritesUnder("0 100000 10\n10 200000 10\n",
				   {{"0 0 10\n", 0},
				    {"0 10 10\n", 0},
				    {"0 5 10\n", EPERM},    // spans both
				    {"0 15 10\n", EPERM},   // runs past the map
				    {"0 20 1\n", EPERM}}),  // unmapped outside
		  0);
}

// The same rule when the parent has more than five extents (its map is
// searched in sorted order): six adjacent extents of ten ids each.
TEST_F(MapWrite, OutsideRangeMustFitOneExtentOfALargeParent)
{
	std::string outer;
	for (int i = 0; i < 6; i++)
		outer += std::to_string(i * 10) + " " + std::to_string(100000 * (i + 1)) + " 10\n";
	EXPECT_EQ(InnerWritesUnder(outer, {{"0 0 10\n", 0},
					   {"0 50 10\n", 0},
					   {"0 25 5\n", 0},
					   {"0 5 10\n", EPERM},
					   {"0 45 10\n", EPERM},
					   {"0 55 10\n", EPERM},
					   {"0 60 1\n", EPERM}}),
		  0);
}

// Lower ids are stored as kernel ids whatever the parent's map looks like:
// under a six-extent parent, "0 25 1" reads back from the initial
// namespace as 300005 (outer's 25 is kernel 300005).
TEST_F(MapWrite, InnerMapUnderLargeParentReadsKernelIds)
{
	std::string outer_map;
	for (int i = 5; i >= 0; i--)
		outer_map += std::to_string(i * 10) + " " + std::to_string(100000 * (i + 1)) + " 10\n";
	Channel inner_pid, done;
	UsernsChild outer([&] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild inner([] { return 0; });
		CHILD_CHECK_EQ(inner.setup_error(), 0);
		CHILD_CHECK_OK(inner.WriteMap("uid_map", "0 25 1\n7 51 2\n"));
		inner_pid.Send(inner.pid());
		CHILD_CHECK_EQ(done.Receive(), 1);
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	ASSERT_THAT(outer.WriteMap("uid_map", outer_map), ErrnoIs(0));
	ASSERT_THAT(outer.WriteMap("gid_map", "0 100000 10\n"), ErrnoIs(0));
	outer.Go();
	pid_t ipid = inner_pid.Receive();
	ASSERT_GT(ipid, 0);
	EXPECT_EQ(ReadFile(ProcPath(ipid, "uid_map")),
		  "         0     300005          1\n         7     600001          2\n");
	done.Send(1);
	EXPECT_EQ(outer.Finish(), 0);
}

}  // namespace
