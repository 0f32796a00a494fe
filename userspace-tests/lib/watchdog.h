// SPDX-License-Identifier: GPL-2.0
// A per-test watchdog for the suite. A test still running after its time
// limit fails by name: the watchdog records the failure and kills every
// process the suite started (a child that never exits is the usual hang),
// so the test returns and the run goes on. If the test is still blocked
// after a grace period, the watchdog writes the results so far, the hung
// test failed, to the --gtest_output XML file and ends the process.
#pragma once

#include <string>

#include <gtest/gtest.h>

// Installs the watchdog for this run: seconds per test (0: none), seconds
// of grace before a test still blocked ends the run, and the path of the
// XML report ("" when none was asked for).
void InstallWatchdog(int seconds, int grace_seconds, const std::string &xml_path);
