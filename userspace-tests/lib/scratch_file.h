// SPDX-License-Identifier: GPL-2.0
// ScratchFile: a file in /tmp (or another directory) with a given owner and mode, removed when
// the test ends. status() is the errno of the step that failed, if one
// did (ErrnoOr, as every helper reports): ASSERT_THAT(f.status(), ErrnoIs(0)).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "errno_or.h"

class ScratchFile {
public:
	ScratchFile(const char *name, uid_t uid, gid_t gid, mode_t mode,
		    const std::string &parent = "/tmp")
		: path_(parent + "/" + name)
	{
		unlink(path_.c_str());
		int fd = open(path_.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0 || close(fd) != 0 || chown(path_.c_str(), uid, gid) != 0 ||
		    chmod(path_.c_str(), mode) != 0)
			status_ = Status::Errno(errno);
	}
	~ScratchFile() { unlink(path_.c_str()); }
	const Status &status() const { return status_; }
	bool ok() const { return status_.ok(); }
	const char *path() const { return path_.c_str(); }

private:
	std::string path_;
	Status status_;
};
