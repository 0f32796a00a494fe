// SPDX-License-Identifier: GPL-2.0
// The running kernel's release, for a test whose rule differs between
// kernel lines: the test states the rule of each line, and that line's
// reference kernel decides whether the statement is right.
#pragma once

// Whether the running kernel is Linux major.minor or later (uname's
// release). A release that cannot be read counts as new: the test then
// checks the newest rule, and says what the kernel did.
bool KernelAtLeast(int major, int minor);
