// SPDX-License-Identifier: GPL-2.0
// Concurrency: a map is installed once, atomically. Racing writers see
// exactly one success; racing readers see no map or all of it.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "userns.h"

namespace {

constexpr int kWriters = 8;

// Threads racing to write one map: one wins, the others get EPERM.
TEST(Concurrency, RacingThreadsOneWriteWins)
{
	SKIP_UNLESS_USERNS();
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
				results[i] = WriteAll(fds[i].get(), m);
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
TEST(Concurrency, RacingProcessesOneWriteWins)
{
	SKIP_UNLESS_USERNS();
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
			int err = WriteAll(fd.get(), m);
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
// the whole map, never a part of it.
TEST(Concurrency, ReadersSeeNoMapOrWholeMap)
{
	SKIP_UNLESS_USERNS();
	for (int round = 0; round < 3; round++) {
		UsernsChild child([] { return 0; });
		ASSERT_EQ(child.setup_error(), 0);
		std::string path = ProcPath(child.pid(), "uid_map");
		std::string text = ManyExtents(340);
		ASSERT_LT(text.size(), 4096u);
		std::atomic<bool> stop{false};
		std::atomic<int> partial{0}, full{0}, empty{0};
		std::string whole;
		std::vector<std::thread> readers;
		for (int i = 0; i < 3; i++) {
			readers.emplace_back([&] {
				while (!stop.load()) {
					std::string m = ReadFile(path);
					if (m.empty())
						empty++;
					else if (std::count(m.begin(), m.end(), '\n') == 340)
						full++;
					else
						partial++;
				}
			});
		}
		usleep(2000);
		EXPECT_THAT(child.WriteMap("uid_map", text), ErrnoIs(0));
		usleep(2000);
		stop = true;
		for (auto &t : readers)
			t.join();
		EXPECT_EQ(partial.load(), 0);
		EXPECT_GT(full.load() + empty.load(), 0);
		EXPECT_EQ(child.Finish(), 0);
	}
}

}  // namespace
