// SPDX-License-Identifier: GPL-2.0
// AclTools: Debian's setfacl and getfacl (package acl) on tmpfs, in a
// namespace whose uid and gid maps differ (uids 0..999 are 100000..,
// gids 0..999 are 200000..), so an entry taken through the wrong map
// shows. Entries are stored as kernel ids and shown through the reader's
// namespace; one the reader cannot map reads as 4294967295.
#include <string>

#include <gtest/gtest.h>

#include "clients.h"
#include "errno_matchers.h"

namespace {

constexpr const char *kSetfacl = "/usr/bin/setfacl";
constexpr const char *kGetfacl = "/usr/bin/getfacl";
constexpr unsigned kUidBase = 100000, kGidBase = 200000;

USERNS_AREA(AclTools);

std::string Getfacl(const std::string &key, const std::string &path,
		    const std::function<int()> &before = nullptr)
{
	ErrnoOr<ProgramRun> run = RunRecorded(key, {kGetfacl, "-n", "-p", "--omit-header", path}, before);
	return run.ok() && run.value().status == 0 ? run.value().output : "(getfacl failed)";
}

std::string AccessAcl(const std::string &user, const std::string &group)
{
	return "user::rw-\nuser:" + user + ":rwx\ngroup::r--\ngroup:" + group +
	       ":r-x\nmask::rwx\nother::---\n\n";
}

class AclToolsFile : public AclTools {
protected:
	void SetUp() override
	{
		AclTools::SetUp();
		if (IsSkipped())
			return;
		ASSERT_THAT(dir_.status(), ErrnoIs(0));
		ASSERT_TRUE(MakeFile(file_, kUidBase, kGidBase, 0640));
		ASSERT_THAT(ns_.status(), ErrnoIs(0));
	}
	ScratchDir dir_{"acl-tools", kUidBase, kGidBase, 0755};
	std::string file_ = dir_ / "file";
	MappedNamespace ns_{kUidBase, kGidBase};
};

TEST_F(AclToolsFile, SetfaclInsideStoresKernelIdsEachThroughItsOwnMap)
{
	ASSERT_EQ(RunRecorded("setfacl", {kSetfacl, "-m", "u:5:rwx,g:7:r-x", file_}, AsRootOf(ns_.pid())),
		  (ProgramRun{0, ""}));
	EXPECT_EQ(Getfacl("parent", file_), AccessAcl("100005", "200007"));
	EXPECT_EQ(Getfacl("inside", file_, AsRootOf(ns_.pid())), AccessAcl("5", "7"));
}

TEST_F(AclToolsFile, GetfaclShowsAnIdItsNamespaceCannotMapAsMinusOne)
{
	ASSERT_EQ(RunProgram({kSetfacl, "-m", "u:100005:rwx,g:200007:r-x", file_}), (ProgramRun{0, ""}));
	MappedNamespace other(300000, 400000);
	ASSERT_THAT(other.status(), ErrnoIs(0));
	EXPECT_EQ(Getfacl("unrelated", file_, AsRootOf(other.pid())), AccessAcl("4294967295", "4294967295"));
	EXPECT_EQ(Getfacl("inside", file_, AsRootOf(ns_.pid())), AccessAcl("5", "7"));
}

TEST_F(AclToolsFile, SetfaclInsideRefusesAnEntryForAnIdItCannotMap)
{
	ErrnoOr<ProgramRun> run = RunRecorded("unmapped", {kSetfacl, "-m", "u:5000:r", file_}, AsRootOf(ns_.pid()));
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_EQ(run.value().status, 1);
	EXPECT_NE(run.value().output.find("Invalid argument"), std::string::npos) << run.value().output;
	EXPECT_EQ(Getfacl("after", file_), "user::rw-\ngroup::r--\nother::---\n\n");
}

TEST_F(AclToolsFile, ADefaultAclSetInsideIsInheritedInKernelIds)
{
	std::string sub = dir_ / "sub", inner = dir_ / "sub/inner";
	ASSERT_EQ(mkdir(sub.c_str(), 0750), 0);
	ASSERT_EQ(chown(sub.c_str(), kUidBase, kGidBase), 0);
	ASSERT_EQ(RunRecorded("setfacl", {kSetfacl, "-d", "-m", "u:5:r-x,g:7:r-x", sub}, AsRootOf(ns_.pid())),
		  (ProgramRun{0, ""}));
	ASSERT_EQ(mkdir(inner.c_str(), 0750), 0);
	std::string dflt = "user:100005:r-x\ngroup::r-x\ngroup:200007:r-x\nmask::r-x\nother::---\n";
	EXPECT_EQ(Getfacl("parent", inner),
		  "user::rwx\n" + dflt + "default:user::rwx\ndefault:" +
			  "user:100005:r-x\ndefault:group::r-x\ndefault:group:200007:r-x\ndefault:mask::r-x\ndefault:other::---\n\n");
}

}  // namespace
