// SPDX-License-Identifier: GPL-2.0
#include "child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "errno_matchers.h"

void ChildFail(const char *file, int line, const char *what, int err)
{
	fprintf(stderr, "child %d: %s:%d: check failed: %s (errno %s)\n",
		getpid(), file, line, what, ErrnoName(err).c_str());
	_exit(1);
}

void ChildFailErrno(const char *file, int line, const char *what, long ret,
		    int got, int want)
{
	fprintf(stderr,
		"child %d: %s:%d: %s returned %ld errno %s, wanted -1 %s\n",
		getpid(), file, line, what, ret, ErrnoName(got).c_str(),
		ErrnoName(want).c_str());
	_exit(1);
}

Channel::Channel()
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0)
		abort();
	rd_.reset(fds[0]);
	wr_.reset(fds[1]);
}

void Channel::Send(int value)
{
	if (write(wr_.get(), &value, sizeof(value)) != sizeof(value))
		abort();
}

int Channel::Receive(int timeout_ms)
{
	struct pollfd pfd = {.fd = rd_.get(), .events = POLLIN, .revents = 0};
	int value;
	ssize_t n;

	int ready;

	// A signal (SIGCHLD from a test's other child) must not read as
	// "nothing came".
	do {
		ready = poll(&pfd, 1, timeout_ms);
	} while (ready < 0 && errno == EINTR);
	if (ready != 1)
		return -1;
	do {
		n = read(rd_.get(), &value, sizeof(value));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(value) ? value : -1;
}

int DecodeWaitStatus(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

ScopedChild::ScopedChild(const std::function<int()> &fn)
{
	fflush(nullptr);
	pid_ = fork();
	if (pid_ == 0)
		_exit(fn());
}

ScopedChild::ScopedChild(ScopedChild &&o) noexcept : pid_(o.pid_)
{
	o.pid_ = -1;
}

ScopedChild::~ScopedChild()
{
	if (pid_ > 0) {
		kill(pid_, SIGKILL);
		waitpid(pid_, nullptr, 0);
	}
}

int ScopedChild::Wait()
{
	int status;

	if (pid_ <= 0)
		return 255;
	while (waitpid(pid_, &status, 0) < 0) {
		if (errno != EINTR)
			return 255;
	}
	pid_ = -1;
	return DecodeWaitStatus(status);
}

int RunInChild(const std::function<int()> &fn)
{
	return ScopedChild(fn).Wait();
}

void ChildFailEq(const char *file, int line, const char *a, const std::string &got, const char *b,
		 const std::string &want, int err)
{
	fprintf(stderr, "child %d: %s:%d: %s is %s, wanted %s = %s (errno %s)\n", getpid(), file,
		line, a, got.c_str(), b, want.c_str(), ErrnoName(err).c_str());
	_exit(1);
}

std::string ChildShow(std::string_view text)
{
	std::string out = "\"";
	for (char c : text) {
		if (c == '\n')
			out += "\\n";
		else if (c == '\t')
			out += "\\t";
		else if (c == '"' || c == '\\')
			out += std::string("\\") + c;
		else
			out += c;
	}
	return out + "\"";
}
