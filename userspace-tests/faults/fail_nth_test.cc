// SPDX-License-Identifier: GPL-2.0
// FailedAllocation: every allocation of each operation on the layer failed in turn
// (fail_nth.h). After each failure the operation returned an errno it
// documents, never success with half a state: a map that failed to be
// written reads back empty and can still be written, a task whose unshare,
// clone or setns failed is where it was, and a map read is whole or fails.
// Leaks are kmemleak's to find: qemu/init scans when the run ends.
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fail_nth.h"
#include "fd.h"
#include "userns.h"

namespace {

USERNS_AREA(FailedAllocation);

// What a failed allocation may turn into, per operation (their man pages).
// Beyond unshare(2)'s list, EAGAIN: set_cred_ucounts() returns it when it
// cannot allocate the new credentials' ucounts, on the reference as well.
const std::set<int> kMapWriteErrnos = {ENOMEM};
const std::set<int> kUnshareErrnos = {ENOMEM, ENOSPC, EAGAIN};
const std::set<int> kCloneErrnos = {ENOMEM, ENOSPC, EAGAIN};

// A map a privileged writer may write: n extents of one id each.
std::string MapOf(int extents)
{
	return ManyExtents(extents, 0, 2);
}

// The test's own fail-nth: ASSERTs it is there (a faults kernel has it).
#define ASSERT_FAIL_NTH(fail)                                                        \
	FailNth fail;                                                                \
	ASSERT_THAT(ErrnoStatus(fail.error()), ErrnoIs(0))                           \
		<< "no /proc/thread-self/fail-nth: not a CONFIG_FAULT_INJECTION kernel"

// Runs call with the n-th allocation failed: its errno and whether the
// failure was injected. A broken fail-nth file is a violation.
Trial Injecting(FailNth &fail, unsigned n, const std::function<int()> &call)
{
	Trial t;
	if (!fail.Arm(n).ok())
		return {0, false, "cannot arm fail-nth"};
	t.err = call();
	ErrnoOr<bool> injected = fail.Disarm();
	if (!injected.ok())
		return {t.err, false, "cannot read fail-nth back"};
	t.injected = injected.value();
	return t;
}

int WriteErrno(int fd, const std::string &text)
{
	ssize_t n = write(fd, text.data(), text.size());
	if (n < 0)
		return errno;
	return (size_t)n == text.size() ? 0 : EIO;
}

// What is wrong with a namespace's map after a write returned err: a
// failed write must leave it empty and writable, a successful one whole.
std::string MapStateAfter(const UsernsChild &ns, const char *map, const std::string &text, int err)
{
	ErrnoOr<std::string> now = ReadFile(ProcPath(ns.pid(), map));
	if (!now.ok())
		return "cannot read the map back: " + ErrnoName(now.error());
	if (!err)
		return MapExtents(now.value()) == MapExtents(text)
			       ? ""
			       : "succeeded, but the map reads back as:\n" + now.value();
	if (!now.value().empty())
		return "failed with " + ErrnoName(err) + ", but the map reads back as:\n" + now.value();
	if (Status retry = ns.WriteMap(map, text); !retry.ok())
		return "failed, then a second write failed with " + ErrnoName(retry.error());
	ErrnoOr<std::string> after = ReadFile(ProcPath(ns.pid(), map));
	if (!after.ok() || MapExtents(after.value()) != MapExtents(text))
		return "failed, then a second write succeeded but did not read back whole";
	return "";
}

struct MapWrite {
	const char *map;
	int extents;
};

class FailedAllocationInMapWrite : public UsernsTest, public ::testing::WithParamInterface<MapWrite> {};

// Root writes a map of a fresh namespace; the write's allocations fail in
// turn (the copy of the buffer, the extent array, and for more than five
// extents the sorted copies).
TEST_P(FailedAllocationInMapWrite, FailsWithEnomemAndLeavesTheMapUnwritten)
{
	ASSERT_FAIL_NTH(fail);
	const char *map = GetParam().map;
	const std::string text = MapOf(GetParam().extents);
	Sweep sweep = SweepAllocations(
		[&](unsigned n) {
			UsernsChild ns([] { return 0; });
			if (ns.setup_error())
				return Trial{0, false, "no namespace: " + ErrnoName(ns.setup_error())};
			FileDescriptor fd(open(ProcPath(ns.pid(), map).c_str(), O_WRONLY | O_CLOEXEC));
			if (!fd.valid())
				return Trial{0, false, "cannot open the map: " + ErrnoName(errno)};
			Trial t = Injecting(fail, n, [&] { return WriteErrno(fd.get(), text); });
			if (t.violation.empty())
				t.violation = MapStateAfter(ns, map, text, t.err);
			if (ns.Finish() != 0 && t.violation.empty())
				t.violation = "the namespace's task did not exit cleanly";
			return t;
		},
		kMapWriteErrnos);
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
	EXPECT_GE(sweep.points, 1u) << "the write reached no allocation: is failslab filtering it?";
}

INSTANTIATE_TEST_SUITE_P(
	Maps, FailedAllocationInMapWrite,
	::testing::Values(MapWrite{"uid_map", 1}, MapWrite{"uid_map", 5}, MapWrite{"uid_map", 6},
			  MapWrite{"uid_map", 340}, MapWrite{"gid_map", 1}, MapWrite{"gid_map", 340},
			  MapWrite{"projid_map", 1}, MapWrite{"projid_map", 340}),
	[](const ::testing::TestParamInfo<MapWrite> &info) {
		std::string name = info.param.map;
		return name.substr(0, name.find('_')) + "Of" + std::to_string(info.param.extents) +
		       "Extents";
	});

// A refused write allocates nothing of its own: the copy of the user's
// buffer comes first (EFAULT is checked before the write-once rule), then
// the refusal. So at most the first allocation fails it with ENOMEM; with
// any later one failed it is EPERM, and the map is unchanged.
void ExpectRefusedWhateverFails(FailNth &fail, const std::function<FileDescriptor(pid_t)> &open_map,
				const std::string &first_write)
{
	Sweep sweep = SweepAllocations(
		[&](unsigned n) {
			UsernsChild ns([] { return 0; }, [] { return ErrnoOf(BecomeUser(kTestUid, kTestGid)); });
			if (ns.setup_error())
				return Trial{0, false, "no namespace: " + ErrnoName(ns.setup_error())};
			if (!first_write.empty()) {
				if (Status s = ns.WriteMap("uid_map", first_write); !s.ok())
					return Trial{0, false, "the first write failed: " + ErrnoName(s.error())};
			}
			FileDescriptor fd = open_map(ns.pid());
			if (!fd.valid())
				return Trial{0, false, "no fd to write through"};
			Trial t = Injecting(fail, n, [&] { return WriteErrno(fd.get(), "0 5000 1\n"); });
			if (t.violation.empty()) {
				ErrnoOr<std::string> now = ReadFile(ProcPath(ns.pid(), "uid_map"));
				if (!now.ok() || MapExtents(now.value()) != MapExtents(first_write))
					t.violation = "a refused write changed the map";
			}
			if (t.err == 0 || (t.err == ENOMEM && n > 1))
				t.violation = "failed with " + ErrnoName(t.err) + " at allocation " +
					      std::to_string(n) + ", not EPERM";
			ns.Finish();
			return t;
		},
		{ENOMEM, EPERM}, EPERM);
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
}

TEST_F(FailedAllocation, ASecondWriteIsEpermWhateverAllocationFails)
{
	ASSERT_FAIL_NTH(fail);
	ExpectRefusedWhateverFails(
		fail,
		[](pid_t pid) {
			return FileDescriptor(open(ProcPath(pid, "uid_map").c_str(), O_WRONLY | O_CLOEXEC));
		},
		"0 4000 1\n");
}

// The opener, root without CAP_SYS_ADMIN, has none over a namespace
// kTestUid owns: full root writing through its fd is refused.
TEST_F(FailedAllocation, AnOpenerWithoutCapSysAdminIsEpermWhateverAllocationFails)
{
	ASSERT_FAIL_NTH(fail);
	ExpectRefusedWhateverFails(
		fail,
		[](pid_t pid) {
			auto [mine, theirs] = SocketPair();
			int sock = theirs.get();
			ScopedChild opener([sock, pid] {
				CHILD_CHECK_OK(DropCapability(CAP_SYS_ADMIN));
				FileDescriptor fd(open(ProcPath(pid, "uid_map").c_str(), O_WRONLY | O_CLOEXEC));
				CHILD_CHECK(fd.valid());
				CHILD_CHECK_OK(SendFd(sock, fd.get()));
				return 0;
			});
			FileDescriptor fd = ReceiveFd(mine.get());
			return opener.Wait() == 0 ? std::move(fd) : FileDescriptor();
		},
		"");
}

TEST_F(FailedAllocation, SetgroupsWriteFailsCleanly)
{
	ASSERT_FAIL_NTH(fail);
	Sweep sweep = SweepAllocations(
		[&](unsigned n) {
			UsernsChild ns([] { return 0; });
			if (ns.setup_error())
				return Trial{0, false, "no namespace: " + ErrnoName(ns.setup_error())};
			FileDescriptor fd(open(ProcPath(ns.pid(), "setgroups").c_str(), O_WRONLY | O_CLOEXEC));
			if (!fd.valid())
				return Trial{0, false, "cannot open setgroups: " + ErrnoName(errno)};
			Trial t = Injecting(fail, n, [&] { return WriteErrno(fd.get(), "deny"); });
			ErrnoOr<std::string> now = ReadFile(ProcPath(ns.pid(), "setgroups"));
			std::string want = t.err ? "allow\n" : "deny\n";
			if (t.violation.empty() && !(now == want))
				t.violation = "setgroups reads " + now.value_or("(unreadable)") + " after " +
					      ErrnoName(t.err);
			ns.Finish();
			return t;
		},
		{ENOMEM});
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
}

// The inode number of a task's user namespace.
ErrnoOr<ino_t> OwnUserNamespace()
{
	struct stat st;
	if (stat("/proc/self/ns/user", &st) != 0)
		return ErrnoOr<ino_t>::Errno(errno);
	return st.st_ino;
}

// Child exit codes of the namespace trials, beside the errno sent.
constexpr int kStateKept = 0;
constexpr int kStateBroken = 1;

// Runs, in a forked child, call with the n-th allocation failed; after a
// failure the child must still be in its namespace and a retry succeed.
// The child sends its errno and whether the failure was injected.
Trial NamespaceTrial(unsigned n, const std::function<int()> &call)
{
	Channel report;
	ScopedChild child([&] {
		report.CloseRead();
		FailNth fail;
		ErrnoOr<ino_t> before = OwnUserNamespace();
		if (fail.error() || !before.ok())
			return kStateBroken;
		Trial t = Injecting(fail, n, call);
		report.Send(t.err);
		report.Send(t.injected);
		if (!t.violation.empty())
			return kStateBroken;
		if (t.err == 0)
			return kStateKept;
		ErrnoOr<ino_t> after = OwnUserNamespace();
		if (!after.ok() || after.value() != before.value())
			return kStateBroken;  // failed, yet moved
		return call() == 0 ? kStateKept : kStateBroken;
	});
	report.CloseWrite();
	Trial t;
	t.err = report.Receive();
	int injected = report.Receive();
	int state = child.Wait();
	if (t.err < 0 || injected < 0)
		return {0, false, "the child reported nothing (exit " + std::to_string(state) + ")"};
	t.injected = injected;
	if (state != kStateKept)
		t.violation = "after " + ErrnoName(t.err) + " the task left its namespace, or a retry failed" +
			      " (exit " + std::to_string(state) + ")";
	return t;
}

TEST_F(FailedAllocation, UnshareFailsCleanly)
{
	Sweep sweep = SweepAllocations(
		[](unsigned n) {
			return NamespaceTrial(n, [] { return unshare(CLONE_NEWUSER) == 0 ? 0 : errno; });
		},
		kUnshareErrnos);
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
	EXPECT_GE(sweep.points, 1u);
}

// clone(CLONE_NEWUSER) as fork does it: its errno. A failed clone must
// leave no child behind (EIO if it does, or if the child did not exit 0).
int CloneNewUser()
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		int err = errno;
		return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD ? err : EIO;
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return EIO;
	return 0;
}

