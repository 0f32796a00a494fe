// SPDX-License-Identifier: GPL-2.0
// Credentials: how a process's ids read to other processes across user
// namespaces. Each path below translates on its own (from_kuid_munged and
// from_kgid_munged into the reader's namespace, make_kuid from the
// sender's), apart from stat() and getuid():
//   - SO_PEERCRED, the ids a unix socket's peer had when it connected;
//   - SCM_CREDENTIALS, ids a sender names and a receiver reads;
//   - getgroups(), the supplementary groups;
//   - /proc/PID/status, in the namespace of whoever opened it;
//   - the id syscalls themselves (getresuid, setresuid's -1, setfsuid), in
//     the caller's own namespace.
// uids and gids take different values, and the uid and gid maps different
// ranges, so that an id read through the other map shows.
#include <fcntl.h>
#include <limits.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <string>

#include <gtest/gtest.h>

#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "one_byte_message.h"
#include "scratch_file.h"
#include "userns.h"

namespace {

// Every test's namespace maps uids 0..9 to kernel uids kUidBase.. and gids
// 0..9 to kernel gids kGidBase..
constexpr unsigned kUidBase = 100000;
constexpr unsigned kGidBase = 200000;
constexpr unsigned kCount = 10;

// Writes the tests' uid and gid maps for child (gtest assertions: call
// from the test body).
void MapApart(const UsernsChild &child)
{
	auto map = [](unsigned base) {
		return "0 " + std::to_string(base) + " " + std::to_string(kCount) + "\n";
	};
	ASSERT_EQ(child.setup_error(), 0);
	ASSERT_THAT(child.WriteMap("uid_map", map(kUidBase)), ErrnoIs(0));
	ASSERT_THAT(child.WriteMap("gid_map", map(kGidBase)), ErrnoIs(0));
}

// A listening AF_UNIX stream socket at an abstract address of its own.
class Listener {
public:
	Listener()
	{
		addr_.sun_family = AF_UNIX;
		// sun_path[0] stays NUL: an abstract address, nothing on disk.
		snprintf(addr_.sun_path + 1, sizeof(addr_.sun_path) - 1, "userns-creds-%d",
			 getpid());
		len_ = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(addr_.sun_path + 1);
		fd_.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
		if (!fd_.valid() || bind(fd_.get(), Address(), len_) != 0 || listen(fd_.get(), 1) != 0)
			fd_.reset();
	}
	bool valid() const { return fd_.valid(); }
	int fd() const { return fd_.get(); }
	// A new socket connected to this listener; -1 on failure.
	int Connect() const
	{
		FileDescriptor s(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
		if (!s.valid() || connect(s.get(), Address(), len_) != 0)
			return -1;
		return s.release();
	}

private:
	const struct sockaddr *Address() const
	{
		return reinterpret_cast<const struct sockaddr *>(&addr_);
	}

	struct sockaddr_un addr_ = {};
	socklen_t len_ = 0;
	FileDescriptor fd_;
};

// SO_PEERCRED of sock: 0 or errno.
int PeerCredentials(int sock, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);
	return getsockopt(sock, SOL_SOCKET, SO_PEERCRED, cred, &len) == 0 ? 0 : errno;
}

// Sends one byte carrying SCM_CREDENTIALS {pid, uid, gid}, the ids as the
// sender's namespace numbers them: 0, or -1 with errno set.
int SendCredentials(int sock, uid_t uid, gid_t gid)
{
	OneByteMessage<struct ucred> m;

	m.Attach(SCM_CREDENTIALS, {getpid(), uid, gid});
	return sendmsg(sock, m.header(), 0) == 1 ? 0 : -1;
}

// Receives one byte and the SCM_CREDENTIALS that came with it (the socket
// has SO_PASSCRED): 0 or errno (ENOMSG when no credentials came).
int ReceiveCredentials(int sock, struct ucred *cred)
{
	OneByteMessage<struct ucred> m;

	if (recvmsg(sock, m.header(), 0) != 1)
		return errno;
	return m.Take(SCM_CREDENTIALS, cred) ? 0 : ENOMSG;
}

// The value of a "Name:\t..." line of a /proc/PID/status text, "" if none.
std::string StatusField(const std::string &status, const std::string &name)
{
	std::string key = "\n" + name + ":\t";
	size_t at = ("\n" + status).find(key);
	if (at == std::string::npos)
		return "";
	size_t begin = at + key.size() - 1;
	return status.substr(begin, status.find('\n', begin) - begin);
}

// Inside a namespace of the tests' shape: becomes its root, then takes
// gid 5 and uid 3 (kernel gid kGidBase+5, uid kUidBase+3) and so loses
// every capability. 0 or errno.
int BecomeUid3Gid5()
{
	if (!BecomeRootInNamespace().ok())
		return EPERM;
	if (setresgid(5, 5, 5) != 0 || setresuid(3, 3, 3) != 0)
		return errno;
	return 0;
}

}  // namespace

