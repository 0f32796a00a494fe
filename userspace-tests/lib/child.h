// SPDX-License-Identifier: GPL-2.0
// Forked children that report through exit status, and a pipe to step
// them. Children never call gtest assertions: they use CHILD_CHECK, which
// prints where it failed and exits with status 1.
#pragma once

#include <sys/types.h>

#include <functional>

#include "fd.h"

// Inside a forked child only. A failure prints the check and errno (as
// the last failed call left it).
#define CHILD_CHECK(cond)                                                    \
	do {                                                                 \
		if (!(cond))                                                 \
			ChildFail(__FILE__, __LINE__, #cond, errno);         \
	} while (0)
// CHILD_CHECK_EQ(a, b): prints both values when they differ.
#define CHILD_CHECK_EQ(a, b)                                                 \
	do {                                                                 \
		long long a_ = (long long)(a), b_ = (long long)(b);          \
		if (a_ != b_)                                                \
			ChildFailEq(__FILE__, __LINE__, #a, a_, #b, b_);     \
	} while (0)
// CHILD_CHECK_ERRNO(call, E): call must fail with errno E.
#define CHILD_CHECK_ERRNO(call, e)                                           \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (long)(call);                                      \
		if (r_ != -1 || errno != (e))                                \
			ChildFailErrno(__FILE__, __LINE__, #call, r_, errno, \
				       e);                                   \
	} while (0)

[[noreturn]] void ChildFail(const char *file, int line, const char *what, int err);
[[noreturn]] void ChildFailEq(const char *file, int line, const char *a, long long got,
			      const char *b, long long want);
[[noreturn]] void ChildFailErrno(const char *file, int line, const char *what,
				 long ret, int got, int want);

// A one-way pipe carrying ints, for stepping a child.
class Channel {
public:
	Channel();
	void Send(int value);
	// The value sent, or -1 when the other end closed or nothing came
	// within timeout_ms (-1: wait for ever).
	int Receive(int timeout_ms = 20000);
	void CloseRead() { rd_.reset(); }
	void CloseWrite() { wr_.reset(); }

private:
	FileDescriptor rd_, wr_;
};

// Exit status of a waited child: its exit code, or 128 + signal.
int DecodeWaitStatus(int status);

// Forks; the child runs fn and _exits with its return value. The destructor
// kills and reaps a child still running, so no test leaks one.
class ScopedChild {
public:
	explicit ScopedChild(const std::function<int()> &fn);
	ScopedChild(ScopedChild &&o) noexcept;
	ScopedChild(const ScopedChild &) = delete;
	ScopedChild &operator=(const ScopedChild &) = delete;
	~ScopedChild();

	pid_t pid() const { return pid_; }
	// Waits for the child; its exit code, or 128 + signal.
	int Wait();

private:
	pid_t pid_ = -1;
};

// Runs fn in a forked child and returns its exit status.
int RunInChild(const std::function<int()> &fn);
