// SPDX-License-Identifier: GPL-2.0
#include "fail_nth.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <gtest/gtest.h>

FailNth::FailNth() : fd_(open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC))
{
	if (!fd_.valid())
		error_ = errno;
}

Status FailNth::Arm(unsigned n)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%u", n);

	if (pwrite(fd_.get(), text, len, 0) != len)
		return ErrnoStatus(errno ? errno : EIO);
	return Status();
}

ErrnoOr<bool> FailNth::Disarm()
{
	char text[16] = {};
	ssize_t len = pread(fd_.get(), text, sizeof(text) - 1, 0);

	if (len <= 0)
		return ErrnoOr<bool>::Errno(len < 0 ? errno : EIO);
	// 0: the failure happened; n > 0: n - 1 more points were still to go.
	bool injected = strtoul(text, nullptr, 10) == 0;
	if (pwrite(fd_.get(), "0", 1, 0) != 1)
		return ErrnoOr<bool>::Errno(errno);
	return injected;
}

Sweep SweepAllocations(const std::function<Trial(unsigned n)> &trial, const std::set<int> &allowed,
		       int untouched_errno, unsigned max_n)
{
	Sweep sweep;
	for (unsigned n = 1; n <= max_n; n++) {
		Trial t = trial(n);
		std::string where = "n=" + std::to_string(n) + ": ";
		if (!t.violation.empty())
			sweep.violations.push_back(where + t.violation);
		if (!t.injected) {
			sweep.untouched = t.err;
			if (t.err != untouched_errno)
				sweep.violations.push_back(where + "with no allocation failed: " +
							   ErrnoName(t.err) + ", not " +
							   ErrnoName(untouched_errno));
			return sweep;
		}
		sweep.points++;
		sweep.outcomes[t.err]++;
		if (t.err && !allowed.count(t.err))
			sweep.violations.push_back(where + "failed with " + ErrnoName(t.err) +
						   ", not an errno it documents");
	}
	sweep.violations.push_back("still reaching new allocations at n=" + std::to_string(max_n));
	return sweep;
}

std::string OutcomeText(const std::map<int, unsigned> &outcomes)
{
	std::vector<std::string> parts;
	for (const auto &[err, runs] : outcomes)
		parts.push_back(ErrnoName(err) + " x" + std::to_string(runs));
	std::sort(parts.begin(), parts.end());
	std::string out;
	for (const std::string &p : parts)
		out += (out.empty() ? "" : ", ") + p;
	return out.empty() ? "none" : out;
}

void RecordSweep(const Sweep &sweep)
{
	::testing::Test::RecordProperty("points", std::to_string(sweep.points));
	::testing::Test::RecordProperty("outcomes", OutcomeText(sweep.outcomes));
	::testing::Test::RecordProperty("untouched", ErrnoName(sweep.untouched));
}

std::vector<std::vector<unsigned long>> MapExtents(const std::string &text)
{
	std::vector<std::vector<unsigned long>> extents;
	std::istringstream in(text);
	unsigned long first, lower, count;
	while (in >> first >> lower >> count)
		extents.push_back({first, lower, count});
	std::sort(extents.begin(), extents.end());
	return extents;
}
