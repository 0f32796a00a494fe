// SPDX-License-Identifier: GPL-2.0
// Lifetime: a user namespace is freed once nothing refers to it, however
// it was left. Each namespace is charged to its creator in every ancestor
// (max_user_namespaces) until it is freed, and freeing happens in a
// workqueue: so in a namespace whose limit is low, many cycles of create,
// join and leave succeed only if every namespace of each cycle is freed. A
// leaked reference keeps its charge, and the cycles end in ENOSPC. The
// sorted copies a map of more than five extents keeps are freed with the
// namespace: a leak of them shows as unreclaimable slab that grows.
#include <fcntl.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

// The limit set in the namespace the cycles run in, and how many cycles:
// a leak of one namespace a cycle reaches the limit well before the end.
constexpr const char *kLimit = "3";
constexpr int kCycles = 24;
// How long a cycle waits for the previous one's namespaces to be freed.
constexpr int kFreeWaitMs = 3000;

void SleepMs(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, nullptr);
}

// Writes map as the uid and the gid map of child's namespace: 0, or the
// errno of the first step that failed (the namespace's creation included).
int MapBoth(const UsernsChild &child, const std::string &map)
{
	if (child.setup_error())
		return child.setup_error();
	if (int err = ErrnoOf(child.WriteMap("uid_map", map)))
		return err;
	return ErrnoOf(child.WriteMap("gid_map", map));
}

// One cycle, from root of the namespace the cycles run in: a child
// namespace (a parked process) with uid and gid maps map written from
// here; inside it, its process creates a grandchild namespace (another
// parked process), joins it with setns() and so leaves the child
// namespace; then every process exits. 0, ENOSPC when a namespace could
// not be created, or another errno of a step that failed.
int Cycle(const std::string &map)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild grandchild([] { return 0; });
		if (grandchild.setup_error())
			return grandchild.setup_error() == ENOSPC ? 100 : 101;
		FileDescriptor ns(open(ProcPath(grandchild.pid(), "ns/user").c_str(),
				       O_RDONLY | O_CLOEXEC));
		CHILD_CHECK(ns.valid());
		CHILD_CHECK_EQ(setns(ns.get(), CLONE_NEWUSER), 0);
		CHILD_CHECK_EQ(grandchild.Finish(), 0);
		return 0;
	});
	if (int err = MapBoth(child, map))
		return err;
	switch (int rc = child.Finish()) {
	case 0:
		return 0;
	case 100:
		return ENOSPC;
	default:
		fprintf(stderr, "cycle: the child namespace's process exited with %d\n", rc);
		return EIO;
	}
}

// Runs kCycles cycles with maps map in a namespace whose
// max_user_namespaces is kLimit. A cycle refused with ENOSPC is retried
// for up to kFreeWaitMs: the previous cycle's namespaces may still be in
// the workqueue. The exit status of the forked run: 0 when every cycle
// ran.
int CyclesUnderALowLimit(const std::string &map)
{
	return RunInMappedNamespace(300000, 1000, [&map] {
		CHILD_CHECK_OK(WriteFileOnce("/proc/sys/user/max_user_namespaces", kLimit));
		for (int i = 0; i < kCycles; i++) {
			int err = Cycle(map);
			for (int waited = 0; err == ENOSPC && waited < kFreeWaitMs; waited += 10) {
				SleepMs(10);
				err = Cycle(map);
			}
			if (err) {
				fprintf(stderr, "cycle %d of %d: %s (a namespace of an earlier cycle "
					"was never freed?)\n", i + 1, kCycles, ErrnoName(err).c_str());
				return 1;
			}
		}
		return 0;
	});
}

// SUnreclaim of /proc/meminfo, in KiB: the slab memory the kernel cannot
// reclaim, kmalloc's included.
ErrnoOr<long> UnreclaimableSlabKib()
{
	ErrnoOr<std::string> meminfo = ReadFile("/proc/meminfo");
	if (!meminfo.ok())
		return ErrnoOr<long>::Errno(meminfo.error());
	size_t at = meminfo.value().find("SUnreclaim:");
	if (at == std::string::npos)
		return ErrnoOr<long>::Errno(ENOENT);
	return strtol(meminfo.value().c_str() + at + strlen("SUnreclaim:"), nullptr, 10);
}

// A namespace whose uid and gid maps hold 340 extents, the most a map can:
// each keeps two sorted copies of 4080 bytes (kmalloc-4k) while it lives.
int LargeMapCycle()
{
	static const std::string map = ManyExtents(340, 0, 2);
	UsernsChild child([] { return 0; });
	if (int err = MapBoth(child, map))
		return err;
	return child.Finish() == 0 ? 0 : EIO;
}

}  // namespace

USERNS_AREA(Lifetime);

// 150 namespaces with 340-extent maps, made and dropped one after the
// other, after as many to bring the slab caches to their steady size.
// Every copy freed, the unreclaimable slab is back where it was, give or
// take a few pages; one copy of 4 KiB leaked a namespace would add 600
// KiB. Frees wait in the workqueue: allow them a few seconds.
TEST_F(Lifetime, TheSortedCopiesOfALargeMapAreFreedWithIt)
{
	constexpr int kLargeCycles = 150;
	constexpr long kAllowedGrowthKib = kLargeCycles * 4 / 2;
	for (int i = 0; i < kLargeCycles; i++)
		ASSERT_THAT(ErrnoStatus(LargeMapCycle()), ErrnoIs(0)) << "warm-up cycle " << i;
	SleepMs(200);
	ErrnoOr<long> before = UnreclaimableSlabKib();
	ASSERT_THAT(before, ErrnoIs(0));
	for (int i = 0; i < kLargeCycles; i++)
		ASSERT_THAT(ErrnoStatus(LargeMapCycle()), ErrnoIs(0)) << "cycle " << i;
	long growth = 0;
	for (int waited = 0; waited <= kFreeWaitMs; waited += 100) {
		ErrnoOr<long> after = UnreclaimableSlabKib();
		ASSERT_THAT(after, ErrnoIs(0));
		growth = after.value() - before.value();
		if (growth <= kAllowedGrowthKib)
			break;
		SleepMs(100);
	}
	EXPECT_LE(growth, kAllowedGrowthKib)
		<< "unreclaimable slab grew by " << growth << " KiB over " << kLargeCycles
		<< " namespaces with 340-extent maps: their sorted copies were not all freed";
}

// A namespace left with setns() is freed with its last process: cycles of
// create, join and leave never run out of max_user_namespaces.
TEST_F(Lifetime, NamespaceLeftWithSetnsIsFreed)
{
	EXPECT_EQ(CyclesUnderALowLimit("0 0 1000\n"), 0);
}

// The same with maps of more than five extents, which keep sorted copies
// of their extents beside the namespace.
TEST_F(Lifetime, NamespaceWithALargeMapIsFreed)
{
	EXPECT_EQ(CyclesUnderALowLimit(ManyExtents(6, 0, 10)), 0);
}

// The limit is what the cycles depend on: with it at 1 a cycle, which
// needs two namespaces at once, is refused with ENOSPC.
TEST_F(Lifetime, ACycleNeedsTwoNamespacesOfTheLimit)
{
	EXPECT_EQ(RunInMappedNamespace(300000, 1000, [] {
		CHILD_CHECK_OK(WriteFileOnce("/proc/sys/user/max_user_namespaces", "1"));
		CHILD_CHECK_EQ(Cycle("0 0 1000\n"), ENOSPC);
		return 0;
	}), 0);
}
