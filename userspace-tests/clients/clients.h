// SPDX-License-Identifier: GPL-2.0
// What the tests of real clients share: where Debian puts the tools (make
// test-clients packs them, ci/run/clients-build), the users the guest's
// /etc grants ids to, and a namespace parked with maps its parent wrote.
// Every tool's run is recorded as a test property, so the host can compare
// ours with the reference line for line (ci/report/clients-compare).
#pragma once

#include <sys/types.h>

#include <cerrno>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "program.h"
#include "scratch_dir.h"
#include "userns.h"

// /etc/subuid and /etc/subgid grant the test user (kTestUid, "tester")
// this range of ids.
constexpr unsigned kSubidBase = 100000;
constexpr unsigned kSubidCount = 65536;

// A map file line as the kernel shows it ("%10u %10u %10u\n").
std::string MapLine(unsigned first, unsigned lower_first, unsigned count);

// RecordProperty(key, "exit N: output") for the host's comparison.
void Record(const std::string &key, const ErrnoOr<ProgramRun> &run);

// Runs a program (RunProgram), records its run under key and returns it.
ErrnoOr<ProgramRun> RunRecorded(const std::string &key, const std::vector<std::string> &argv,
				const std::function<int()> &before = nullptr);

// A child parked in a new user namespace whose maps this process (root)
// wrote: uids 0..999 are uid_base.., gids 0..999 are gid_base.., and, when
// projid_map is not empty, that projid_map. status(): success when all of
// it worked, else the errno of the step that failed (ASSERT_THAT(
// ns.status(), ErrnoIs(0))).
class MappedNamespace {
public:
	MappedNamespace(unsigned uid_base, unsigned gid_base, const std::string &projid_map = "");
	const Status &status() const { return status_; }
	pid_t pid() const { return child_.pid(); }

private:
	UsernsChild child_;
	Status status_;
};

// An ext4 filesystem in an image file, made by the guest's mke2fs with
// options and mounted at dir through a loop device (mount -o loop), for
// the tests of a whole area: unmounted and removed when it goes. Both runs
// are recorded (Record()).
class LoopExt4 {
public:
	LoopExt4(const char *image, const char *dir, const std::vector<std::string> &mkfs_options);
	~LoopExt4();
	LoopExt4(const LoopExt4 &) = delete;
	LoopExt4 &operator=(const LoopExt4 &) = delete;
	// Success when mke2fs and mount both exited 0 and said nothing; else
	// what they did: ASSERT_TRUE(ext4.Mounted()).
	::testing::AssertionResult Mounted() const;

private:
	std::string image_, dir_;
	ErrnoOr<ProgramRun> mkfs_ = ErrnoOr<ProgramRun>::Errno(ENOEXEC), mount_ = mkfs_;
};

// Creates (or truncates) a file owned by uid:gid with mode; false on failure.
bool MakeFile(const std::string &path, uid_t uid, gid_t gid, mode_t mode);
