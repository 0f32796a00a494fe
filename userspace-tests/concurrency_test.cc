// SPDX-License-Identifier: GPL-2.0
// Concurrency: a map is installed once, atomically. Racing writers see
// exactly one success; racing readers see no map or all of it.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "cpu_pin.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

constexpr int kWriters = 8;

USERNS_AREA(Concurrency);

// Threads racing to write one map: one wins, the others get EPERM.
TEST_F(Concurrency, RacingThreadsOneWriteWins)
{
	for (int round = 0; round < 5; round++) {
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		std::string path = ProcPath(child.pid(), "uid_map");
		std::vector<FileDescriptor> fds;
		for (int i = 0; i < kWriters; i++) {
			fds.emplace_back(open(path.c_str(), O_WRONLY));
			ASSERT_TRUE(fds.back().valid());
		}
		std::atomic<bool> go{false};
		std::vector<int> results(kWriters, -1);
		std::vector<std::thread> threads;
		for (int i = 0; i < kWriters; i++) {
			threads.emplace_back([&, i] {
				while (!go.load())
					;
				std::string m = "0 " + std::to_string(1000 * (i + 1)) + " 1000\n";
				results[i] = ErrnoOf(WriteAll(fds[i].get(), m));
			});
		}
		go = true;
		for (auto &t : threads)
			t.join();
		int wins = 0, eperm = 0;
		for (int r : results) {
			wins += r == 0;
			eperm += r == EPERM;
		}
		EXPECT_EQ(wins, 1) << "round " << round;
		EXPECT_EQ(eperm, kWriters - 1) << "round " << round;
		EXPECT_EQ(child.Finish(), 0);
	}
}

// Processes racing to write one map: one wins, the others get EPERM, and
// the map read back is the winner's.
TEST_F(Concurrency, RacingProcessesOneWriteWins)
{
	UsernsChild child([] { return 0; });
	ASSERT_EQ(child.setup_error(), 0);
	std::string path = ProcPath(child.pid(), "gid_map");
	Channel start;
	std::vector<ScopedChild> writers;
	for (int i = 0; i < kWriters; i++) {
		writers.emplace_back([&, i] {
			FileDescriptor fd(open(path.c_str(), O_WRONLY));
			if (!fd.valid())
				return 100;
			start.Receive();
			std::string m = "0 " + std::to_string(1000 * (i + 1)) + " 10\n";
			int err = ErrnoOf(WriteAll(fd.get(), m));
			return err == 0 ? 0 : err == EPERM ? 1 : 2;
		});
	}
	for (int i = 0; i < kWriters; i++)
		start.Send(1);
	int wins = 0, winner = -1;
	for (int i = 0; i < kWriters; i++) {
		int rc = writers[i].Wait();
		ASSERT_TRUE(rc == 0 || rc == 1) << "writer " << i << " status " << rc;
		if (rc == 0) {
			wins++;
			winner = i;
		}
	}
	ASSERT_EQ(wins, 1);
	char want[64];
	snprintf(want, sizeof(want), "%10u %10u %10u\n", 0u, 1000u * (winner + 1), 10u);
	EXPECT_EQ(ReadFile(path), want);
	EXPECT_EQ(child.Finish(), 0);
}

// Readers racing the writer of a 340-extent map read either nothing or
// the whole map, never a part of it nor extents not yet filled in (a
// count published before its extents reads as lines of zeros). On a
// two-CPU guest the window is small, so this is mostly a smoke test; the
// read after the write must show the whole map in any case.
TEST_F(Concurrency, ReadersSeeNoMapOrWholeMap)
{
	std::string text = ManyExtents(340);
	ASSERT_LT(text.size(), 4096u);
	std::string whole;
	for (int i = 0; i < 340; i++) {
		char line[64];
		snprintf(line, sizeof(line), "%10u %10u %10u\n", i * 2, i * 2, 1);
		whole += line;
	}
	for (int round = 0; round < 3; round++) {
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		std::string path = ProcPath(child.pid(), "uid_map");
		std::atomic<bool> stop{false};
		std::atomic<int> wrong{0}, reads{0};
		std::vector<std::thread> readers;
		for (int i = 0; i < 3; i++) {
			readers.emplace_back([&] {
				while (!stop.load()) {
					std::string m = ReadFile(path).value_or("");
					reads++;
					if (!m.empty() && m != whole)
						wrong++;
				}
			});
		}
		usleep(2000);
		EXPECT_THAT(child.WriteMap("uid_map", text), ErrnoIs(0));
		usleep(2000);
		stop = true;
		for (auto &t : readers)
			t.join();
		EXPECT_EQ(wrong.load(), 0) << "of " << reads.load() << " reads";
		EXPECT_EQ(ReadFile(path), whole);
		EXPECT_EQ(child.Finish(), 0);
	}
}

