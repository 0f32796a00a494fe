// SPDX-License-Identifier: GPL-2.0
// Reading /proc/PID/{uid,gid,projid}_map: "%10u %10u %10u" lines, the lower
// id relative to the reader (or to the parent, for a reader inside).
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "caps.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

std::string Line(unsigned first, unsigned lower, unsigned count)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%10u %10u %10u\n", first, lower, count);
	return buf;
}

USERNS_AREA(MapDisplay);

// The initial namespace maps every id to itself.
TEST_F(MapDisplay, InitialNamespaceReadsIdentityOfAllIds)
{
	for (const char *map : {"uid_map", "gid_map", "projid_map"}) {
		SCOPED_TRACE(map);
		EXPECT_EQ(ReadFile(ProcPath(0, map)), Line(0, 0, 4294967295u));
	}
}

// A namespace whose maps were never written reads them empty, from the
// parent and from inside (opened read-write, as a process about to write
// its own map does).
TEST_F(MapDisplay, UnwrittenMapReadsEmpty)
{
	UsernsChild child([] {
		for (const char *map : {"/proc/self/uid_map", "/proc/self/gid_map"}) {
			FileDescriptor fd(open(map, O_RDWR | O_CLOEXEC));
			CHILD_CHECK(fd.valid());
			CHILD_CHECK_EQ(ReadFd(fd.get()).value_or("error"), "");
		}
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "uid_map")), "");
	EXPECT_EQ(ReadFile(ProcPath(child.pid(), "gid_map")), "");
	EXPECT_EQ(child.Finish(), 0);
}

// Lines are fixed-width, in the order written for up to five extents.
TEST_F(MapDisplay, SmallMapReadsInWrittenOrder)
{
	EXPECT_EQ(WriteMapOfFreshNamespace("uid_map", "100 1100 10\n0 1000 10\n"),
		  Line(100, 1100, 10) + Line(0, 1000, 10));
}

// Exactly five extents are still shown in the order written.
TEST_F(MapDisplay, FiveExtentsReadInWrittenOrder)
{
	std::string text, want;
	for (int i = 4; i >= 0; i--) {
		text += std::to_string(i * 10) + " " + std::to_string(5000 + i) + " 1\n";
		want += Line(i * 10, 5000 + i, 1);
	}
	EXPECT_EQ(WriteMapOfFreshNamespace("uid_map", text), want);
}

// With more than five extents the lines come back sorted by inside id.
TEST_F(MapDisplay, LargeMapReadsSortedByInsideId)
{
	std::string text, want;
	for (int i = 5; i >= 0; i--)
		text += std::to_string(i * 10) + " " + std::to_string(5000 + i) + " 1\n";
	for (int i = 0; i <= 5; i++)
		want += Line(i * 10, 5000 + i, 1);
	EXPECT_EQ(WriteMapOfFreshNamespace("uid_map", text), want);
}

