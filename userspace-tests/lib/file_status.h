// SPDX-License-Identifier: GPL-2.0
// What stat() shows of a path, as short text the tests compare, and a
// caller without privilege to create files as.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <string>

// stat() of path (relative to dirfd) without following a last symlink:
// "uid:gid", or the errno's name.
std::string OwnerOf(int dirfd, const std::string &path);

// OwnerOf() of a file whose owner the reader's namespace does not map:
// the overflow ids (while /proc/sys/kernel/overflow[ug]id are 65534).
inline const std::string kOverflowOwner = "65534:65534";

// Creates path (O_EXCL, mode 0600) and closes it: 0, or the errno.
int CreateFile(const std::string &path);

// The mode bits of path (no symlink followed), or ~0 when stat fails.
mode_t ModeOf(int dirfd, const std::string &path);

// Runs fn in a forked child as uid:gid (fsuid and fsgid too), with no
// capabilities and umask 0; its exit status.
int RunAs(uid_t uid, gid_t gid, const std::function<int()> &fn);
