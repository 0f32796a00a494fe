// SPDX-License-Identifier: GPL-2.0
#include "scratch_dir.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace {

void RemoveTree(const std::string &path)
{
	nftw(path.c_str(), [](const char *p, const struct stat *, int, struct FTW *) { return remove(p); },
	     16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace

ScratchDir::ScratchDir(const char *name, uid_t uid, gid_t gid, mode_t mode, const std::string &parent)
	: name_(name), path_(parent + "/" + name)
{
	RemoveTree(path_);
	if (mkdir(path_.c_str(), 0700) != 0 || chown(path_.c_str(), uid, gid) != 0 ||
	    chmod(path_.c_str(), mode) != 0)
		status_ = Status::Errno(errno);
}

ScratchDir::~ScratchDir()
{
	RemoveTree(path_);
}
