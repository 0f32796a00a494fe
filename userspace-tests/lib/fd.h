// SPDX-License-Identifier: GPL-2.0
// FileDescriptor: owns one fd and closes it.
#pragma once

#include <unistd.h>

#include <utility>

class FileDescriptor {
public:
	FileDescriptor() = default;
	explicit FileDescriptor(int fd) : fd_(fd) {}
	FileDescriptor(FileDescriptor &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
	FileDescriptor &operator=(FileDescriptor &&o) noexcept
	{
		reset(std::exchange(o.fd_, -1));
		return *this;
	}
	FileDescriptor(const FileDescriptor &) = delete;
	FileDescriptor &operator=(const FileDescriptor &) = delete;
	~FileDescriptor() { reset(); }

	int get() const { return fd_; }
	bool valid() const { return fd_ >= 0; }
	int release() { return std::exchange(fd_, -1); }
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};
