// SPDX-License-Identifier: GPL-2.0
// The fuzzer's executor (execute.h). Each actor is a process that waits
// on its own channel (a SOCK_SEQPACKET socket pair) for one operation at
// a time and answers with its result; the executor sends the next one
// only after the answer, so the order is the program's on every run. An
// actor spawns another by cloning itself; the new actor's channel is made
// by the executor and passed to the spawning actor (SCM_RIGHTS).
#include "execute.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <utility>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>

#include "acl_xattr.h"
#include "cap_xattr.h"
#include "errno_or.h"

namespace {

// An actor that has not answered in this long is stuck: the program stops.
constexpr int kAnswerTimeoutMs = 20000;
// The longest message: a map of hundreds of extents.
constexpr size_t kMaxMessage = 256 * 1024;

bool Send(int fd, const std::string &msg, int pass_fd = -1)
{
	struct iovec iov = {const_cast<char *>(msg.data()), msg.size()};
	struct msghdr mh = {};
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
	if (pass_fd >= 0) {
		mh.msg_control = control;
		mh.msg_controllen = sizeof(control);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == static_cast<ssize_t>(msg.size());
}

// The next message on fd (and the descriptor passed with it, if any), or
// nothing at the end of the channel or after timeout_ms (-1: none).
std::optional<std::string> Receive(int fd, int *passed, int timeout_ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (timeout_ms >= 0 && poll(&p, 1, timeout_ms) != 1)
		return std::nullopt;
	std::string buf(kMaxMessage, '\0');
	struct iovec iov = {buf.data(), buf.size()};
	struct msghdr mh = {};
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int))];
	mh.msg_control = control;
	mh.msg_controllen = sizeof(control);
	ssize_t n;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return std::nullopt;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && passed)
			memcpy(passed, CMSG_DATA(c), sizeof(int));
	buf.resize(n);
	return buf;
}

std::string Result(int rc) { return rc == 0 ? "ok" : ErrnoName(errno); }

std::string ReadAll(int fd)
{
	std::string text;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		text.append(buf, n);
	return n < 0 ? "read " + ErrnoName(errno) : QuoteText(text);
}

// /proc/<pid>/status without what differs between boots: only the lines
// of ids and capabilities.
std::string StatusIds(const std::string &quoted)
{
	std::string text = UnquoteText(quoted).value_or(""), kept;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		for (const char *key : {"Uid:", "Gid:", "Groups:", "CapPrm:", "CapEff:"})
			if (line.rfind(key, 0) == 0)
				kept += line + "\n";
	return QuoteText(kept);
}

// One write(2) of text to fd: "ok", the errno, or how much of it went.
std::string WriteText(int fd, const std::string &text)
{
	ssize_t n = write(fd, text.data(), text.size());
	if (n < 0)
		return ErrnoName(errno);
	return n == static_cast<ssize_t>(text.size()) ? "ok" : "wrote " + std::to_string(n);
}

std::string ProcFile(long pid, const std::string &name)
{
	return "/proc/" + std::to_string(pid) + "/" + name;
}

std::string ScratchFile(const std::string &scratch, int64_t n)
{
	return scratch + "/f" + std::to_string(n);
}

std::string Owner(uid_t uid, gid_t gid, mode_t mode)
{
	char m[16];
	snprintf(m, sizeof(m), "%o", static_cast<unsigned>(mode));
	return std::to_string(uid) + " " + std::to_string(gid) + " " + m;
}

std::string Ids()
{
	uid_t u[3];
	gid_t g[3];
	getresuid(&u[0], &u[1], &u[2]);
	getresgid(&g[0], &g[1], &g[2]);
	std::string out = "uid " + std::to_string(u[0]) + " " + std::to_string(u[1]) + " " +
			  std::to_string(u[2]) + " gid " + std::to_string(g[0]) + " " +
			  std::to_string(g[1]) + " " + std::to_string(g[2]) + " groups";
	gid_t groups[64];
	int n = getgroups(64, groups);
	if (n < 0)
		return out + " " + ErrnoName(errno);
	for (int i = 0; i < n; i++)
		out += " " + std::to_string(groups[i]);
	return out;
}

std::string Stat(const std::string &how, const std::string &path)
{
	if (how == "statx") {
		struct statx stx;
		if (statx(AT_FDCWD, path.c_str(), 0, STATX_BASIC_STATS, &stx) != 0)
			return ErrnoName(errno);
		return Owner(stx.stx_uid, stx.stx_gid, stx.stx_mode);
	}
	struct stat st;
	if (how == "fstat") {
		int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
		if (fd < 0)
			return "open " + ErrnoName(errno);
		int rc = fstat(fd, &st);
		int err = errno;
		close(fd);
		if (rc != 0)
			return ErrnoName(err);
	} else if (stat(path.c_str(), &st) != 0) {
		return ErrnoName(errno);
	}
	return Owner(st.st_uid, st.st_gid, st.st_mode);
}

