// SPDX-License-Identifier: GPL-2.0
// Allocation failures injected one at a time (make test-faults): writing n
// to /proc/thread-self/fail-nth makes the n-th fault-injection point the
// calling thread reaches fail (a slab or page allocation, on a kernel with
// CONFIG_FAILSLAB and CONFIG_FAIL_PAGE_ALLOC, whose filters qemu/init's
// faults mode turns off). A sweep runs an operation with n = 1, 2, ...
// until a run reaches fewer than n points: then every allocation the
// operation makes has been failed once.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "errno_or.h"
#include "fd.h"

// The calling thread's /proc/thread-self/fail-nth.
class FailNth {
public:
	FailNth();
	// 0 once the file is open, else why it is not.
	int error() const { return error_; }
	// The n-th injection point this thread reaches from now on fails.
	// Arm() and Disarm() themselves allocate nothing.
	Status Arm(unsigned n);
	// Stops counting. True when the failure was injected since Arm().
	ErrnoOr<bool> Disarm();

private:
	FileDescriptor fd_;
	int error_ = 0;
};

// One run of an operation whose n-th allocation was made to fail.
struct Trial {
	// The operation's errno (0: it succeeded).
	int err = 0;
	// Whether the n-th allocation was reached (and failed).
	bool injected = false;
	// What the run found wrong after it (a half-written state, a
	// refused retry, ...); empty when all was well.
	std::string violation;
};

// Everything a sweep saw.
struct Sweep {
	// Runs whose failure was injected: the allocations the operation makes.
	unsigned points = 0;
	// errno -> how many injected runs ended with it.
	std::map<int, unsigned> outcomes;
	// The errno of the last run, which reached no n-th allocation.
	int untouched = -1;
	// "n=K: what was wrong", for every run that broke a rule.
	std::vector<std::string> violations;
};

// Runs trial(n) for n = 1, 2, ... until a run injects nothing, or max_n.
// A run whose errno is not in allowed, or whose own checks failed, is a
// violation; so is an untouched run whose errno is not untouched_errno
// (0: success), or a sweep that never ends.
Sweep SweepAllocations(const std::function<Trial(unsigned n)> &trial, const std::set<int> &allowed,
		       int untouched_errno = 0, unsigned max_n = 1000);

// "ENOMEM x3, EPERM x1" (sorted by name), or "none".
std::string OutcomeText(const std::map<int, unsigned> &outcomes);

// The sweep as test properties, for the host's report: points, outcomes,
// untouched.
void RecordSweep(const Sweep &sweep);

// "first lower count" triples of a map file's text, sorted: the same
// extents compare equal whatever their spacing and order.
std::vector<std::vector<unsigned long>> MapExtents(const std::string &text);