TEST_F(FailedAllocation, CloneFailsCleanly)
{
	Sweep sweep = SweepAllocations([](unsigned n) { return NamespaceTrial(n, CloneNewUser); },
				       kCloneErrnos);
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
	EXPECT_GE(sweep.points, 1u);
}

TEST_F(FailedAllocation, SetnsFailsCleanly)
{
	UsernsChild target([] { return 0; });
	ASSERT_EQ(target.setup_error(), 0);
	MapRange(target, 0, 65536);
	std::string path = ProcPath(target.pid(), "ns/user");
	Sweep sweep = SweepAllocations(
		[&](unsigned n) {
			FileDescriptor ns(open(path.c_str(), O_RDONLY | O_CLOEXEC));
			if (!ns.valid())
				return Trial{0, false, "cannot open " + path};
			int fd = ns.get();
			return NamespaceTrial(n, [fd] { return setns(fd, CLONE_NEWUSER) == 0 ? 0 : errno; });
		},
		{ENOMEM});
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
	EXPECT_GE(sweep.points, 1u);
	EXPECT_EQ(target.Finish(), 0);
}

class FailedAllocationInMapRead : public UsernsTest, public ::testing::WithParamInterface<const char *> {};

// A 340-extent map reads as more than a page: seq_file grows its buffer.
TEST_P(FailedAllocationInMapRead, IsWholeOrFailsWithEnomem)
{
	ASSERT_FAIL_NTH(fail);
	const char *map = GetParam();
	const std::string text = MapOf(340);
	UsernsChild ns([] { return 0; });
	ASSERT_EQ(ns.setup_error(), 0);
	ASSERT_THAT(ns.WriteMap(map, text), ErrnoIs(0));
	Sweep sweep = SweepAllocations(
		[&](unsigned n) {
			FileDescriptor fd(open(ProcPath(ns.pid(), map).c_str(), O_RDONLY | O_CLOEXEC));
			if (!fd.valid())
				return Trial{0, false, "cannot open the map"};
			// Read into memory already faulted in: a page fault of
			// ours must not be what fails.
			static char out[64 * 1024];
			memset(out, 0, sizeof(out));
			size_t len = 0;
			Trial t = Injecting(fail, n, [&] {
				ssize_t r;
				while ((r = read(fd.get(), out + len, sizeof(out) - len)) > 0)
					len += r;
				return r < 0 ? errno : 0;
			});
			std::string got(out, len);
			if (t.violation.empty() && t.err == 0 && MapExtents(got) != MapExtents(text))
				t.violation = "read succeeded but is not the whole map";
			ErrnoOr<std::string> again = ReadFile(ProcPath(ns.pid(), map));
			if (t.violation.empty() && !(again.ok() && MapExtents(again.value()) == MapExtents(text)))
				t.violation = "after " + ErrnoName(t.err) + " the map no longer reads whole";
			return t;
		},
		{ENOMEM});
	RecordSweep(sweep);
	EXPECT_TRUE(sweep.violations.empty()) << ::testing::PrintToString(sweep.violations);
	EXPECT_GE(sweep.points, 1u);
	EXPECT_EQ(ns.Finish(), 0);
}

INSTANTIATE_TEST_SUITE_P(Maps, FailedAllocationInMapRead, ::testing::Values("uid_map", "gid_map", "projid_map"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 std::string name = info.param;
				 return name.substr(0, name.find('_')) + "Of340Extents";
			 });

}  // namespace