// Many publications, each raced by a reader spinning on an open map fd:
// the read is empty before the write and the whole map after, never
// anything else. Cheap here; make test-kcsan repeats it, so that the data
// race detector watches the count while it is published (a map's count is
// written once, so one publication rarely falls in a watchpoint). Writer
// and reader each have a CPU of their own.
TEST_F(Concurrency, ReadersSpinningOnEachPublicationSeeNoMapOrTheWholeOne)
{
	constexpr int kPublications = 100;
	const std::string text = "0 100000 65536\n";
	char whole[64];
	snprintf(whole, sizeof(whole), "%10u %10u %10u\n", 0, 100000, 65536);
	CpuPin writer_cpu(0);
	for (int i = 0; i < kPublications; i++) {
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		FileDescriptor fd(open(ProcPath(child.pid(), "uid_map").c_str(), O_RDONLY | O_CLOEXEC));
		ASSERT_THAT(fd.get(), SyscallSucceeds());
		std::atomic<bool> reading{false}, give_up{false};
		std::atomic<int> wrong{0};
		std::thread reader([&] {
			CpuPin reader_cpu(1);
			char buf[128];
			while (!give_up.load()) {
				ssize_t n = pread(fd.get(), buf, sizeof(buf), 0);
				reading = true;
				if (n > 0) {
					if (std::string(buf, n) != whole)
						wrong++;
					return;
				}
				if (n < 0) {
					wrong++;
					return;
				}
			}
		});
		while (!reading.load())
			sched_yield();
		Status written = child.WriteMap("uid_map", text);
		give_up = !written.ok();
		reader.join();
		EXPECT_THAT(written, ErrnoIs(0)) << "publication " << i;
		EXPECT_EQ(wrong.load(), 0) << "publication " << i;
		EXPECT_EQ(child.Finish(), 0);
	}
}

// A task spinning on getuid() while its own uid map is published sees the
// overflow uid, then its mapped uid, nothing else. getuid() is the cheapest
// read of a map's count, so under make test-kcsan a reader is nearly always
// in the detector's window when the publication is watched: a map read
// through /proc is too slow to fall in it reliably. Writer and reader each
// have a CPU of their own.
TEST_F(Concurrency, GetuidSpinningThroughEachPublicationSeesOverflowThenTheMappedId)
{
	constexpr int kPublications = 100;
	CpuPin writer_cpu(0);
	for (int i = 0; i < kPublications; i++) {
		Channel spinning;
		UsernsChild child([&spinning] {
			CpuPin reader_cpu(1);
			spinning.Send(1);
			uid_t uid;
			// Bounded, so that a map never seen fails instead of hanging.
			for (long n = 0; (uid = getuid()) == kOverflowUid; n++)
				CHILD_CHECK(n < 100000000);
			CHILD_CHECK_EQ(uid, 0);
			return 0;
		});
		ASSERT_EQ(child.setup_error(), 0);
		child.Go();
		ASSERT_EQ(spinning.Receive(), 1) << "publication " << i;
		// The child's uid is kernel uid 0, as this test's is.
		ASSERT_THAT(child.WriteMap("uid_map", "0 0 1\n"), ErrnoIs(0)) << "publication " << i;
		ASSERT_EQ(child.Finish(), 0) << "publication " << i;
	}
}

// A map file stays usable after its task (and so the namespace's last
// task) is gone: the open file holds the namespace. Reading gives the
// empty map, writing installs the map, nothing crashes.
TEST_F(Concurrency, MapFdOutlivesItsTask)
{
	FileDescriptor rd, wr;
	{
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		rd = FileDescriptor(open(ProcPath(child.pid(), "uid_map").c_str(), O_RDONLY));
		wr = FileDescriptor(open(ProcPath(child.pid(), "uid_map").c_str(), O_WRONLY));
		ASSERT_TRUE(rd.valid() && wr.valid());
		EXPECT_EQ(child.Finish(), 0);
	}
	char buf[128];
	EXPECT_THAT(read(rd.get(), buf, sizeof(buf)), SyscallSucceeds());
	EXPECT_THAT(WriteAll(wr.get(), "0 0 1\n"), ErrnoIs(0));
	ASSERT_THAT(lseek(rd.get(), 0, SEEK_SET), SyscallSucceeds());
	ssize_t n = read(rd.get(), buf, sizeof(buf) - 1);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	EXPECT_STREQ(buf, "         0          0          1\n");
}

// Readers and a writer racing the namespace's teardown: every open either
// fails because the task is gone or gives a file whose reads and write
// succeed. (A kernel splat would also fail the run.) "Gone" is ENOENT or
// ESRCH from /proc, or EINVAL: proc_id_map_open() answers EINVAL when the
// task it would take the namespace from has been released.
TEST_F(Concurrency, MapAccessRacingTeardownIsClean)
{
	auto gone = [](int e) { return e == ENOENT || e == ESRCH || e == EINVAL; };
	std::atomic<int> opened{0};
	std::mutex mu;
	std::vector<std::string> unexpected;  // "operation: errno", guarded by mu
	auto note = [&](const char *op, int err) {
		std::lock_guard<std::mutex> lock(mu);
		unexpected.push_back(std::string(op) + ": " + ErrnoName(err));
	};
	for (int round = 0; round < 20; round++) {
		auto child = std::make_unique<UsernsChild>([] { return 0; });
		ASSERT_EQ(child->setup_error(), 0);
		std::string path = ProcPath(child->pid(), "gid_map");
		std::atomic<bool> stop{false};
		std::thread reader([&] {
			while (!stop.load()) {
				FileDescriptor fd(open(path.c_str(), O_RDONLY));
				char buf[64];
				if (!fd.valid()) {
					if (!gone(errno))
						note("open for reading", errno);
					continue;
				}
				opened++;
				if (read(fd.get(), buf, sizeof(buf)) < 0)
					note("read", errno);
			}
		});
		std::thread writer([&] {
			FileDescriptor fd(open(path.c_str(), O_WRONLY));
			if (!fd.valid()) {
				if (!gone(errno))
					note("open for writing", errno);
				return;
			}
			if (int err = ErrnoOf(WriteAll(fd.get(), "0 0 10\n")))
				note("write", err);
		});
		child->Finish();
		child.reset();
		writer.join();
		stop = true;
		reader.join();
	}
	EXPECT_TRUE(unexpected.empty()) << testing::PrintToString(unexpected);
	EXPECT_GT(opened.load(), 0);
}

}  // namespace
