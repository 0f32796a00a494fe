// SPDX-License-Identifier: GPL-2.0
// The fuzzer's executor: runs a program's operations one at a time, in
// program order, each in its actor's process, and returns the trace.
#pragma once

#include <string>
#include <vector>

#include "program.h"

// Runs program as root in the initial namespace (actor 0 is a fork of the
// caller), its scratch files in directory `scratch` (made before, removed
// after), and returns one line per operation: the operation, " => ", and
// what the kernel answered. Nothing in a line depends on the boot (no
// pid, inode number or time), so two kernels that implement the same
// behaviour give the same trace. Every process the program made has
// exited when it returns.
std::vector<std::string> ExecuteProgram(const Program &program, const std::string &scratch);
