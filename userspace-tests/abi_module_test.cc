// SPDX-License-Identifier: GPL-2.0
// AbiModule: the ID-mapping API from a module that is not GPL. abi_probe.ko
// (abi-module/, CDDL like OpenZFS) is built against the kernel under test
// and packed with the suite's initramfs; loading it proves that modpost let
// it use make_kuid() and friends. Reading /proc/userns_abi_probe gives each
// function's answer for a fixed set of ids in the reader's namespace. The
// answers must be those of the contract: in the initial namespace and in a
// child whose uid, gid and projid maps differ.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "sysctl_setting.h"
#include "userns.h"

namespace {

constexpr const char *kModule = "/lib/modules/abi_probe.ko";
constexpr const char *kProbe = "/proc/userns_abi_probe";
constexpr unsigned kIds[] = {0, 5, 999, 1000, 100005, 200005, 300005, 4294967294u, 4294967295u};
constexpr uint32_t kNone = 4294967295u;

// Loads the module once; 0 or the errno of finit_module (EEXIST: loaded).
int LoadProbe()
{
	FileDescriptor fd(open(kModule, O_RDONLY | O_CLOEXEC));
	if (!fd.valid())
		return errno;
	if (syscall(SYS_finit_module, fd.get(), "", 0) != 0 && errno != EEXIST)
		return errno;
	return 0;
}

// One map of a namespace: a single extent, or the identity of the initial
// namespace (which maps every id but 4294967295).
struct Extent {
	uint32_t first, lower, count;

	uint32_t Down(uint32_t id) const
	{
		return id - first < count ? id - first + lower : kNone;
	}
	uint32_t Up(uint32_t id) const
	{
		return id - lower < count ? id - lower + first : kNone;
	}
};
constexpr Extent kIdentity = {0, 0, 4294967295u};

// What the probe must print for a namespace with these maps.
std::string Expected(const Extent &uid, const Extent &gid, const Extent &projid,
		     uint32_t overflow_uid = 65534, uint32_t overflow_gid = 65534)
{
	auto munge = [](uint32_t id, uint32_t overflow = 65534) {
		return id == kNone ? overflow : id;
	};
	std::ostringstream out;
	for (uint32_t id : kIds) {
		out << "make_kuid " << id << " " << uid.Down(id) << "\n"
		    << "make_kgid " << id << " " << gid.Down(id) << "\n"
		    << "make_kprojid " << id << " " << projid.Down(id) << "\n"
		    << "from_kuid " << id << " " << uid.Up(id) << "\n"
		    << "from_kgid " << id << " " << gid.Up(id) << "\n"
		    << "from_kprojid " << id << " " << projid.Up(id) << "\n"
		    << "from_kuid_munged " << id << " " << munge(uid.Up(id), overflow_uid) << "\n"
		    << "from_kgid_munged " << id << " " << munge(gid.Up(id), overflow_gid) << "\n"
		    << "from_kprojid_munged " << id << " " << munge(projid.Up(id)) << "\n"
		    << "kuid_has_mapping " << id << " " << (uid.Up(id) != kNone) << "\n"
		    << "kgid_has_mapping " << id << " " << (gid.Up(id) != kNone) << "\n";
	}
	return out.str();
}

// The module builds, loads and answers in the initial namespace: ids map to
// themselves, 4294967295 maps to nothing and reads as the overflow ids.
TEST(AbiModule, NonGplModuleAnswersInTheInitialNamespace)
{
	ASSERT_EQ(access(kModule, R_OK), 0)
		<< kModule << " is not in the initramfs: make packs it per kernel (ci/build/abi-module)";
	ASSERT_THAT(LoadProbe(), ErrnoIs(0));
	EXPECT_EQ(ReadFile(kProbe), Expected(kIdentity, kIdentity, kIdentity));
}


USERNS_AREA(AbiModuleInAChild);

// In a child namespace mapping uids 0..999 to 100000.., gids to 200000..
// and projids 0..9 to 300000.., the module's calls go through each map,
// and unmapped ids read as the overflow ids of their kind (set apart
// here: 12345 for uids, 23456 for gids; projids always 65534).
TEST_F(AbiModuleInAChild, NonGplModuleAnswersThroughTheChildsMaps)
{
	ASSERT_THAT(LoadProbe(), ErrnoIs(0));
	SysctlSetting uid_knob("/proc/sys/kernel/overflowuid", "12345\n");
	SysctlSetting gid_knob("/proc/sys/kernel/overflowgid", "23456\n");
	ASSERT_THAT(uid_knob.status(), ErrnoIs(0));
	ASSERT_THAT(gid_knob.status(), ErrnoIs(0));
	const Extent uid = {0, 100000, 1000}, gid = {0, 200000, 1000}, projid = {0, 300000, 10};
	std::string want = Expected(uid, gid, projid, 12345, 23456);
	UsernsChild child([&want] {
		std::string got = ReadFile(kProbe).value_or("");
		if (got != want)
			fprintf(stderr, "probe read in the child:\n%s\nwanted:\n%s", got.c_str(),
				want.c_str());
		return got == want ? 0 : 1;
	});
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", "0 100000 1000\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", "0 200000 1000\n"), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("projid_map", "0 300000 10\n"), ErrnoIs(0));
	EXPECT_EQ(child.Finish(), 0);
}

}  // namespace