USERNS_AREA(Credentials);

// SO_PEERCRED reads the peer's ids in the reader's namespace: the listener
// (root of the initial namespace) sees the client's kernel ids; the client
// sees the listener's root, which its namespace does not map, as the
// overflow ids.
TEST_F(Credentials, PeerCredentialsReadInTheReadersNamespace)
{
	Listener listener;
	ASSERT_TRUE(listener.valid()) << strerror(errno);
	UsernsChild child([&listener] {
		CHILD_CHECK_EQ(BecomeUid3Gid5(), 0);
		FileDescriptor s(listener.Connect());
		CHILD_CHECK(s.valid());
		struct ucred peer = {};
		CHILD_CHECK_EQ(PeerCredentials(s.get(), &peer), 0);
		CHILD_CHECK_EQ(peer.uid, kOverflowUid);
		CHILD_CHECK_EQ(peer.gid, kOverflowGid);
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	ASSERT_EQ(child.Finish(), 0);
	// The connection waits in the backlog after the client is gone, with
	// the ids it connected with.
	FileDescriptor conn(accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC));
	ASSERT_TRUE(conn.valid()) << strerror(errno);
	struct ucred peer = {};
	ASSERT_THAT(PeerCredentials(conn.get(), &peer), ErrnoIs(0));
	EXPECT_EQ(peer.uid, kUidBase + 3);
	EXPECT_EQ(peer.gid, kGidBase + 5);
}

// SCM_CREDENTIALS: a sender names ids in its own namespace. One its
// namespace does not map is EINVAL; a mapped one it does not hold is
// EPERM; its own go through, and the receiver in the initial namespace
// reads them as kernel ids. Sent the other way, root of the initial
// namespace reads as the overflow ids inside.
TEST_F(Credentials, ScmCredentialsAreTranslatedBetweenNamespaces)
{
	auto [mine, theirs] = SocketPair();
	ASSERT_TRUE(mine.valid() && theirs.valid());
	int one = 1;
	for (int s : {mine.get(), theirs.get()})
		ASSERT_EQ(setsockopt(s, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0)
			<< strerror(errno);
	int sock = theirs.get();
	UsernsChild child([sock] {
		CHILD_CHECK_EQ(BecomeUid3Gid5(), 0);
		CHILD_CHECK_ERRNO(SendCredentials(sock, kCount + 10, 5), EINVAL);
		CHILD_CHECK_ERRNO(SendCredentials(sock, 3, kCount + 10), EINVAL);
		CHILD_CHECK_ERRNO(SendCredentials(sock, 4, 5), EPERM);
		CHILD_CHECK_ERRNO(SendCredentials(sock, 3, 6), EPERM);
		CHILD_CHECK_EQ(SendCredentials(sock, 3, 5), 0);
		struct ucred got = {};
		CHILD_CHECK_EQ(ReceiveCredentials(sock, &got), 0);
		CHILD_CHECK_EQ(got.uid, kOverflowUid);
		CHILD_CHECK_EQ(got.gid, kOverflowGid);
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	child.Go();
	struct ucred got = {};
	ASSERT_THAT(ReceiveCredentials(mine.get(), &got), ErrnoIs(0));
	EXPECT_EQ(got.uid, kUidBase + 3);
	EXPECT_EQ(got.gid, kGidBase + 5);
	ASSERT_EQ(SendCredentials(mine.get(), 0, 0), 0) << strerror(errno);
	EXPECT_EQ(child.Finish(), 0);
}

// getgroups() inside a namespace: each supplementary group through the gid
// map, in the order of the kernel gids; one the gid map does not cover
// (kernel gid 7, and kUidBase + 8, which only the uid map covers) as the
// overflow gid.
TEST_F(Credentials, SupplementaryGroupsReadThroughTheGidMap)
{
	UsernsChild child(
		[] {
			gid_t groups[8];
			int n = getgroups(8, groups);
			CHILD_CHECK_EQ(n, 3);
			CHILD_CHECK_EQ(groups[0], kOverflowGid);  // kernel gid 7
			CHILD_CHECK_EQ(groups[1], kOverflowGid);  // kUidBase + 8
			CHILD_CHECK_EQ(groups[2], 7);             // kGidBase + 7
			return 0;
		},
		[] {
			gid_t groups[] = {kGidBase + 7, 7, kUidBase + 8};
			return setgroups(3, groups) == 0 ? 0 : 1;
		});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	EXPECT_EQ(child.Finish(), 0);
}

// /proc/PID/status shows the real, effective, saved and filesystem ids in
// the namespace of the process that opened it: the task's own numbers
// inside, kernel ids from the initial namespace.
TEST_F(Credentials, ProcStatusShowsIdsInTheOpenersNamespace)
{
	Channel changed, looked;
	UsernsChild child([&changed, &looked] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(setresgid(4, 5, 6), 0);
		CHILD_CHECK_EQ(setresuid(1, 2, 3), 0);
		std::string status = ReadFile("/proc/self/status").value_or("");
		CHILD_CHECK_EQ(StatusField(status, "Uid"), "1\t2\t3\t2");
		CHILD_CHECK_EQ(StatusField(status, "Gid"), "4\t5\t6\t5");
		changed.Send(1);
		CHILD_CHECK_EQ(looked.Receive(), 1);
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	child.Go();
	ASSERT_EQ(changed.Receive(), 1) << "the child did not take its ids";
	std::string status = ReadFile(ProcPath(child.pid(), "status")).value_or("");
	looked.Send(1);
	EXPECT_EQ(StatusField(status, "Uid"), "100001\t100002\t100003\t100002");
	EXPECT_EQ(StatusField(status, "Gid"), "200004\t200005\t200006\t200005");
	EXPECT_EQ(child.Finish(), 0);
}

// getresuid() and getresgid() read the caller's ids through its own maps;
// -1 given to setresuid()/setresgid() leaves that id as it was.
TEST_F(Credentials, GetresidReadsThroughTheMapsAndMinusOneKeepsAnId)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(setresgid(4, 5, 6), 0);
		CHILD_CHECK_EQ(setresuid(1, 2, 3), 0);
		uid_t r, e, s;
		CHILD_CHECK_EQ(getresuid(&r, &e, &s), 0);
		CHILD_CHECK_EQ(std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s), "1 2 3");
		gid_t gr, ge, gs;
		CHILD_CHECK_EQ(getresgid(&gr, &ge, &gs), 0);
		CHILD_CHECK_EQ(std::to_string(gr) + " " + std::to_string(ge) + " " + std::to_string(gs),
			       "4 5 6");
		CHILD_CHECK_EQ(setresuid(-1, 1, -1), 0);  // to the real id: no privilege needed
		CHILD_CHECK_EQ(getresuid(&r, &e, &s), 0);
		CHILD_CHECK_EQ(std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s), "1 1 3");
		CHILD_CHECK_EQ(setresuid(-1, -1, -1), 0);
		CHILD_CHECK_EQ(getresuid(&r, &e, &s), 0);
		CHILD_CHECK_EQ(std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s), "1 1 3");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	EXPECT_EQ(child.Finish(), 0);
}

// setfsuid() and setfsgid() return the previous id and change nothing when
// given an id the caller's namespace does not map (or -1): root there sets
// fsuid 5, then 5000 (unmapped) leaves it 5.
TEST_F(Credentials, SetfsidOfAnUnmappedIdChangesNothing)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(setfsuid(5), 0);
		CHILD_CHECK_EQ(setfsuid(5000), 5);
		CHILD_CHECK_EQ(setfsuid(-1), 5);
		CHILD_CHECK_EQ(setfsuid(5), 5);
		CHILD_CHECK_EQ(setfsgid(7), 0);
		CHILD_CHECK_EQ(setfsgid(5000), 7);
		CHILD_CHECK_EQ(setfsgid(-1), 7);
		std::string status = ReadFile("/proc/self/status").value_or("");
		CHILD_CHECK_EQ(StatusField(status, "Uid"), "0\t0\t0\t5");
		CHILD_CHECK_EQ(StatusField(status, "Gid"), "0\t0\t0\t7");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	EXPECT_EQ(child.Finish(), 0);
}

