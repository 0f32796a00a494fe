// SPDX-License-Identifier: GPL-2.0
#include "clients.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

std::string MapLine(unsigned first, unsigned lower_first, unsigned count)
{
	char line[40];
	snprintf(line, sizeof(line), "%10u %10u %10u\n", first, lower_first, count);
	return line;
}

void Record(const std::string &key, const ErrnoOr<ProgramRun> &run)
{
	std::string text = run.ok() ? "exit " + std::to_string(run.value().status) + ": " +
					      run.value().output
				    : "not run: " + ErrnoName(run.error());
	::testing::Test::RecordProperty(key, text);
}

ErrnoOr<ProgramRun> RunRecorded(const std::string &key, const std::vector<std::string> &argv,
				const std::function<int()> &before)
{
	ErrnoOr<ProgramRun> run = RunProgram(argv, before);
	Record(key, run);
	return run;
}

MappedNamespace::MappedNamespace(unsigned uid_base, unsigned gid_base, const std::string &projid_map)
	: child_([] { return 0; })
{
	if (child_.setup_error() != 0) {
		status_ = Status::Errno(child_.setup_error() > 0 ? child_.setup_error() : kSetupFailed);
		return;
	}
	status_ = child_.WriteMap("uid_map", "0 " + std::to_string(uid_base) + " 1000\n");
	if (status_.ok())
		status_ = child_.WriteMap("gid_map", "0 " + std::to_string(gid_base) + " 1000\n");
	if (status_.ok() && !projid_map.empty())
		status_ = child_.WriteMap("projid_map", projid_map);
}

LoopExt4::LoopExt4(const char *image, const char *dir, const std::vector<std::string> &mkfs_options)
	: image_(image), dir_(dir)
{
	mkdir(dir, 0755);
	// The image exists, so mke2fs says nothing on success.
	int fd = open(image, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	bool sized = fd >= 0 && ftruncate(fd, 8 << 20) == 0;
	if (fd >= 0)
		close(fd);
	if (!sized)
		return;
	std::vector<std::string> mkfs = {"/sbin/mke2fs", "-q", "-F", "-t", "ext4"};
	mkfs.insert(mkfs.end(), mkfs_options.begin(), mkfs_options.end());
	mkfs.push_back(image);
	Record("mkfs", mkfs_ = RunProgram(mkfs));
	Record("mount", mount_ = RunProgram({"/bin/mount", "-t", "ext4", "-o", "loop", image, dir}));
}

::testing::AssertionResult LoopExt4::Mounted() const
{
	const ProgramRun quiet{0, ""};
	if (mkfs_ == quiet && mount_ == quiet)
		return ::testing::AssertionSuccess();
	return ::testing::AssertionFailure() << "mke2fs " << ::testing::PrintToString(mkfs_)
					     << ", mount " << ::testing::PrintToString(mount_);
}

LoopExt4::~LoopExt4()
{
	umount2(dir_.c_str(), MNT_DETACH);
	unlink(image_.c_str());
}

bool MakeFile(const std::string &path, uid_t uid, gid_t gid, mode_t mode)
{
	int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	return fd >= 0 && close(fd) == 0 && chown(path.c_str(), uid, gid) == 0 &&
	       chmod(path.c_str(), mode) == 0;
}