// become: no supplementary groups, then gid, then uid (each of the
// three ids); "ok" or the step that failed.
std::string Become(uid_t uid, gid_t gid)
{
	if (syscall(SYS_setgroups, 0, nullptr) != 0)
		return "setgroups " + ErrnoName(errno);
	if (syscall(SYS_setresgid, gid, gid, gid) != 0)
		return "setresgid " + ErrnoName(errno);
	if (syscall(SYS_setresuid, uid, uid, uid) != 0)
		return "setresuid " + ErrnoName(errno);
	return "ok";
}

// capdrop: the named capability out of the permitted and effective sets.
std::string DropCapability(const std::string &name)
{
	constexpr std::pair<const char *, int> kCaps[] = {
		{"setfcap", CAP_SETFCAP}, {"setuid", CAP_SETUID}, {"setgid", CAP_SETGID},
		{"sys_admin", CAP_SYS_ADMIN}, {"chown", CAP_CHOWN}, {"fowner", CAP_FOWNER}};
	int cap = -1;
	for (const auto &[n, c] : kCaps)
		if (name == n)
			cap = c;
	if (cap < 0)
		return "unknown capability";
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {};
	if (syscall(SYS_capget, &h, d) != 0)
		return "capget " + ErrnoName(errno);
	d[cap / 32].effective &= ~(1u << (cap % 32));
	d[cap / 32].permitted &= ~(1u << (cap % 32));
	return Result(syscall(SYS_capset, &h, d));
}

[[noreturn]] void ActorLoop(int channel, const std::string &scratch);