// In the initial namespace -1 is no uid or gid: setuid(-1) and setgid(-1)
// are EINVAL (make_kuid gives INVALID_UID), and change nothing.
TEST(CredentialIds, SetuidAndSetgidOfMinusOneAreEinval)
{
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_ERRNO(setuid(-1), EINVAL);
		CHILD_CHECK_ERRNO(setgid(-1), EINVAL);
		CHILD_CHECK_EQ(getuid(), 0);
		CHILD_CHECK_EQ(getgid(), 0);
		return 0;
	}), 0);
}

// Root that became nobody is nobody: setuid(0) is EPERM, and a root-owned
// 0644 file does not open for writing.
TEST(CredentialIds, RootThatBecameNobodyCannotComeBack)
{
	ScratchFile f("creds-nobody", 0, 0, 0644);
	ASSERT_THAT(f.status(), ErrnoIs(0));
	std::string path = f.path();
	EXPECT_EQ(RunInChild([path] {
		CHILD_CHECK_EQ(setgid(kOverflowGid), 0);
		CHILD_CHECK_EQ(setuid(kOverflowUid), 0);
		CHILD_CHECK_ERRNO(setuid(0), EPERM);
		CHILD_CHECK_ERRNO(open(path.c_str(), O_RDWR | O_CLOEXEC), EACCES);
		return 0;
	}), 0);
}

