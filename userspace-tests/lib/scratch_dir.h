// SPDX-License-Identifier: GPL-2.0
// ScratchDir: a directory with a given owner and mode (in /tmp, or on
// another filesystem a test mounted), removed with all it holds when the
// test ends.
#pragma once

#include <sys/types.h>

#include <string>

#include "errno_or.h"

class ScratchDir {
public:
	ScratchDir(const char *name, uid_t uid, gid_t gid, mode_t mode,
		   const std::string &parent = "/tmp");
	~ScratchDir();
	ScratchDir(const ScratchDir &) = delete;
	ScratchDir &operator=(const ScratchDir &) = delete;
	// The errno of the step that failed, if one did (ErrnoOr, as every
	// helper reports): ASSERT_THAT(d.status(), ErrnoIs(0)).
	const Status &status() const { return status_; }
	bool ok() const { return status_.ok(); }
	// Its name in parent, and so in a detached copy of parent's mount.
	const char *name() const { return name_; }
	const std::string &path() const { return path_; }
	// path()/entry
	std::string operator/(const char *entry) const { return path_ + "/" + entry; }

private:
	const char *name_;
	std::string path_;
	Status status_;
};
