// SPDX-License-Identifier: GPL-2.0
// FileCapability: security.capability written from inside a user
// namespace is stored as a v3 entry whose rootid is the namespace root's
// kernel uid (cap_convert_nscap), is read back as that v3 entry from the
// parent, as a plain v2 entry from inside, and not at all from an
// unrelated namespace (cap_inode_getsecurity); exec of the file gains its
// capabilities only in a namespace whose root owns them. Through an
// idmapped mount the rootid goes through the idmap too, both ways.
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "cap_xattr.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "idmapped_tree.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

// The namespace that sets the capability maps 0..999 to 100000..; an
// unrelated one maps 0..999 to 200000...
constexpr unsigned kOwnerBase = 100000;
constexpr unsigned kOtherBase = 200000;
constexpr const char *kBinary = "/tmp/fcap-busybox";
// Inside a child: the CapEff line's value of a process exec'd from
// kBinary (busybox's cat of its own /proc/self/status), or "" on failure.
std::string EffectiveCapsOfExec()
{
	int fds[2];
	if (pipe(fds) != 0)
		return "";
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl(kBinary, "cat", "/proc/self/status", nullptr);
		_exit(127);
	}
	close(fds[1]);
	std::string out;
	char buf[512];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		out.append(buf, n);
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	size_t at = out.find("CapEff:\t");
	return at == std::string::npos ? "" : out.substr(at + 8, 16);
}

// kBinary (a copy of busybox), owned by the owner namespace's root, with
// cap_net_raw+ep set from inside that namespace; removed at the end.
class CapableBinary {
public:
	CapableBinary()
	{
		unlink(kBinary);
		FileDescriptor in(open("/bin/busybox", O_RDONLY | O_CLOEXEC));
		FileDescriptor out(open(kBinary, O_CREAT | O_WRONLY | O_CLOEXEC, 0755));
		if (!in.valid() || !out.valid())
			return;
		char buf[65536];
		ssize_t n;
		while ((n = read(in.get(), buf, sizeof(buf))) > 0)
			if (write(out.get(), buf, n) != n)
				return;
		if (fchown(out.get(), kOwnerBase, kOwnerBase) != 0 || fchmod(out.get(), 0755) != 0)
			return;
		out.reset();
		std::string cap = CapabilityV2(CAP_NET_RAW);
		set_ = RunInMappedNamespace(kOwnerBase, 1000, [&cap] {
			CHILD_CHECK_EQ(setxattr(kBinary, kCapabilityXattr, cap.data(), cap.size(), 0), 0);
			return 0;
		});
	}
	~CapableBinary() { unlink(kBinary); }
	// The exit status of the namespace that set the capability.
	int set() const { return set_; }

private:
	int set_ = -1;
};

// CapEff with only CAP_NET_RAW, as /proc/PID/status prints it.
const std::string kNetRawOnly = "0000000000002000";
const std::string kNone = "0000000000000000";

}  // namespace

USERNS_AREA(FileCapability);

// Set from inside, security.capability is stored as v3 with the rootid of
// the namespace's root (kernel uid 100000), and reads back so from the
// parent.
TEST_F(FileCapability, SetInsideIsStoredAsV3WithTheRootsKernelUid)
{
	CapableBinary bin;
	ASSERT_EQ(bin.set(), 0);
	EXPECT_EQ(ReadCapability(kBinary), "v3 rootid " + std::to_string(kOwnerBase));
}

// Inside the namespace whose root owns it, the entry reads as v2: for
// that namespace it is a capability of its own root.
TEST_F(FileCapability, ReadInsideTheOwnersNamespaceIsV2)
{
	CapableBinary bin;
	ASSERT_EQ(bin.set(), 0);
	EXPECT_EQ(RunInMappedNamespace(kOwnerBase, 1000, [] {
		CHILD_CHECK_EQ(ReadCapability(kBinary), "v2");
		return 0;
	}), 0);
}

// From a namespace unrelated to the owner, the entry cannot be shown:
// EOVERFLOW.
TEST_F(FileCapability, ReadFromAnUnrelatedNamespaceIsEoverflow)
{
	CapableBinary bin;
	ASSERT_EQ(bin.set(), 0);
	EXPECT_EQ(RunInMappedNamespace(kOtherBase, 1000, [] {
		CHILD_CHECK_EQ(ReadCapability(kBinary), "EOVERFLOW");
		return 0;
	}), 0);
}