// Without privilege, setresuid() and setreuid() move an id only among the
// real, effective and saved ids the caller has, as its namespace numbers
// them: with 1 2 3 (kernel 100001..100003), effective 3 is allowed, 5 is
// EPERM; the real id may become the effective one (setreuid).
TEST_F(Credentials, UnprivilegedIdChangesStayAmongTheCallersOwnIds)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		CHILD_CHECK_EQ(setresuid(1, 2, 3), 0);  // drops every capability
		CHILD_CHECK_ERRNO(setresuid(-1, 5, -1), EPERM);
		CHILD_CHECK_EQ(setresuid(-1, 3, -1), 0);
		CHILD_CHECK_ERRNO(setreuid(5, -1), EPERM);
		CHILD_CHECK_EQ(setreuid(3, -1), 0);
		uid_t r, e, s;
		CHILD_CHECK_EQ(getresuid(&r, &e, &s), 0);
		CHILD_CHECK_EQ(std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s), "3 3 3");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	EXPECT_EQ(child.Finish(), 0);
}

// getgroups(0) counts the supplementary groups without storing them, a
// buffer too small for them (or a negative size) is EINVAL, a bad address
// EFAULT, more than NGROUPS_MAX groups to setgroups() EINVAL, and a big
// enough buffer gets them as
// the caller's namespace numbers them.
TEST_F(Credentials, GetgroupsCountsAndRefusesASmallBuffer)
{
	UsernsChild child([] {
		CHILD_CHECK_OK(BecomeRootInNamespace());
		gid_t set[] = {1, 2, 3};
		CHILD_CHECK_EQ(setgroups(3, set), 0);
		CHILD_CHECK_EQ(getgroups(0, nullptr), 3);
		gid_t got[3] = {};
		CHILD_CHECK_ERRNO(getgroups(2, got), EINVAL);
		// The raw syscall: glibc's declaration lets no bad size or
		// buffer through the compiler.
		CHILD_CHECK_ERRNO(syscall(SYS_getgroups, -1, got), EINVAL);
		CHILD_CHECK_ERRNO(syscall(SYS_getgroups, 3, 8), EFAULT);
		CHILD_CHECK_ERRNO(setgroups(NGROUPS_MAX + 1, set), EINVAL);
		CHILD_CHECK_EQ(getgroups(3, got), 3);
		CHILD_CHECK_EQ(std::to_string(got[0]) + " " + std::to_string(got[1]) + " " +
				       std::to_string(got[2]), "1 2 3");
		return 0;
	});
	ASSERT_NO_FATAL_FAILURE(MapApart(child));
	EXPECT_EQ(child.Finish(), 0);
}
