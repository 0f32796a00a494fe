// SPDX-License-Identifier: GPL-2.0
// Translation: how ids read inside a user namespace (make_kuid/from_kuid
// seen from userspace through getuid(), stat() and friends).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "userns.h"

// Before any map is written every id is unmapped: getuid() reads overflowuid.
TEST(Translation, UnmappedUidReadsOverflowUid)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] {
		CHILD_CHECK(getuid() == kOverflowUid);
		CHILD_CHECK(geteuid() == kOverflowUid);
		CHILD_CHECK(getgid() == kOverflowGid);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	EXPECT_EQ(child.Finish(), 0);
}

// After the parent maps 0 to its own uid, the child is root inside.
TEST(Translation, MappedRootReadsZero)
{
	SKIP_UNLESS_USERNS();
	UsernsChild child([] {
		CHILD_CHECK(getuid() == 0);
		CHILD_CHECK(geteuid() == 0);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 " + std::to_string(getuid()) + " 1\n"),
		    ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

// A root-owned file seen from a namespace that does not map 0 shows
// overflowuid as its owner.
TEST(Translation, RootOwnedFileShowsOverflowUidWhenZeroUnmapped)
{
	SKIP_UNLESS_USERNS();
	ASSERT_EQ(getuid(), 0u) << "the suite runs as root in the guest";
	UsernsChild child([] {
		struct stat st;
		CHILD_CHECK(stat("/", &st) == 0);
		CHILD_CHECK(st.st_uid == kOverflowUid);
		CHILD_CHECK(st.st_gid == kOverflowGid);
		return 0;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "1000 1000 1\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "1000 1000 1\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}
