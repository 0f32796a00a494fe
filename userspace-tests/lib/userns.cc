// SPDX-License-Identifier: GPL-2.0
#include "userns.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <gtest/gtest.h>

#include "errno_matchers.h"
#include "fd.h"

namespace {

ErrnoOr<std::string> ReadToEnd(int fd)
{
	std::string out;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		out.append(buf, n);
	if (n < 0)
		return ErrnoOr<std::string>::Errno(errno);
	return out;
}

}  // namespace

ErrnoOr<std::string> ReadFile(const std::string &path)
{
	FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));

	if (!fd.valid())
		return ErrnoOr<std::string>::Errno(errno);
	return ReadToEnd(fd.get());
}

ErrnoOr<std::string> ReadFd(int fd)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		return ErrnoOr<std::string>::Errno(errno);
	return ReadToEnd(fd);
}

Status WriteAll(int fd, std::string_view data)
{
	ssize_t n = write(fd, data.data(), data.size());

	if (n < 0)
		return ErrnoStatus(errno);
	return ErrnoStatus((size_t)n == data.size() ? 0 : EIO);
}

Status WriteFileOnce(const std::string &path, std::string_view data)
{
	FileDescriptor fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));

	if (!fd.valid())
		return ErrnoStatus(errno);
	return WriteAll(fd.get(), data);
}

std::string ProcPath(pid_t pid, const char *name)
{
	return (pid ? "/proc/" + std::to_string(pid) : std::string("/proc/self")) +
	       "/" + name;
}

Status BecomeUser(uid_t uid, gid_t gid)
{
	if (setgroups(0, nullptr) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		return ErrnoStatus(errno);
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0)
		return ErrnoStatus(errno);
	return Status();
}

bool UserNamespacesAvailable()
{
	static int cached = -1;

	if (cached < 0)
		cached = RunInChild([] { return unshare(CLONE_NEWUSER) == 0 ? 0 : 1; }) == 0;
	return cached;
}

void UsernsTest::SetUp()
{
	if (!UserNamespacesAvailable())
		GTEST_SKIP() << "kernel has no user namespaces (unshare(CLONE_NEWUSER) fails)";
}

UsernsChild::UsernsChild(std::function<int()> body, std::function<int()> before)
	: child_([&]() -> int {
		  ready_.CloseRead();
		  go_.CloseWrite();
		  if (before) {
			  int rc = before();
			  if (rc)
				  return rc;
		  }
		  ready_.Send(unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
		  if (go_.Receive(-1) != 1)
			  return kNeverReleased;
		  return body();
	  })
{
	ready_.CloseWrite();
	go_.CloseRead();
	setup_error_ = ready_.Receive();
}

Status UsernsChild::WriteMap(const char *map, std::string_view text) const
{
	return WriteFileOnce(ProcPath(pid(), map), text);
}

void UsernsChild::Go()
{
	if (!released_) {
		released_ = true;
		go_.Send(1);
		go_.CloseWrite();
	}
}

int UsernsChild::Finish()
{
	Go();
	return child_.Wait();
}

ErrnoOr<std::string> WriteMapOfFreshNamespace(const char *map, std::string_view text)
{
	UsernsChild child([] { return 0; });

	// The caller compares the result with the write's errno: a failed
	// setup must not pass for one.
	if (child.setup_error())
		return ErrnoOr<std::string>::Errno(kSetupFailed);
	Status written = child.WriteMap(map, text);
	ErrnoOr<std::string> readback = ReadFile(ProcPath(child.pid(), map));
	child.Finish();
	if (!written.ok())
		return ErrnoOr<std::string>::Errno(written.error());
	return readback;
}

std::string ManyExtents(int n, unsigned base, unsigned stride)
{
	std::string out;

	for (int i = 0; i < n; i++) {
		unsigned id = i * stride;
		out += std::to_string(id) + " " + std::to_string(base + id) + " 1\n";
	}
	return out;
}

NamespaceFile::NamespaceFile(const char *entry, int flags)
	: child_([] { return 0; })
{
	int setup = child_.setup_error();
	if (setup != 0) {
		status_ = Status::Errno(setup > 0 ? setup : kSetupFailed);
		return;
	}
	fd_ = FileDescriptor(open(ProcPath(pid(), entry).c_str(), flags | O_CLOEXEC));
	if (!fd_.valid())
		status_ = Status::Errno(errno);
}

Status BecomeRootInNamespace()
{
	if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0)
		return ErrnoStatus(errno);
	// Changing ids made the process non-dumpable: its /proc files would
	// belong to a root this namespace does not map.
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0)
		return ErrnoStatus(errno);
	return Status();
}

void MapRange(const UsernsChild &child, unsigned base, unsigned count)
{
	std::string m = "0 " + std::to_string(base) + " " + std::to_string(count) + "\n";
	ASSERT_THAT(child.WriteMap("uid_map", m), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", m), ErrnoIs(0));
}

int RunInNamespaceWithMaps(std::string_view uid_map, std::string_view gid_map,
			   const std::function<int()> &body)
{
	UsernsChild child(body);
	if (child.setup_error()) {
		fprintf(stderr, "unshare(CLONE_NEWUSER): %s\n", ErrnoName(child.setup_error()).c_str());
		return kSetupFailed;
	}
	for (auto [map, text] : {std::pair{"uid_map", uid_map}, {"gid_map", gid_map}}) {
		if (text.empty())
			continue;
		Status written = child.WriteMap(map, text);
		if (!written.ok()) {
			fprintf(stderr, "writing %s: %s\n", map, ErrnoName(written.error()).c_str());
			return kSetupFailed;
		}
	}
	return child.Finish();
}

int RunInMappedNamespace(unsigned base, unsigned count, const std::function<int()> &body,
			 bool as_root)
{
	std::string m = "0 " + std::to_string(base) + " " + std::to_string(count) + "\n";
	return RunInNamespaceWithMaps(m, m, [&] {
		if (as_root && !BecomeRootInNamespace().ok())
			return 120;
		return body();
	});
}
