// SPDX-License-Identifier: GPL-2.0
// CapTools: Debian's setcap and getcap (libcap2-bin; getcap -n shows
// the rootid). A file capability
// set by a namespace's root is stored as v3 with that root's kernel uid
// as its rootid: the parent sees the rootid, the namespace sees a plain
// capability, and a namespace whose root is someone else sees none.
#include <string>

#include <gtest/gtest.h>

#include "clients.h"
#include "errno_matchers.h"

namespace {

constexpr const char *kSetcap = "/usr/sbin/setcap";
constexpr const char *kGetcap = "/usr/sbin/getcap";
constexpr unsigned kUidBase = 100000, kGidBase = 200000;

USERNS_AREA(CapTools);

// What getcap says where the rootid is not the namespace's root
// (EOVERFLOW); it exits 0 all the same.
const ProgramRun kNotItsCapability = {
	0, "Failed to get capabilities of file '/tmp/cap-tools/file' (Value too large for defined data type)\n"};

class CapToolsFile : public CapTools {
protected:
	void SetUp() override
	{
		CapTools::SetUp();
		if (IsSkipped())
			return;
		ASSERT_THAT(dir_.status(), ErrnoIs(0));
		ASSERT_TRUE(MakeFile(file_, kUidBase, kGidBase, 0755));
		ASSERT_THAT(ns_.status(), ErrnoIs(0));
		ASSERT_THAT(other_.status(), ErrnoIs(0));
	}
	ErrnoOr<ProgramRun> Getcap(const std::string &key, const std::function<int()> &before = nullptr)
	{
		return RunRecorded(key, {kGetcap, "-n", file_}, before);
	}
	ScratchDir dir_{"cap-tools", 0, 0, 0755};
	std::string file_ = dir_ / "file";
	MappedNamespace ns_{kUidBase, kGidBase};
	MappedNamespace other_{300000, 400000};
};

TEST_F(CapToolsFile, SetcapInsideStoresTheNamespaceRootAsRootid)
{
	ASSERT_EQ(RunRecorded("setcap", {kSetcap, "cap_net_raw+ep", file_}, AsRootOf(ns_.pid())),
		  (ProgramRun{0, ""}));
	EXPECT_EQ(Getcap("parent"), (ProgramRun{0, file_ + " cap_net_raw=ep [rootid=100000]\n"}));
	EXPECT_EQ(Getcap("inside", AsRootOf(ns_.pid())), (ProgramRun{0, file_ + " cap_net_raw=ep\n"}));
	EXPECT_EQ(Getcap("unrelated", AsRootOf(other_.pid())), kNotItsCapability);
}

TEST_F(CapToolsFile, SetcapWithARootidFromTheParentIsTheNamespacesCapability)
{
	ASSERT_EQ(RunRecorded("setcap", {kSetcap, "-n", "100000", "cap_net_raw+ep", file_}), (ProgramRun{0, ""}));
	EXPECT_EQ(Getcap("inside", AsRootOf(ns_.pid())), (ProgramRun{0, file_ + " cap_net_raw=ep\n"}));
	EXPECT_EQ(Getcap("unrelated", AsRootOf(other_.pid())), kNotItsCapability);
}

TEST_F(CapToolsFile, SetcapInsideOnAFileItsRootDoesNotOwnIsRefused)
{
	ASSERT_EQ(chown(file_.c_str(), 0, 0), 0);
	ErrnoOr<ProgramRun> run = RunRecorded("setcap", {kSetcap, "cap_net_raw+ep", file_}, AsRootOf(ns_.pid()));
	ASSERT_THAT(run, ErrnoIs(0));
	EXPECT_NE(run.value().status, 0);
	EXPECT_EQ(Getcap("parent"), (ProgramRun{0, ""}));
}

}  // namespace
