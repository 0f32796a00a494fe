// SPDX-License-Identifier: GPL-2.0
// ProjectId: project ids through the interface users have,
// FS_IOC_FSGETXATTR and FS_IOC_FSSETXATTR (and e2fsprogs' chattr -p and
// lsattr -p, which use them) on an ext4 filesystem with the project
// feature. ext4 keeps project ids as the initial namespace's
// (make_kprojid/from_kprojid(&init_user_ns)): set there, an id reads back
// as itself; inside a namespace with a projid_map it reads raw, and a
// change from there is EINVAL whatever the map says (fs/ioctl.c).
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "clients.h"
#include "errno_matchers.h"
#include "fd.h"

namespace {

constexpr const char *kImage = "/tmp/projid.img";
constexpr const char *kMount = "/tmp/projid";
constexpr unsigned kUidBase = 100000, kGidBase = 200000;
constexpr unsigned kProjid = 1234;

USERNS_AREA(ProjectId);

ErrnoOr<unsigned> GetProjid(const std::string &path)
{
	FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
	struct fsxattr fa = {};
	if (!fd.valid() || ioctl(fd.get(), FS_IOC_FSGETXATTR, &fa) != 0)
		return ErrnoOr<unsigned>::Errno(errno);
	return fa.fsx_projid;
}

Status SetProjid(const std::string &path, unsigned projid)
{
	FileDescriptor fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
	struct fsxattr fa = {};
	if (!fd.valid() || ioctl(fd.get(), FS_IOC_FSGETXATTR, &fa) != 0)
		return ErrnoStatus(errno);
	fa.fsx_projid = projid;
	return ErrnoStatus(ioctl(fd.get(), FS_IOC_FSSETXATTR, &fa) == 0 ? 0 : errno);
}

// The project id `lsattr -p FILE` printed (its first field), or why none.
std::string ProjidShown(const ErrnoOr<ProgramRun> &run)
{
	if (!run.ok() || run.value().status != 0)
		return "(lsattr failed)";
	const std::string &out = run.value().output;
	size_t start = out.find_first_not_of(' ');
	return start == std::string::npos ? "" : out.substr(start, out.find(' ', start) - start);
}

// An ext4 filesystem with the project feature, on a loop device, for the
// whole area; a file on it owned by the namespace's root with kProjid.
class ProjectIdFile : public ProjectId {
protected:
	static void SetUpTestSuite()
	{
		ext4_ = std::make_unique<LoopExt4>(kImage, kMount,
						   std::vector<std::string>{"-I", "256", "-O", "project,quota"});
	}
	static void TearDownTestSuite() { ext4_.reset(); }
	void SetUp() override
	{
		ProjectId::SetUp();
		if (IsSkipped())
			return;
		ASSERT_TRUE(ext4_->Mounted());
		ASSERT_TRUE(MakeFile(file_, kUidBase, kGidBase, 0644));
		ASSERT_THAT(SetProjid(file_, kProjid), ErrnoIs(0));
		ASSERT_THAT(ns_.status(), ErrnoIs(0));
	}
	void TearDown() override { unlink(file_.c_str()); }

	static inline std::unique_ptr<LoopExt4> ext4_;
	std::string file_ = std::string(kMount) + "/file";
	// Project ids 0..99 are 1200.. inside: kProjid would read as 34.
	MappedNamespace ns_{kUidBase, kGidBase, "0 1200 100\n"};
};

TEST_F(ProjectIdFile, SetInTheInitialNamespaceReadsBackAsItself)
{
	EXPECT_EQ(GetProjid(file_), kProjid);
	ASSERT_THAT(SetProjid(file_, 4000000000u), ErrnoIs(0));
	EXPECT_EQ(GetProjid(file_), 4000000000u);
}

TEST_F(ProjectIdFile, ChattrSetsAndLsattrShowsIt)
{
	EXPECT_EQ(RunRecorded("chattr", {"/usr/bin/chattr", "-p", "42", file_}), (ProgramRun{0, ""}));
	EXPECT_EQ(GetProjid(file_), 42u);
	EXPECT_EQ(ProjidShown(RunRecorded("lsattr", {"/usr/bin/lsattr", "-p", file_})), "42");
}

TEST_F(ProjectIdFile, ReadInsideANamespaceIsTheRawId)
{
	EXPECT_EQ(RunInChild([&] {
			  CHILD_CHECK_EQ(AsRootOf(ns_.pid())(), 0);
			  CHILD_CHECK_EQ(GetProjid(file_), kProjid);
			  return 0;
		  }),
		  0);
	EXPECT_EQ(ProjidShown(RunRecorded("lsattr", {"/usr/bin/lsattr", "-p", file_}, AsRootOf(ns_.pid()))),
		  std::to_string(kProjid));
}

TEST_F(ProjectIdFile, AChangeFromInsideIsEinvalEvenToAMappedId)
{
	EXPECT_EQ(RunInChild([&] {
			  CHILD_CHECK_EQ(AsRootOf(ns_.pid())(), 0);
			  CHILD_CHECK_OK(SetProjid(file_, kProjid));
			  CHILD_CHECK_EQ(ErrnoOf(SetProjid(file_, 1201)), EINVAL);
			  CHILD_CHECK_EQ(ErrnoOf(SetProjid(file_, 1)), EINVAL);
			  CHILD_CHECK_EQ(ErrnoOf(SetProjid(file_, 5000)), EINVAL);
			  return 0;
		  }),
		  0);
	ErrnoOr<ProgramRun> run = RunRecorded("chattr", {"/usr/bin/chattr", "-p", "1201", file_}, AsRootOf(ns_.pid()));
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_NE(run.value().status, 0);
	EXPECT_NE(run.value().output.find("Invalid argument"), std::string::npos) << run.value().output;
	EXPECT_EQ(GetProjid(file_), kProjid);
}

}  // namespace
