// SPDX-License-Identifier: GPL-2.0
// The suite's main(): gtest's, plus the per-test watchdog.
//   userns-tests [gtest flags] [--test-timeout=SECONDS] [--test-grace=SECONDS]
// A test still running after --test-timeout (default 60, 0: off) fails;
// one still blocked --test-grace later (default 10) ends the run.
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "number_arg.h"
#include "watchdog.h"

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	int timeout = 60, grace = 10;
	for (int i = 1; i < argc; i++) {
		unsigned long long v;
		if (!strncmp(argv[i], "--test-timeout=", 15) && ParseNumber(argv[i] + 15, 86400, &v)) {
			timeout = v;
		} else if (!strncmp(argv[i], "--test-grace=", 13) && ParseNumber(argv[i] + 13, 86400, &v)) {
			grace = v;
		} else {
			fprintf(stderr, "userns-tests: unknown argument, or seconds that are not a number: %s\n",
				argv[i]);
			return 2;
		}
	}
	std::string output = ::testing::GTEST_FLAG(output);
	std::string xml = output.rfind("xml:", 0) == 0 ? output.substr(4) : "";
	InstallWatchdog(timeout, grace, xml);
	return RUN_ALL_TESTS();
}
