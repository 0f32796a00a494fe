// SPDX-License-Identifier: GPL-2.0
// Real programs (Debian's newuidmap, unshare, setfacl, ...) run from a
// test: their exit status and what they printed, stdout and stderr
// interleaved as a terminal would show them.
#pragma once

#include <sys/types.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "errno_or.h"

struct ProgramRun {
	int status = -1;  // exit code, or 128 + signal
	std::string output;

	bool operator==(const ProgramRun &) const = default;
	friend std::ostream &operator<<(std::ostream &os, const ProgramRun &r)
	{
		return os << "exit " << r.status << ", output \"" << r.output << '"';
	}
};

// Forks; the child runs `before` (if given; a non-zero return is its exit
// status and nothing is executed), then execs argv[0] (a full path) with
// PATH=/usr/sbin:/usr/bin:/sbin:/bin. ENOENT when argv[0] is not there.
ErrnoOr<ProgramRun> RunProgram(const std::vector<std::string> &argv,
			       const std::function<int()> &before = nullptr);

// A `before` for RunProgram: the unprivileged test user (kTestUid).
int AsTestUser();
// A `before` for RunProgram: setns() into pid's user namespace, the
// credentials kept (the caller needs CAP_SYS_ADMIN over it).
std::function<int()> AsMemberOf(pid_t pid);
// A `before` for RunProgram: setns() into pid's user namespace and become
// its root (uid and gid 0 there), with no supplementary groups.
std::function<int()> AsRootOf(pid_t pid);
