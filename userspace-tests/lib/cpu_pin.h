// SPDX-License-Identifier: GPL-2.0
// CpuPin: runs the calling thread on one CPU until it goes out of scope,
// so that the two sides of a race really run at once. Without it a woken
// writer may be placed on the CPU of the reader it races, and a kernel
// without preemption then never runs the reader inside the writer's
// window (where the data race detector looks).
#pragma once

#include <sched.h>
#include <unistd.h>

class CpuPin {
public:
	// Pins to CPU n modulo the number of CPUs online (a thread pinned
	// earlier, or forked from one, is pinned anew); does nothing on a
	// machine with one CPU.
	explicit CpuPin(int n)
	{
		long online = sysconf(_SC_NPROCESSORS_ONLN);
		if (online < 2 || sched_getaffinity(0, sizeof(saved_), &saved_) != 0)
			return;
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(n % online, &one);
		pinned_ = sched_setaffinity(0, sizeof(one), &one) == 0;
	}
	CpuPin(const CpuPin &) = delete;
	CpuPin &operator=(const CpuPin &) = delete;
	~CpuPin()
	{
		if (pinned_)
			sched_setaffinity(0, sizeof(saved_), &saved_);
	}

private:
	cpu_set_t saved_;
	bool pinned_ = false;
};