// Does op in this actor's process; the answer for the executor. A spawn
// clones this process: the new actor never returns from here.
std::string Perform(const Op &op, int channel, int passed, const std::string &scratch)
{
	auto id = [](int64_t v) { return static_cast<uid_t>(v); };
	switch (op.kind) {
	case OpKind::kSpawn: {
		long flags = SIGCHLD | (op.what == "newuser" ? CLONE_NEWUSER : 0);
		// Like fork(): no new stack, the child continues here.
		long pid = syscall(SYS_clone, flags, 0, 0, 0, 0);
		if (pid == 0) {
			close(channel);
			ActorLoop(passed, scratch);
		}
		int err = errno;
		close(passed);
		return pid < 0 ? ErrnoName(err) : "ok " + std::to_string(pid);
	}
	case OpKind::kExit:
		return "ok";
	case OpKind::kWrite:
	case OpKind::kWriteTwice: {
		int fd = open(ProcFile(op.target, op.what).c_str(), O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return "open " + ErrnoName(errno);
		std::string answer = WriteText(fd, op.text);
		// The second write starts where the first left the file offset.
		if (op.kind == OpKind::kWriteTwice)
			answer += ", then " + WriteText(fd, op.text);
		close(fd);
		return answer;
	}
	case OpKind::kRead: {
		int fd = open(ProcFile(op.target, op.what).c_str(), O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return "open " + ErrnoName(errno);
		std::string text = ReadAll(fd);
		close(fd);
		return op.what == "status" && text[0] == '"' ? StatusIds(text) : text;
	}
	case OpKind::kSetresuid:
		return Result(syscall(SYS_setresuid, id(op.args[0]), id(op.args[1]), id(op.args[2])));
	case OpKind::kSetresgid:
		return Result(syscall(SYS_setresgid, id(op.args[0]), id(op.args[1]), id(op.args[2])));
	case OpKind::kSetgroups: {
		std::vector<gid_t> groups;
		for (int64_t g : op.args)
			groups.push_back(id(g));
		return Result(syscall(SYS_setgroups, groups.size(), groups.data()));
	}
	case OpKind::kIds:
		return Ids();
	case OpKind::kSetns: {
		int fd = open(ProcFile(op.target, "ns/user").c_str(), O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return "open " + ErrnoName(errno);
		int rc = setns(fd, CLONE_NEWUSER);
		int err = errno;
		close(fd);
		errno = err;
		return Result(rc);
	}
	case OpKind::kCreate: {
		int fd = open(ScratchFile(scratch, op.args[0]).c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
			      static_cast<mode_t>(op.args[1]));
		if (fd < 0)
			return ErrnoName(errno);
		close(fd);
		return "ok";
	}
	case OpKind::kChown:
		return Result(chown(ScratchFile(scratch, op.args[0]).c_str(), id(op.args[1]), id(op.args[2])));
	case OpKind::kStat:
		return Stat(op.what, ScratchFile(scratch, op.args[0]));
	case OpKind::kSetacl: {
		std::string acl = NamedAcl(id(op.args[1]), id(op.args[2]));
		return Result(setxattr(ScratchFile(scratch, op.args[0]).c_str(), kAccess, acl.data(), acl.size(), 0));
	}
	case OpKind::kGetacl:
		return NamedEntries(AT_FDCWD, ScratchFile(scratch, op.args[0]).c_str(), kAccess);
	case OpKind::kSetcap: {
		std::string cap = op.args[1] < 0 ? CapabilityV2(CAP_NET_RAW)
						 : CapabilityV3(CAP_NET_RAW, id(op.args[1]));
		return Result(setxattr(ScratchFile(scratch, op.args[0]).c_str(), kCapabilityXattr, cap.data(),
				       cap.size(), 0));
	}
	case OpKind::kGetcap:
		return ReadCapability(ScratchFile(scratch, op.args[0]).c_str());
	case OpKind::kBecome:
		return Become(id(op.args[0]), id(op.args[1]));
	case OpKind::kCapdrop:
		return DropCapability(op.what);
	}
	return "unknown operation";
}

[[noreturn]] void ActorLoop(int channel, const std::string &scratch)
{
	// The actors this one spawns are reaped as they exit.
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int passed = -1;
		std::optional<std::string> msg = Receive(channel, &passed, -1);
		if (!msg)
			_exit(0);  // the program ended
		std::optional<Op> op = ParseOp(*msg);
		if (!op || !Send(channel, Perform(*op, channel, passed, scratch)))
			_exit(3);
		if (op->kind == OpKind::kExit)
			_exit(0);
	}
}

struct Actor {
	pid_t pid = 0;
	int channel = -1;
	bool live() const { return channel >= 0; }
};

class Execution {
public:
	explicit Execution(const std::string &scratch) : scratch_(scratch) {}
	~Execution() { EndAll(); }

	bool StartFirstActor()
	{
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
			return false;
		fflush(nullptr);
		pid_t pid = fork();
		if (pid == 0) {
			close(sv[0]);
			ActorLoop(sv[1], scratch_);
		}
		close(sv[1]);
		if (pid < 0) {
			close(sv[0]);
			return false;
		}
		actors_[0] = {pid, sv[0]};
		return true;
	}

	// The answer to op, as its trace shows it; stopped_ is set when the
	// program cannot go on.
	std::string Do(Op op)
	{
		if (op.actor < 0 || op.actor >= kActors || !actors_[op.actor].live())
			return "no actor";
		int passed = -1, theirs = -1;
		int slot = op.target;
		switch (op.kind) {
		case OpKind::kSpawn: {
			if (slot < 0 || slot >= kActors || actors_[slot].live())
				return "slot taken";
			int sv[2];
			if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
				return "executor: socketpair " + ErrnoName(errno);
			passed = sv[1];
			theirs = sv[0];
			break;
		}
		case OpKind::kWrite:
		case OpKind::kWriteTwice:
		case OpKind::kRead:
		case OpKind::kSetns:
			if (slot < 0 || slot >= kActors || !actors_[slot].live())
				return "no target";
			op.target = actors_[slot].pid;
			break;
		default:
			break;
		}
		Actor &a = actors_[op.actor];
		bool sent = Send(a.channel, FormatOp(op), passed);
		if (passed >= 0)
			close(passed);
		std::optional<std::string> answer;
		if (sent)
			answer = Receive(a.channel, nullptr, kAnswerTimeoutMs);
		if (!answer) {
			if (theirs >= 0)
				close(theirs);
			stopped_ = true;
			return sent ? "no answer (the actor died or hung): program stopped"
				    : "send failed: program stopped";
		}
		if (op.kind == OpKind::kExit)
			End(op.actor);
		if (op.kind == OpKind::kSpawn) {
			if (answer->rfind("ok ", 0) == 0) {
				actors_[slot] = {static_cast<pid_t>(std::stol(answer->substr(3))), theirs};
				return "ok";
			}
			close(theirs);
		}
		return *answer;
	}

	bool stopped() const { return stopped_; }

private:
	std::string scratch_;
	std::array<Actor, kActors> actors_;
	bool stopped_ = false;

	void End(int slot)
	{
		close(actors_[slot].channel);
		actors_[slot] = {};
	}

	// Every actor's channel closed (each exits at its end), a stuck one
	// killed; then every process of the program reaped, including those
	// whose spawning actor exited first (this process is their
	// subreaper).
	void EndAll()
	{
		for (int s = 0; s < kActors; s++) {
			if (!actors_[s].live())
				continue;
			if (stopped_)
				kill(actors_[s].pid, SIGKILL);
			End(s);
		}
		while (waitpid(-1, nullptr, __WALL) > 0 || errno == EINTR)
			;
	}
};

void RemoveScratch(const std::string &scratch)
{
	for (int f = 0; f < kFiles; f++)
		unlink(ScratchFile(scratch, f).c_str());
	rmdir(scratch.c_str());
}

}  // namespace

std::vector<std::string> ExecuteProgram(const Program &program, const std::string &scratch)
{
	std::vector<std::string> trace;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	RemoveScratch(scratch);
	if (mkdir(scratch.c_str(), 0) != 0 || chmod(scratch.c_str(), 01777) != 0) {
		trace.push_back("executor: cannot make " + scratch + ": " + ErrnoName(errno));
		return trace;
	}
	{
		Execution run(scratch);
		if (!run.StartFirstActor()) {
			trace.push_back("executor: cannot start actor 0: " + ErrnoName(errno));
		} else {
			for (const Op &op : program) {
				trace.push_back(FormatOp(op) + " => " + run.Do(op));
				if (run.stopped())
					break;
			}
		}
	}
	RemoveScratch(scratch);
	return trace;
}
