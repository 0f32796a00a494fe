// SPDX-License-Identifier: GPL-2.0
// Tests of the suite's own watchdog, disabled in normal runs. The host
// test ci/tests/hung-test-case runs them on the host with a short limit:
//   userns-tests --gtest_also_run_disabled_tests
//       --gtest_filter='WatchdogSelfTest.*' --test-timeout=2
// The first hangs in a child and must fail by name, the second must still
// run and pass, the third blocks the test itself and must end the run with
// the first two results written.
#include <unistd.h>

#include <gtest/gtest.h>

#include "child.h"

namespace {

TEST(WatchdogSelfTest, DISABLED_A_ChildThatNeverExitsFailsByName)
{
	ScopedChild child([] {
		for (;;)
			pause();
		return 0;
	});
	child.Wait();
}

TEST(WatchdogSelfTest, DISABLED_B_NextTestStillRuns)
{
	SUCCEED();
}

TEST(WatchdogSelfTest, DISABLED_C_BlockedTestEndsTheRunWithResults)
{
	for (;;)
		pause();
}

}  // namespace
