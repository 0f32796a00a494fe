// SPDX-License-Identifier: GPL-2.0
// Helpers for user-namespace tests: proc map files, privilege drops, and a
// child process parked in a fresh user namespace until the test says go.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_or.h"
#include "fd.h"

// The overflow ids an unmapped id reads as (sysctl defaults).
constexpr uid_t kOverflowUid = 65534;
constexpr gid_t kOverflowGid = 65534;
// An unprivileged user the guest has no other use for.
constexpr uid_t kTestUid = 1000;
constexpr gid_t kTestGid = 1000;

// Every helper returns an ErrnoOr (errno_or.h): its value, or the errno
// of the step that failed.

// The whole file.
ErrnoOr<std::string> ReadFile(const std::string &path);
// An open fd from offset 0 to its end, read with the credentials it was
// opened with.
ErrnoOr<std::string> ReadFd(int fd);
// open(O_WRONLY) + one write of all of data (a short write is EIO).
Status WriteFileOnce(const std::string &path, std::string_view data);
// One write of all of data to an open fd (a short write is EIO).
Status WriteAll(int fd, std::string_view data);
// "/proc/<pid>/<name>" (pid 0 means self).
std::string ProcPath(pid_t pid, const char *name);

// setgroups({}), setresgid, setresuid to (uid, gid), then mark the process
// dumpable again so its /proc files stay owned by uid.
Status BecomeUser(uid_t uid, gid_t gid);

// True when unshare(CLONE_NEWUSER) works on this kernel.
bool UserNamespacesAvailable();

// The fixture of every test that needs user namespaces: on a kernel
// without them (CONFIG_USER_NS=n) it skips the test and says why. An area
// whose tests all need them declares USERNS_AREA(Area); and writes its
// tests as TEST_F(Area, Behaviour). A parameterised area derives from
// UsernsTest and ::testing::WithParamInterface<T>.
class UsernsTest : public ::testing::Test {
protected:
	void SetUp() override;
};
#define USERNS_AREA(area) class area : public UsernsTest {}

// UsernsChild's exit status when the test never let its body run (a child
// that did nothing must not read as a pass).
constexpr int kNeverReleased = 121;

// A forked child that runs `before` (if given; non-zero return aborts with
// that status), unshares a new user namespace, then waits until Go() to run
// `body` and exit with its return value.
class UsernsChild {
public:
	explicit UsernsChild(std::function<int()> body,
			     std::function<int()> before = nullptr);
	// 0 when the child is parked in its new namespace, else the errno of
	// unshare() (or -1 when the child died before it got there).
	int setup_error() const { return setup_error_; }
	pid_t pid() const { return child_.pid(); }
	// Writes /proc/<child>/<map> from the calling process.
	Status WriteMap(const char *map, std::string_view text) const;
	// Lets the body run.
	void Go();
	// Lets the body run (if Go() was not called) and waits: the child's
	// exit status.
	int Finish();

private:
	Channel ready_, go_;
	ScopedChild child_;
	int setup_error_ = -1;
	bool released_ = false;
};

// A user namespace held by an idle child (a UsernsChild whose body does
// nothing) and one of the child's /proc entries opened with flags: a map
// file or setgroups to write through, ns/user to join or query.
//   NamespaceFile uid_map("uid_map", O_WRONLY);
//   ASSERT_THAT(uid_map.status(), ErrnoIs(0));
class NamespaceFile {
public:
	NamespaceFile(const char *entry, int flags);
	// The errno of the step that failed: unshare() (kSetupFailed when
	// the child died first), or open().
	const Status &status() const { return status_; }
	int fd() const { return fd_.get(); }
	pid_t pid() const { return child_.pid(); }
	// Lets the child exit and waits: its exit status.
	int Finish() { return child_.Finish(); }

private:
	UsernsChild child_;
	FileDescriptor fd_;
	Status status_;
};

// The errno of a result whose namespace could not be made: no errno has
// this value, so a failed setup never passes for the errno a test wants.
constexpr int kSetupFailed = -1000;

// Writes text to <map> of a fresh child namespace from this process (root
// in the initial namespace, unless the caller dropped privileges): the map
// as read back afterwards through the same path, or the write's errno.
ErrnoOr<std::string> WriteMapOfFreshNamespace(const char *map, std::string_view text);

// "first lower count\n" for each of n extents of one id each, spaced by
// stride: "0 base 1\n" "stride base+stride 1\n" ...
std::string ManyExtents(int n, unsigned base = 0, unsigned stride = 2);

// setresgid(0,0,0) + setresuid(0,0,0): inside a namespace whose maps cover
// 0, become its root, so the process's own ids are mapped there (needed to
// create nested namespaces).
Status BecomeRootInNamespace();

// Maps uid and gid 0..count-1 of child's namespace to base.. in the
// parent (gtest assertions: call from the test body, not from a child).
void MapRange(const UsernsChild &child, unsigned base, unsigned count);

// Runs body in a forked child inside a new namespace whose uid and gid
// maps the parent writes first (an empty text leaves that map unwritten):
// the child's exit status, or kSetupFailed (the failed step printed) when
// the namespace or a map could not be made.
int RunInNamespaceWithMaps(std::string_view uid_map, std::string_view gid_map,
			   const std::function<int()> &body);

// Runs body in a forked child inside a new namespace whose uids and gids
// 0..count-1 map to base.. in the parent, as that namespace's root when
// as_root (RunInNamespaceWithMaps(): the child's exit status, or
// kSetupFailed).
int RunInMappedNamespace(unsigned base, unsigned count, const std::function<int()> &body,
			 bool as_root = true);
