// SPDX-License-Identifier: GPL-2.0
// Historic bugs of the ID-mapping layer, each reproduced in its shape.
// (CVE-2013-1858, -1956, -1959 and CVE-2014-4014, -8989 live with their
// areas: creation, map privilege, isolation and setgroups tests.)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

USERNS_AREA(Regression);

// CVE-2018-18955: with more than five extents the reverse array kept the
// parent's ids instead of kernel ids, so a nested namespace's root was
// taken for kernel root. Outer maps 0 -> 100000 (1000 ids); inner maps six
// extents onto outer's 0..999; inner root must not write a root-owned
// 0700 file.
TEST_F(Regression, Cve_2018_18955_NestedLargeMapGrantsNoAccess)
{
	ScratchFile f("cve-2018-18955", 0, 0, 0700);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	UsernsChild outer([path] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild inner([path] {
			CHILD_CHECK_OK(BecomeRootInNamespace());
			CHILD_CHECK_ERRNO(open(path.c_str(), O_WRONLY), EACCES);
			CHILD_CHECK_ERRNO(open(path.c_str(), O_RDONLY), EACCES);
			struct stat st;
			CHILD_CHECK_EQ(stat(path.c_str(), &st), 0);
			CHILD_CHECK_EQ(st.st_uid, kOverflowUid);
			return 0;
		});
		CHILD_CHECK_EQ(inner.setup_error(), 0);
		const char *six = "0 0 1\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 5 990\n";
		CHILD_CHECK_OK(inner.WriteMap("uid_map", six));
		CHILD_CHECK_OK(inner.WriteMap("gid_map", six));
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	MapRange(outer, 100000, 1000);
	EXPECT_EQ(outer.Finish(), 0);
}

// The same shape in the direction the bug broke, kernel id to namespace
// id (from_kuid with more than five extents): inside inner, files owned by
// kernel 100000, 100004, 100005 and 100500 read as 0, 4, 5 and 500, and
// inner's root reads its own ids as 0 (the vulnerable kernel reported the
// overflow id, its reverse array holding outer's ids). The map read back
// from the initial namespace shows kernel ids.
TEST_F(Regression, Cve_2018_18955_LargeNestedMapTranslatesKernelIdsUp)
{
	const unsigned kOwners[] = {100000, 100004, 100005, 100500};
	std::vector<std::unique_ptr<ScratchFile>> files;
	for (unsigned owner : kOwners) {
		files.push_back(std::make_unique<ScratchFile>(
			("cve-2018-18955-" + std::to_string(owner)).c_str(), owner, owner, 0644));
		ASSERT_THAT(files.back()->status(), ErrnoIs(0));
	}
	Channel pid_ch, done;
	UsernsChild outer([&] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		UsernsChild inner([&] {
			CHILD_CHECK_OK(BecomeRootInNamespace());
			CHILD_CHECK_EQ(getuid(), 0);
			CHILD_CHECK_EQ(getgid(), 0);
			for (size_t i = 0; i < files.size(); i++) {
				struct stat st;
				CHILD_CHECK_EQ(stat(files[i]->path(), &st), 0);
				CHILD_CHECK_EQ(st.st_uid, kOwners[i] - 100000);
				CHILD_CHECK_EQ(st.st_gid, kOwners[i] - 100000);
			}
			return 0;
		});
		CHILD_CHECK_EQ(inner.setup_error(), 0);
		const char *six = "0 0 1\n1 1 1\n2 2 1\n3 3 1\n4 4 1\n5 5 990\n";
		CHILD_CHECK_OK(inner.WriteMap("uid_map", six));
		CHILD_CHECK_OK(inner.WriteMap("gid_map", six));
		pid_ch.Send(inner.pid());
		CHILD_CHECK_EQ(done.Receive(), 1);
		return inner.Finish();
	});
	ASSERT_EQ(outer.setup_error(), 0);
	MapRange(outer, 100000, 1000);
	outer.Go();
	pid_t ipid = pid_ch.Receive();
	ASSERT_GT(ipid, 0);
	std::string m = ReadFile(ProcPath(ipid, "uid_map")).value_or("");
	done.Send(1);
	EXPECT_EQ(outer.Finish(), 0);
	EXPECT_NE(m.find("         0     100000          1\n"), std::string::npos) << m;
	EXPECT_NE(m.find("         5     100005        990\n"), std::string::npos) << m;
}

}  // namespace