// Exec gains the file's capabilities only in the namespace whose root owns
// them: an unprivileged user there (uid 5) gets CAP_NET_RAW; in the
// initial namespace, and in an unrelated namespace, the entry is ignored.
TEST_F(FileCapability, ExecGainsThemOnlyInTheOwnersNamespace)
{
	CapableBinary bin;
	ASSERT_EQ(bin.set(), 0);
	EXPECT_EQ(RunInMappedNamespace(kOwnerBase, 1000, [] {
		CHILD_CHECK_OK(BecomeUser(5, 5));
		CHILD_CHECK_EQ(EffectiveCapsOfExec(), kNetRawOnly);
		return 0;
	}, false), 0);
	EXPECT_EQ(RunInMappedNamespace(kOtherBase, 1000, [] {
		CHILD_CHECK_OK(BecomeUser(5, 5));
		CHILD_CHECK_EQ(EffectiveCapsOfExec(), kNone);
		return 0;
	}, false), 0);
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_OK(BecomeUser(kTestUid, kTestGid));
		CHILD_CHECK_EQ(EffectiveCapsOfExec(), kNone);
		return 0;
	}), 0);
}

// The idmap of the rootid tests: kernel ids 0..9999 read as 10000..19999.
constexpr const char *kRootidIdmap = "0 10000 10000\n";

// Through an idmapped mount the rootid is an id of the mount: root writing
// rootid 10000 there stores the capability of kernel root (read as v2 on
// the plain mount) and reads it back as rootid 10000 through the mount; a
// rootid the idmap cannot take back (5) is EINVAL. A reader whose
// namespace maps 0..9999 to 10000.. reads it through the mount as its own
// root's (v2).
TEST_F(FileCapability, ThroughAnIdmappedMountTheRootidGoesThroughTheIdmap)
{
	IdmappedFile f("fcap-idmapped", 0, 0, 0755, kRootidIdmap);
	ASSERT_IDMAPPED(f.error());
	std::string through = f.through();
	std::string unmappable = CapabilityV3(CAP_NET_RAW, 5);
	EXPECT_THAT(setxattr(through.c_str(), kCapabilityXattr, unmappable.data(), unmappable.size(), 0),
		    SyscallFailsWithErrno(EINVAL));
	std::string cap = CapabilityV3(CAP_NET_RAW, 10000);
	ASSERT_EQ(setxattr(through.c_str(), kCapabilityXattr, cap.data(), cap.size(), 0), 0)
		<< strerror(errno);
	EXPECT_EQ(ReadCapability(f.path()), "v2");
	EXPECT_EQ(ReadCapability(through.c_str()), "v3 rootid 10000");
	EXPECT_EQ(RunInMappedNamespace(10000, 10000, [&through] {
		CHILD_CHECK_EQ(ReadCapability(through.c_str()), "v2");
		return 0;
	}), 0);
}

// Root of a namespace mapping 0..9999 to kernel 10000.. sets a capability
// through a mount whose idmap shows kernel 0..9999 as 10000..: its own
// root (kernel 10000) goes back through the idmap to kernel 0, so the
// entry is one of the initial namespace's root (v2 on the plain mount),
// valid for the ancestor and so for every namespace below it: v2 from the
// setter's namespace on both mounts; through the mount it reads as rootid
// 10000 from the initial namespace.
TEST_F(FileCapability, SetInANamespaceThroughAnIdmappedMountIsValidForTheAncestor)
{
	IdmappedFile f("fcap-idmapped-ns", 0, 0, 0755, kRootidIdmap);
	ASSERT_IDMAPPED(f.error());
	std::string plain = f.path(), through = f.through();
	EXPECT_EQ(RunInMappedNamespace(10000, 10000, [&plain, &through] {
		std::string cap = CapabilityV2(CAP_NET_RAW);
		CHILD_CHECK_EQ(setxattr(through.c_str(), kCapabilityXattr, cap.data(), cap.size(), 0), 0);
		CHILD_CHECK_EQ(ReadCapability(through.c_str()), "v2");
		CHILD_CHECK_EQ(ReadCapability(plain.c_str()), "v2");
		return 0;
	}), 0);
	EXPECT_EQ(ReadCapability(plain.c_str()), "v2");
	EXPECT_EQ(ReadCapability(through.c_str()), "v3 rootid 10000");
}
