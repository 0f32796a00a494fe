// SPDX-License-Identifier: GPL-2.0
#include "watchdog.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Parent pid of every process, from /proc/<pid>/stat.
std::map<pid_t, pid_t> ParentsOfAll()
{
	std::map<pid_t, pid_t> parent;
	DIR *d = opendir("/proc");
	if (!d)
		return parent;
	while (struct dirent *e = readdir(d)) {
		pid_t pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
		std::string line;
		std::getline(stat, line);
		size_t paren = line.rfind(')');
		if (paren == std::string::npos)
			continue;
		std::istringstream rest(line.substr(paren + 2));
		char state;
		pid_t ppid;
		if (rest >> state >> ppid)
			parent[pid] = ppid;
	}
	closedir(d);
	return parent;
}

// SIGKILLs every descendant of this process; the number killed.
int KillDescendants()
{
	int killed = 0;
	auto parent = ParentsOfAll();
	for (const auto &[pid, ppid] : parent) {
		for (pid_t p = ppid; p > 1; p = parent.count(p) ? parent[p] : 0) {
			if (p == getpid()) {
				killed += kill(pid, SIGKILL) == 0;
				break;
			}
		}
	}
	return killed;
}

std::string XmlEscape(const std::string &s)
{
	std::string out;
	for (char c : s) {
		switch (c) {
		case '<': out += "&lt;"; break;
		case '>': out += "&gt;"; break;
		case '&': out += "&amp;"; break;
		case '"': out += "&quot;"; break;
		case '\n': out += "&#10;"; break;
		default: out += c;
		}
	}
	return out;
}

struct Finished {
	std::string suite, name, failure;
	bool skipped;
	double seconds;
};

class Watchdog : public ::testing::EmptyTestEventListener {
public:
	Watchdog(int seconds, int grace_seconds, std::string xml_path)
		: limit_(seconds), grace_(grace_seconds), xml_path_(std::move(xml_path)),
		  thread_([this] { Run(); })
	{
	}

	// gtest deletes its listeners at exit: stop the thread first (a
	// condition variable cannot be destroyed under a waiter).
	~Watchdog() override
	{
		{
			std::lock_guard<std::mutex> lock(mu_);
			stop_ = true;
		}
		cv_.notify_all();
		thread_.join();
	}

	void OnTestStart(const ::testing::TestInfo &info) override
	{
		std::lock_guard<std::mutex> lock(mu_);
		suite_ = info.test_suite_name();
		name_ = info.name();
		started_ = Clock::now();
		running_ = true;
		generation_++;
		cv_.notify_all();
	}

	void OnTestEnd(const ::testing::TestInfo &info) override
	{
		const ::testing::TestResult *r = info.result();
		Finished f{info.test_suite_name(), info.name(), "", r->Skipped(),
			   r->elapsed_time() / 1000.0};
		for (int i = 0; i < r->total_part_count(); i++) {
			const auto &part = r->GetTestPartResult(i);
			if (part.failed())
				f.failure += part.message() + std::string("\n");
		}
		std::lock_guard<std::mutex> lock(mu_);
		done_.push_back(std::move(f));
		running_ = false;
		cv_.notify_all();
	}

private:
	void Run()
	{
		std::unique_lock<std::mutex> lock(mu_);
		for (;;) {
			cv_.wait(lock, [this] { return running_ || stop_; });
			if (stop_)
				return;
			unsigned long gen = generation_;
			auto deadline = started_ + std::chrono::seconds(limit_);
			if (cv_.wait_until(lock, deadline, [&] {
				    return !running_ || generation_ != gen || stop_;
			    }))
				continue;
			std::string test = suite_ + "." + name_;
			lock.unlock();
			Expire(test);
			lock.lock();
			if (cv_.wait_for(lock, std::chrono::seconds(grace_),
					 [&] { return !running_ || generation_ != gen; }))
				continue;
			GiveUp(test);
		}
	}

	// The test ran out of time: fail it, then kill what it started. In
	// that order: once its children die the test may end at once, and a
	// failure recorded after its end would be lost.
	void Expire(const std::string &test)
	{
		std::string msg = "TIMEOUT: " + test + " did not finish within " +
				  std::to_string(limit_) +
				  " s (watchdog); the processes it started are killed";
		GTEST_NONFATAL_FAILURE_(msg.c_str());
		int killed = KillDescendants();
		printf("[  TIMEOUT ] %s: no result after %d s; killed %d process(es) it started\n",
		       test.c_str(), limit_, killed);
		fflush(stdout);
	}

	// The test is still blocked after the children were killed: report
	// what finished, the hung test failed, and stop.
	[[noreturn]] void GiveUp(const std::string &test)
	{
		printf("[  TIMEOUT ] %s: still blocked %d s later; writing the results so far "
		       "and exiting\n", test.c_str(), grace_);
		fflush(stdout);
		Finished hung{suite_, name_,
			      "TIMEOUT: " + test + " did not finish within " +
				      std::to_string(limit_) + " s and stayed blocked (watchdog)",
			      false, (double)limit_ + grace_};
		done_.push_back(hung);
		WriteXml();
		_exit(1);
	}

	// The finished tests as a JUnit file of the shape gtest writes.
	void WriteXml()
	{
		if (xml_path_.empty())
			return;
		std::map<std::string, std::vector<const Finished *>> suites;
		int failures = 0;
		for (const auto &f : done_) {
			suites[f.suite].push_back(&f);
			failures += !f.failure.empty();
		}
		FILE *out = fopen(xml_path_.c_str(), "w");
		if (!out)
			return;
		fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			     "<testsuites tests=\"%zu\" failures=\"%d\" name=\"AllTests\">\n",
			done_.size(), failures);
		for (const auto &[suite, cases] : suites) {
			fprintf(out, "  <testsuite name=\"%s\" tests=\"%zu\">\n",
				XmlEscape(suite).c_str(), cases.size());
			for (const Finished *f : cases) {
				fprintf(out,
					"    <testcase name=\"%s\" status=\"run\" result=\"%s\" "
					"time=\"%.3f\" classname=\"%s\">\n",
					XmlEscape(f->name).c_str(), f->skipped ? "skipped" : "completed",
					f->seconds, XmlEscape(suite).c_str());
				if (!f->failure.empty())
					fprintf(out, "      <failure message=\"%s\"/>\n",
						XmlEscape(f->failure).c_str());
				else if (f->skipped)
					fprintf(out, "      <skipped message=\"\"/>\n");
				fprintf(out, "    </testcase>\n");
			}
			fprintf(out, "  </testsuite>\n");
		}
		fprintf(out, "</testsuites>\n");
		fclose(out);
	}

	const int limit_, grace_;
	const std::string xml_path_;
	std::mutex mu_;
	std::condition_variable cv_;
	bool running_ = false, stop_ = false;
	unsigned long generation_ = 0;
	std::string suite_, name_;
	Clock::time_point started_;
	std::vector<Finished> done_;
	std::thread thread_;
};

}  // namespace

void InstallWatchdog(int seconds, int grace_seconds, const std::string &xml_path)
{
	if (seconds <= 0)
		return;
	::testing::UnitTest::GetInstance()->listeners().Append(
		new Watchdog(seconds, grace_seconds, xml_path));
}
