// SPDX-License-Identifier: GPL-2.0
// ScratchFile: a file in /tmp with a given owner and mode, removed when
// the test ends.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

class ScratchFile {
public:
	ScratchFile(const char *name, uid_t uid, gid_t gid, mode_t mode)
		: path_(std::string("/tmp/") + name)
	{
		unlink(path_.c_str());
		int fd = open(path_.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		ok_ = fd >= 0 && chown(path_.c_str(), uid, gid) == 0 &&
		      chmod(path_.c_str(), mode) == 0;
	}
	~ScratchFile() { unlink(path_.c_str()); }
	bool ok() const { return ok_; }
	const char *path() const { return path_.c_str(); }

private:
	std::string path_;
	bool ok_ = false;
};
