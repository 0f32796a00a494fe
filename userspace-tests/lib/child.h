// SPDX-License-Identifier: GPL-2.0
// Forked children that report through exit status, and a pipe to step
// them. Children never call gtest assertions: they use CHILD_CHECK, which
// prints where it failed and exits with status 1.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "errno_or.h"
#include "fd.h"

// Inside a forked child only. A failure prints the check and errno (as
// the last failed call left it).
#define CHILD_CHECK(cond)                                                    \
	do {                                                                 \
		if (!(cond))                                                 \
			ChildFail(__FILE__, __LINE__, #cond, errno);         \
	} while (0)
// CHILD_CHECK_EQ(a, b): a equals b (integers by value, whatever their
// types' signedness); when they differ it prints both values, and errno as
// the last failed call left it.
#define CHILD_CHECK_EQ(a, b)                                                 \
	do {                                                                 \
		const auto &a_ = (a);                                        \
		const auto &b_ = (b);                                        \
		int e_ = errno;                                              \
		if (!ChildEqual(a_, b_))                                     \
			ChildFailEq(__FILE__, __LINE__, #a, ChildShow(a_), #b,   \
				    ChildShow(b_), e_);                          \
	} while (0)
// CHILD_CHECK_OK(result): a helper's ErrnoOr must have succeeded; a
// failure prints its errno.
#define CHILD_CHECK_OK(result)                                               \
	do {                                                                 \
		int e_ = ErrnoOf(result);                                    \
		if (e_ != 0)                                                 \
			ChildFail(__FILE__, __LINE__, #result, e_);          \
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
[[noreturn]] void ChildFailEq(const char *file, int line, const char *a, const std::string &got,
			      const char *b, const std::string &want, int err);

// CHILD_CHECK_EQ's comparison: integers by their values (std::cmp_equal),
// everything else with ==.
template <typename A, typename B>
bool ChildEqual(const A &a, const B &b)
{
	if constexpr (std::is_integral_v<A> && std::is_integral_v<B> && !std::is_same_v<A, bool> &&
		      !std::is_same_v<B, bool>)
		return std::cmp_equal(a, b);
	else
		return a == b;
}

// A value as a failed check prints it: numbers in decimal, text quoted.
std::string ChildShow(std::string_view text);
inline std::string ChildShow(std::nullptr_t) { return "nullptr"; }
template <typename T>
std::string ChildShow(const ErrnoOr<T> &result);
template <typename T>
	requires std::is_integral_v<T> || std::is_enum_v<T> ||
		 (std::is_pointer_v<T> && !std::is_same_v<std::remove_cv_t<std::remove_pointer_t<T>>, char>)
std::string ChildShow(T value)
{
	if constexpr (std::is_same_v<T, bool>)
		return value ? "true" : "false";
	else if constexpr (std::is_pointer_v<T>)
		return std::to_string(reinterpret_cast<uintptr_t>(value));
	else if constexpr (std::is_enum_v<T>)
		return ChildShow(static_cast<std::underlying_type_t<T>>(value));
	else if constexpr (std::is_signed_v<T>)
		return std::to_string(static_cast<long long>(value));
	else
		return std::to_string(static_cast<unsigned long long>(value));
}
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

template <typename T>
std::string ChildShow(const ErrnoOr<T> &result)
{
	if (!result.ok())
		return "failed with " + ErrnoName(result.error());
	if constexpr (std::is_same_v<T, std::monostate>)
		return "success";
	else
		return ChildShow(result.value());
}
