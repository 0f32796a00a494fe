// SPDX-License-Identifier: GPL-2.0
// The suite's main(): gtest's, plus the per-test watchdog.
//   userns-tests [gtest flags] [--test-timeout=SECONDS]   (default 60, 0: off)
#include <cstdlib>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "watchdog.h"

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	int timeout = 60;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--test-timeout=", 15)) {
			timeout = atoi(argv[i] + 15);
		} else {
			fprintf(stderr, "userns-tests: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	std::string output = ::testing::GTEST_FLAG(output);
	std::string xml = output.rfind("xml:", 0) == 0 ? output.substr(4) : "";
	InstallWatchdog(timeout, xml);
	return RUN_ALL_TESTS();
}