// Each map file shows its own map.
TEST_F(MapDisplay, EachFileShowsItsOwnMap)
{
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

// Inside the namespace, its own maps read with lower ids as the parent
// sees them (not translated into the namespace itself): the uid map and
// the gid map, each its own.
TEST_F(MapDisplay, ReaderInsideSeesParentIds)
{
	EXPECT_EQ(RunInNamespaceWithMaps("0 100000 10\n", "0 200000 10\n", [] {
		CHILD_CHECK_EQ(ReadFile("/proc/self/uid_map").value_or(""), Line(0, 100000, 10));
		CHILD_CHECK_EQ(ReadFile("/proc/self/gid_map").value_or(""), Line(0, 200000, 10));
		return 0;
	}), 0);
}

// Each map of an inner namespace nested in outer, where outer maps uids
// to 100000.., gids to 200000.. and projids to 300000..: inner maps
// "0 5 3" in all three.
class NestedMaps {
public:
	static constexpr const char *kOuter[3] = {"0 100000 10\n", "0 200000 10\n",
						  "0 300000 10\n"};
	static constexpr const char *kMaps[3] = {"uid_map", "gid_map", "projid_map"};

	// fn runs in outer, as its root, with inner's pid; its result is
	// outer's exit status.
	explicit NestedMaps(std::function<int(pid_t)> fn = nullptr)
		: outer_([this, fn] {
			  CHILD_CHECK_OK(BecomeRootInNamespace());
			  UsernsChild inner([] { return 0; });
			  CHILD_CHECK_EQ(inner.setup_error(), 0);
			  for (const char *map : kMaps)
				  CHILD_CHECK_OK(inner.WriteMap(map, "0 5 3\n"));
			  inner_pid_.Send(inner.pid());
			  int rc = fn ? fn(inner.pid()) : 0;
			  CHILD_CHECK_EQ(done_.Receive(), 1);
			  return rc ? rc : inner.Finish();
		  })
	{
		if (outer_.setup_error())
			return;
		for (int i = 0; i < 3; i++)
			if (!outer_.WriteMap(kMaps[i], kOuter[i]).ok())
				return;
		outer_.Go();
		inner_ = inner_pid_.Receive();
	}
	// Inner's pid, or -1 when the namespaces could not be set up.
	pid_t inner() const { return inner_; }
	// Lets outer finish: its exit status.
	int Finish()
	{
		done_.Send(1);
		return outer_.Finish();
	}

private:
	Channel inner_pid_, done_;
	UsernsChild outer_;
	pid_t inner_ = -1;
};

// A nested namespace's maps read from the outer namespace show lower ids
// as the outer namespace sees them; read from the initial namespace, as
// kernel ids. Each map goes through its own parent map.
TEST_F(MapDisplay, LowerIdsRelativeToReader)
{
	NestedMaps n([](pid_t inner) {
		for (const char *map : NestedMaps::kMaps)
			CHILD_CHECK_EQ(ReadFile(ProcPath(inner, map)), Line(0, 5, 3));
		return 0;
	});
	ASSERT_GT(n.inner(), 0);
	EXPECT_EQ(ReadFile(ProcPath(n.inner(), "uid_map")), Line(0, 100005, 3));
	EXPECT_EQ(ReadFile(ProcPath(n.inner(), "gid_map")), Line(0, 200005, 3));
	EXPECT_EQ(ReadFile(ProcPath(n.inner(), "projid_map")), Line(0, 300005, 3));
	EXPECT_EQ(n.Finish(), 0);
}

// The view belongs to whoever opened the file, not to whoever reads it:
// fds opened in outer and read in the initial namespace show outer's ids,
// and fds opened in the initial namespace and read in outer show kernel
// ids. The fds cross over SCM_RIGHTS.
TEST_F(MapDisplay, ViewFollowsTheOpenerNotTheReader)
{
	auto [mine, theirs] = SocketPair();
	int sock = theirs.get();
	NestedMaps n([sock](pid_t inner) {
		for (const char *map : NestedMaps::kMaps) {
			FileDescriptor fd(open(ProcPath(inner, map).c_str(), O_RDONLY));
			CHILD_CHECK(fd.valid());
			CHILD_CHECK_OK(SendFd(sock, fd.get()));
		}
		for (unsigned base : {100000u, 200000u, 300000u}) {
			FileDescriptor fd = ReceiveFd(sock);
			CHILD_CHECK(fd.valid());
			std::string got = ReadFd(fd.get()).value_or("");
			if (got != Line(0, base + 5, 3))
				fprintf(stderr, "read in outer: \"%s\"\n", got.c_str());
			CHILD_CHECK_EQ(got, Line(0, base + 5, 3));
		}
		return 0;
	});
	ASSERT_GT(n.inner(), 0);
	for (const char *map : NestedMaps::kMaps) {
		SCOPED_TRACE(map);
		FileDescriptor from_outer(ReceiveFd(mine.get()));
		ASSERT_THAT(from_outer.get(), SyscallSucceeds());
		EXPECT_EQ(ReadFd(from_outer.get()), Line(0, 5, 3));
	}
	for (const char *map : NestedMaps::kMaps) {
		FileDescriptor fd(open(ProcPath(n.inner(), map).c_str(), O_RDONLY));
		ASSERT_THAT(fd.get(), SyscallSucceeds());
		ASSERT_THAT(SendFd(mine.get(), fd.get()), ErrnoIs(0));
	}
	EXPECT_EQ(n.Finish(), 0);
}

// A sibling namespace reading a map sees lower ids it has no mapping for
// as 4294967295.
TEST_F(MapDisplay, SiblingSeesUnmappedLowerIdsAsMinusOne)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	ASSERT_THAT(target.WriteMap("uid_map", "0 100000 10\n"), ErrnoIs(0));
	pid_t tpid = target.pid();
	UsernsChild sibling([tpid] {
		std::string m = ReadFile(ProcPath(tpid, "uid_map")).value_or("");
		CHILD_CHECK_EQ(m, Line(0, 4294967295u, 10));
		return 0;
	});
	ASSERT_EQ(sibling.setup_error(), 0);
	ASSERT_THAT(sibling.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0));
	EXPECT_EQ(sibling.Finish(), 0);
	EXPECT_EQ(target.Finish(), 0);
}

// A sibling namespace that maps the lower ids reads them through its own
// maps: the target maps its 0 to kernel 100000, the sibling its 200 to
// kernel 100000, so the sibling reads the target's "0 100000 1" as
// "0 200 1" (uid and gid maps alike).
TEST_F(MapDisplay, MappedSiblingSeesLowerIdsThroughItsOwnMaps)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	ASSERT_THAT(target.WriteMap("uid_map", "0 100000 1\n"), ErrnoIs(0));
	ASSERT_THAT(target.WriteMap("gid_map", "0 100000 1\n"), ErrnoIs(0));
	pid_t tpid = target.pid();
	EXPECT_EQ(RunInNamespaceWithMaps("200 100000 1\n", "200 100000 1\n", [tpid] {
		CHILD_CHECK_EQ(ReadFile(ProcPath(tpid, "uid_map")).value_or(""), Line(0, 200, 1));
		CHILD_CHECK_EQ(ReadFile(ProcPath(tpid, "gid_map")).value_or(""), Line(0, 200, 1));
		return 0;
	}), 0);
	EXPECT_EQ(target.Finish(), 0);
}

}  // namespace
