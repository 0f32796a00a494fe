// SPDX-License-Identifier: GPL-2.0
#include "file_status.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "child.h"
#include "errno_or.h"
#include "userns.h"

std::string OwnerOf(int dirfd, const std::string &path)
{
	struct stat st;
	if (fstatat(dirfd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
		return ErrnoName(errno);
	return std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
}

int CreateFile(const std::string &path)
{
	int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

mode_t ModeOf(int dirfd, const std::string &path)
{
	struct stat st;
	if (fstatat(dirfd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
		return ~0u;
	return st.st_mode & 07777;
}

int RunAs(uid_t uid, gid_t gid, const std::function<int()> &fn)
{
	return RunInChild([&] {
		CHILD_CHECK_OK(BecomeUser(uid, gid));
		umask(0);
		return fn();
	});
}
