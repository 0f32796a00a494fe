// SPDX-License-Identifier: GPL-2.0
// ErrnoOr<T>: what every helper returns, a value or the errno of the step
// that failed (gVisor's PosixErrorOr, in small). ErrnoOr<> carries no
// value: it is the status of a helper that only succeeds or fails.
//   ErrnoOr<std::string> m = ReadFile(path);
//   EXPECT_EQ(ReadFile(path), "0 0 1\n");     // a failure prints its errno
//   EXPECT_THAT(WriteFileOnce(path, text), ErrnoIs(EPERM));
//   CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));    // in a forked child
#pragma once

#include <cstdlib>
#include <cstring>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

// An errno value by name: "EPERM"; 0 is "success".
inline std::string ErrnoName(int e)
{
	if (e == 0)
		return "success";
	if (e < 0)
		return "no errno (" + std::to_string(e) + ": the test's setup failed)";
	const char *name = strerrorname_np(e);
	return name ? name : "errno " + std::to_string(e);
}

template <typename T = std::monostate>
class [[nodiscard]] ErrnoOr {
public:
	// Success (a status, or a default value).
	ErrnoOr() = default;
	ErrnoOr(T value) : value_(std::move(value)) {}
	// The failure errno e; 0 is success.
	static ErrnoOr Errno(int e)
	{
		ErrnoOr r;
		r.errno_ = e;
		return r;
	}

	bool ok() const { return errno_ == 0; }
	// The errno of the failure, 0 on success.
	int error() const { return errno_; }
	// The value; asking a failed result for one aborts the test binary.
	const T &value() const
	{
		if (!ok())
			abort();
		return value_;
	}
	T value_or(T fallback) const { return ok() ? value_ : std::move(fallback); }

	// A result compares as its value when it succeeded, and equal to
	// no value when it failed.
	friend bool operator==(const ErrnoOr &a, const T &b)
		requires(!std::is_same_v<T, std::monostate>)
	{
		return a.ok() && a.value_ == b;
	}
	friend void PrintTo(const ErrnoOr &r, std::ostream *os)
	{
		if (!r.ok())
			*os << "failed with " << ErrnoName(r.errno_);
		else if constexpr (std::is_same_v<T, std::monostate>)
			*os << "success";
		else if constexpr (std::is_convertible_v<T, std::string>)
			*os << '"' << r.value_ << '"';
		else
			*os << r.value_;
	}

private:
	T value_{};
	int errno_ = 0;
};

using Status = ErrnoOr<>;

// The status of a step that returns 0 or an errno value.
inline Status ErrnoStatus(int e) { return Status::Errno(e); }

// The errno a result carries (0 on success); plain ints are errno values.
inline int ErrnoOf(int e) { return e; }
template <typename T>
int ErrnoOf(const ErrnoOr<T> &r)
{
	return r.error();
}
