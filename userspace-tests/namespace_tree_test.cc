// SPDX-License-Identifier: GPL-2.0
// NamespaceTree: a user namespace's lifetime as the namespace tree shows
// it. Each namespace has an id (ioctl NS_GET_ID on a namespace file), and
// listns() walks the tree of live namespaces: a user namespace is listed
// while a task lives in it and leaves the tree once its last reference is
// gone (freed from a workqueue, after an RCU grace period, so the tests
// wait for it). A namespace that stayed listed would be one never freed.
//
// Per line: listns() and NS_GET_ID on a user namespace come with the
// namespace tree in Linux 6.19; before that (the 6.1 and 6.12 lines)
// listns() is ENOSYS, which is what the tests check there.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "errno_or.h"
#include "fd.h"
#include "kernel_release.h"
#include "userns.h"

namespace {

// The ABI as Linux 7.3 has it (<linux/nsfs.h>); the C library's headers
// predate it. The system call number is the same on every architecture.
constexpr long kSysListns = 470;
constexpr unsigned long kNsGetId = _IOR(0xb7, 13, uint64_t);
constexpr uint32_t kUserNsType = 1u << 28;  // CLONE_NEWUSER
constexpr uint32_t kNsIdReqSizeVer0 = 32;

struct NsIdReq {
	uint32_t size;
	uint32_t spare;
	uint64_t ns_id;
	uint32_t ns_type;
	uint32_t spare2;
	uint64_t user_ns_id;
};

// The ids of every user namespace listns() lists, in pages of 64.
ErrnoOr<std::vector<uint64_t>> ListUserNamespaces()
{
	std::vector<uint64_t> all;
	NsIdReq req = {kNsIdReqSizeVer0, 0, 0, kUserNsType, 0, 0};
	uint64_t page[64];
	for (;;) {
		long n = syscall(kSysListns, &req, page, 64, 0);
		if (n < 0)
			return ErrnoOr<std::vector<uint64_t>>::Errno(errno);
		all.insert(all.end(), page, page + n);
		if (n < 64)
			return all;
		req.ns_id = page[n - 1];
	}
}

// ErrnoOr-returning NS_GET_ID of a namespace file.
ErrnoOr<uint64_t> NamespaceId(int fd)
{
	uint64_t id = 0;
	if (ioctl(fd, kNsGetId, &id) != 0)
		return ErrnoOr<uint64_t>::Errno(errno);
	return id;
}

bool Listed(uint64_t id)
{
	auto ids = ListUserNamespaces();
	return ids.ok() && std::ranges::find(ids.value(), id) != ids.value().end();
}

// For a test of the namespace tree: on a line without one, checks that
// listns() is not there and returns true (the test ends there).
bool LineHasNoNamespaceTree()
{
	if (KernelAtLeast(6, 19))
		return false;
	EXPECT_THAT(ErrnoOf(ListUserNamespaces()), ErrnoIs(ENOSYS)) << "no listns() before Linux 6.19";
	return true;
}

void SleepMs(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, nullptr);
}

}  // namespace

USERNS_AREA(NamespaceTree);

// Two namespace files of one namespace give one id; another namespace
// has another.
TEST_F(NamespaceTree, EachUserNamespaceHasItsOwnId)
{
	if (LineHasNoNamespaceTree())
		return;
	UsernsChild a([] { return 0; }), b([] { return 0; });
	ASSERT_EQ(a.setup_error(), 0);
	ASSERT_EQ(b.setup_error(), 0);
	FileDescriptor a1(open(ProcPath(a.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	FileDescriptor a2(open(ProcPath(a.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	FileDescriptor b1(open(ProcPath(b.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	auto ida1 = NamespaceId(a1.get()), ida2 = NamespaceId(a2.get()), idb = NamespaceId(b1.get());
	ASSERT_THAT(ErrnoOf(ida1), ErrnoIs(0));
	ASSERT_THAT(ErrnoOf(ida2), ErrnoIs(0));
	ASSERT_THAT(ErrnoOf(idb), ErrnoIs(0));
	EXPECT_NE(ida1.value(), 0u);
	EXPECT_EQ(ida1.value(), ida2.value());
	EXPECT_NE(ida1.value(), idb.value());
}

// A namespace is listed while a task lives in it, and leaves the list
// once the task has exited and nothing else refers to it.
TEST_F(NamespaceTree, NamespaceIsListedWhileAliveAndLeavesTheTreeWhenFreed)
{
	if (LineHasNoNamespaceTree())
		return;
	uint64_t id = 0;
	{
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		FileDescriptor ns(open(ProcPath(child.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
		auto got = NamespaceId(ns.get());
		ASSERT_THAT(ErrnoOf(got), ErrnoIs(0));
		id = got.value();
		auto ids = ListUserNamespaces();
		ASSERT_THAT(ErrnoOf(ids), ErrnoIs(0));
		EXPECT_NE(std::ranges::find(ids.value(), id), ids.value().end())
			<< "a live namespace is missing from listns()";
		EXPECT_EQ(child.Finish(), 0);
	}
	int waited = 0;
	while (Listed(id) && waited < 5000) {
		SleepMs(20);
		waited += 20;
	}
	EXPECT_FALSE(Listed(id)) << "namespace " << id << " still listed 5 s after its last reference";
}

// Nested namespaces are listed too, each with the id NS_GET_ID gives,
// and all leave the tree once the innermost task is gone.
TEST_F(NamespaceTree, NestedNamespacesLeaveTheTreeWithTheirLastTask)
{
	if (LineHasNoNamespaceTree())
		return;
	Channel ids;
	int status = RunInChild([&ids] {
		uint64_t id[3] = {};
		for (int level = 0; level < 3; level++) {
			// Root of each level maps itself, so it may nest another.
			CHILD_CHECK_EQ(unshare(CLONE_NEWUSER), 0);
			CHILD_CHECK_OK(WriteFileOnce("/proc/self/uid_map", "0 0 1\n"));
			CHILD_CHECK_OK(WriteFileOnce("/proc/self/setgroups", "deny"));
			CHILD_CHECK_OK(WriteFileOnce("/proc/self/gid_map", "0 0 1\n"));
			FileDescriptor ns(open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC));
			auto got = NamespaceId(ns.get());
			CHILD_CHECK_OK(got);
			id[level] = got.value();
		}
		for (uint64_t i : id) {
			ids.Send(static_cast<int>(i & 0x7fffffff));
			ids.Send(static_cast<int>(i >> 31));
		}
		return 0;
	});
	ASSERT_EQ(status, 0);
	std::vector<uint64_t> nested;
	for (int i = 0; i < 3; i++) {
		int lo = ids.Receive(), hi = ids.Receive();
		ASSERT_GE(lo, 0);
		ASSERT_GE(hi, 0);
		nested.push_back(static_cast<uint64_t>(lo) | static_cast<uint64_t>(hi) << 31);
	}
	int waited = 0;
	auto any_listed = [&nested] {
		return std::any_of(nested.begin(), nested.end(), Listed);
	};
	while (any_listed() && waited < 5000) {
		SleepMs(20);
		waited += 20;
	}
	for (uint64_t id : nested)
		EXPECT_FALSE(Listed(id)) << "nested namespace " << id << " still listed 5 s after its task";
}
