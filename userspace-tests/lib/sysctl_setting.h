// SPDX-License-Identifier: GPL-2.0
// A sysctl set for a test's lifetime, then restored: construct it with
// the knob's path under /proc/sys and the value; status() says whether the
// write worked.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "errno_matchers.h"
#include "userns.h"

class SysctlSetting {
public:
	SysctlSetting(std::string path, const std::string &value)
		: path_(std::move(path)), saved_(ReadFile(path_))
	{
		status_ = saved_.ok() ? WriteFileOnce(path_, value) : Status::Errno(saved_.error());
	}
	~SysctlSetting()
	{
		if (saved_.ok()) {
			EXPECT_THAT(WriteFileOnce(path_, saved_.value()), ErrnoIs(0))
				<< "restoring " << path_;
		}
	}
	SysctlSetting(const SysctlSetting &) = delete;
	SysctlSetting &operator=(const SysctlSetting &) = delete;
	const Status &status() const { return status_; }

private:
	std::string path_;
	ErrnoOr<std::string> saved_;
	Status status_;
};
