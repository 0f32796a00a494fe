// SPDX-License-Identifier: GPL-2.0
// The set-id probe (setid-probe/show_ids.cc, /bin/userns-show-ids in the
// guest): installed as a file with a chosen owner and mode, then executed,
// it reports the ids and capabilities its exec gave it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "errno_or.h"

constexpr const char *kIdProbe = "/bin/userns-show-ids";

// What the probe reported, ids as the executing process's namespace sees
// them.
struct ProbedIds {
	std::string uid, gid;  // "real effective saved fs"
	uint64_t permitted = 0, effective = 0;

	friend std::ostream &operator<<(std::ostream &os, const ProbedIds &p)
	{
		return os << "uid " << p.uid << ", gid " << p.gid << std::hex << ", CapPrm "
			  << p.permitted << ", CapEff " << p.effective << std::dec;
	}
};

// Copies the probe to path and gives the copy owner uid:gid, then mode
// (chown clears set-id bits, so the mode comes last).
Status InstallProbe(const std::string &path, uid_t uid, gid_t gid, mode_t mode);

// Forks; the child runs `before` (if given; a non-zero return fails the
// run with EPERM), then executes the probe at path relative to dirfd
// (execveat). What it reported, EACCES or the like when the exec failed,
// EIO when it printed nothing that parses.
ErrnoOr<ProbedIds> ExecProbe(int dirfd, const std::string &path,
			     const std::function<int()> &before = nullptr);

// Every capability up to /proc/sys/kernel/cap_last_cap, as a set.
uint64_t AllCapabilities();
