// SPDX-License-Identifier: GPL-2.0
// The fuzzer's program generator: a program from a seed, the same on
// every kernel (it depends on nothing but the seed).
#pragma once

#include <cstdint>

#include "program.h"

// The program of seed: up to `ops` operations over kActors actors, which
// mostly name actors that exist by then (and sometimes ones that do not).
// Map writes are valid maps, maps at the edges of the id space, and
// near-valid texts; ids come from a pool of edges and of ids the
// program's maps name.
Program Generate(uint64_t seed, int ops);

// The seed of program `index` of a run started with seed `run_seed`.
uint64_t ProgramSeed(uint64_t run_seed, uint64_t index);
