// SPDX-License-Identifier: GPL-2.0
// stat microbenchmark for the ID-mapping layer, run in the guest.
//
// Opens --files files owned by one uid/gid, then times each stat call of
// --calls over all of them, --passes times (the fastest pass counts):
// fstat (the system call itself), newfstatat (fd, "", AT_EMPTY_PATH:
// what glibc's fstat() makes) and statx (fd, "", AT_EMPTY_PATH). Once in
// the initial user namespace, then in a child namespace whose uid and gid
// maps have each of --extents extents (--maps=uid: only the uid map; the
// gid map then maps the owner's gid alone, so a call searches one large
// map, not two). The files' owner sits in the last extent written and the
// last one sorted, the worst place for the lookup. Under QEMU's -icount
// shift=0 the guest clock counts instructions, so ns per call is
// instructions per call.
//
// Output: one JSON object with a result per (filesystem, extents, call) case.
#include <fcntl.h>
#include <linux/stat.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Extent i maps inside id i*kStride to kernel id kBase+i*kStride, one id
// each: short lines, so 340 extents fit the one-write limit (< 4096 bytes).
constexpr unsigned kBase = 1000;
constexpr unsigned kStride = 2;

struct Options {
	unsigned files = 100000;
	unsigned passes = 5;
	std::vector<unsigned> extents = {1, 5, 6, 64, 340};
	std::vector<std::string> dirs = {"/tmp/fstat-bench"};
	std::string out = "/dev/stdout";
	bool gid_extents = true;  // --maps=both (default) or uid
	std::vector<std::string> calls = {"fstat", "newfstatat", "statx"};
};

enum class Call { kFstat, kNewfstatat, kStatx };

Call CallNamed(const std::string &name)
{
	if (name == "fstat")
		return Call::kFstat;
	if (name == "newfstatat")
		return Call::kNewfstatat;
	if (name == "statx")
		return Call::kStatx;
	fprintf(stderr, "userns-bench: unknown call '%s' (fstat, newfstatat, statx)\n", name.c_str());
	exit(2);
}

[[noreturn]] void Die(const char *what)
{
	fprintf(stderr, "userns-bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

double NowNs()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// The owner of every file: the first id of the last of n extents.
unsigned OwnerFor(unsigned n)
{
	return kBase + (n - 1) * kStride;
}

// Extent i: "i*kStride kBase+i*kStride 1".
std::string ExtentLine(unsigned i)
{
	return std::to_string(i * kStride) + " " + std::to_string(kBase + i * kStride) + " 1\n";
}

// n extents written in ascending order, so the owner is both the last
// written and the last sorted.
std::string MapText(unsigned n)
{
	std::string s;
	for (unsigned i = 0; i < n; i++)
		s += ExtentLine(i);
	return s;
}

std::vector<int> OpenFiles(const std::string &dir, unsigned n, unsigned owner)
{
	mkdir(dir.c_str(), 0755);
	std::vector<int> fds;
	fds.reserve(n);
	for (unsigned i = 0; i < n; i++) {
		std::string p = dir + "/f" + std::to_string(i);
		int fd = open(p.c_str(), O_CREAT | O_RDONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			Die("open");
		if (fchown(fd, owner, owner) != 0)
			Die("fchown");
		fds.push_back(fd);
	}
	return fds;
}

void CloseFiles(std::vector<int> &fds)
{
	for (int fd : fds)
		close(fd);
	fds.clear();
}

// The owner one call reports for fd, or -1 when the call fails. Each
// call goes straight to its system call, whatever the C library prefers.
long OwnerSeenBy(Call call, int fd)
{
	struct stat st;
	struct statx stx;
	switch (call) {
	case Call::kFstat:
		return syscall(SYS_fstat, fd, &st) == 0 ? long(st.st_uid) : -1;
	case Call::kNewfstatat:
		return syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH) == 0 ? long(st.st_uid) : -1;
	case Call::kStatx:
		return syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0
			       ? long(stx.stx_uid)
			       : -1;
	}
	return -1;
}

// One timed pass of one call: nothing but the system call per file.
void Pass(Call call, const std::vector<int> &fds)
{
	struct stat st;
	struct statx stx;
	switch (call) {
	case Call::kFstat:
		for (int fd : fds)
			syscall(SYS_fstat, fd, &st);
		break;
	case Call::kNewfstatat:
		for (int fd : fds)
			syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH);
		break;
	case Call::kStatx:
		for (int fd : fds)
			syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx);
		break;
	}
}

// ns per call over all fds for each call in turn: the fastest of passes
// passes. A first untimed pass warms the cache and checks the owner each
// call reports. The fastest pass, not the mean: the kernel's background
// work (timer ticks, RCU callbacks, kworkers) lands in some passes and
// would otherwise move a figure by a few instructions per call depending
// on what ran before it.
std::vector<double> TimeCalls(const std::vector<int> &fds, unsigned passes,
			      unsigned expect_uid, const std::vector<Call> &calls)
{
	std::vector<double> ns;
	for (Call call : calls) {
		long uid = -1;
		for (int fd : fds) {
			uid = OwnerSeenBy(call, fd);
			if (uid < 0)
				Die("stat call");
		}
		if (uid != long(expect_uid)) {
			fprintf(stderr, "userns-bench: owner %ld, expected %u\n", uid, expect_uid);
			exit(3);
		}
		double best = 0;
		for (unsigned p = 0; p < passes; p++) {
			double start = NowNs();
			Pass(call, fds);
			double t = (NowNs() - start) / fds.size();
			if (p == 0 || t < best)
				best = t;
		}
		ns.push_back(best);
	}
	return ns;
}

bool WriteFile(const std::string &path, const std::string &text)
{
	int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = write(fd, text.data(), text.size()) == (ssize_t)text.size();
	close(fd);
	return ok;
}

// Runs the timing in a child inside a new namespace with n extents; the
// results come back over a pipe. Returns nothing when user namespaces are
// not available.
std::vector<double> TimeInNamespace(const std::vector<int> &fds, unsigned passes, unsigned n,
				    bool gid_extents, const std::vector<Call> &calls)
{
	int ready[2], result[2], go[2];
	if (pipe(ready) || pipe(result) || pipe(go))
		Die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		Die("fork");
	if (pid == 0) {
		char c = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1 || c == 'n')
			_exit(1);
		if (read(go[0], &c, 1) != 1 || c != 'g')
			_exit(1);
		// Inside, the owner reads as the first id of the last extent.
		std::vector<double> ns = TimeCalls(fds, passes, (n - 1) * kStride, calls);
		size_t size = ns.size() * sizeof(double);
		if (write(result[1], ns.data(), size) != (ssize_t)size)
			_exit(1);
		_exit(0);
	}
	char c = 0;
	if (read(ready[0], &c, 1) != 1 || c != 'y') {
		waitpid(pid, nullptr, 0);
		return {};
	}
	std::string base = "/proc/" + std::to_string(pid) + "/";
	std::string map = MapText(n);
	// --maps=uid: the gid map has the owner's extent alone.
	if (!WriteFile(base + "uid_map", map) ||
	    !WriteFile(base + "gid_map", gid_extents ? map : ExtentLine(n - 1)))
		Die("writing the maps");
	c = 'g';
	if (write(go[1], &c, 1) != 1)
		Die("write");
	std::vector<double> ns(calls.size());
	size_t size = ns.size() * sizeof(double);
	if (read(result[0], ns.data(), size) != (ssize_t)size)
		Die("reading the child's timings");
	int status = 0;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "userns-bench: the timing child failed\n");
		exit(3);
	}
	for (int fd : {ready[0], ready[1], result[0], result[1], go[0], go[1]})
		close(fd);
	return ns;
}

// Raises a /proc/sys/fs limit to at least want (the guest runs us as root).
void RaiseSysctl(const char *path, unsigned long want)
{
	FILE *f = fopen(path, "r");
	unsigned long have = 0;
	if (f) {
		if (fscanf(f, "%lu", &have) != 1)
			have = 0;
		fclose(f);
	}
	if (have >= want)
		return;
	if (!WriteFile(path, std::to_string(want)))
		Die(path);
}

std::vector<std::string> ParseNames(const char *s)
{
	std::vector<std::string> v;
	std::string cur;
	for (const char *p = s;; p++) {
		if (*p == ',' || *p == ':' || !*p) {
			if (!cur.empty())
				v.push_back(cur);
			cur.clear();
			if (!*p)
				break;
		} else {
			cur += *p;
		}
	}
	return v;
}

std::vector<unsigned> ParseList(const char *s)
{
	std::vector<unsigned> v;
	for (const char *p = s; *p;) {
		v.push_back(strtoul(p, const_cast<char **>(&p), 10));
		if (*p == ',' || *p == ':')
			p++;
		else if (*p)
			break;
	}
	return v;
}

Options ParseArgs(int argc, char **argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--files=", 8))
			o.files = strtoul(a + 8, nullptr, 10);
		else if (!strncmp(a, "--passes=", 9))
			o.passes = strtoul(a + 9, nullptr, 10);
		else if (!strncmp(a, "--extents=", 10))
			o.extents = ParseList(a + 10);
		else if (!strncmp(a, "--out=", 6))
			o.out = a + 6;
		else if (!strncmp(a, "--ext4=", 7))
			o.dirs.push_back(a + 7);
		else if (!strncmp(a, "--calls=", 8))
			o.calls = ParseNames(a + 8);
		else if (!strcmp(a, "--maps=both") || !strcmp(a, "--maps=uid"))
			o.gid_extents = !strcmp(a, "--maps=both");
		else {
			fprintf(stderr, "usage: userns-bench [--files=N] [--passes=N] "
					"[--extents=1,5,...|1:5:...] [--maps=both|uid] [--ext4=DIR] "
					"[--calls=fstat,newfstatat,statx] "
					"[--out=FILE]\n");
			exit(2);
		}
	}
	return o;
}

}  // namespace

int main(int argc, char **argv)
{
	Options o = ParseArgs(argc, argv);
	std::vector<Call> calls;
	for (const std::string &name : o.calls)
		calls.push_back(CallNamed(name));
	// A million open files is above the default per-process and system limits.
	RaiseSysctl("/proc/sys/fs/nr_open", o.files + 64);
	RaiseSysctl("/proc/sys/fs/file-max", o.files + 4096);
	struct rlimit rl = {o.files + 64, o.files + 64};
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		Die("setrlimit(RLIMIT_NOFILE)");

	FILE *out = fopen(o.out.c_str(), "w");
	if (!out)
		Die("open --out");
	fprintf(out, "{\"files\": %u, \"passes\": %u, \"maps\": \"%s\", \"results\": [", o.files,
		o.passes, o.gid_extents ? "both" : "uid");
	bool first = true;
	for (const std::string &dir : o.dirs) {
		const char *fs = dir.rfind("/tmp", 0) == 0 ? "tmpfs" : "ext4";
		// Extent count 0 is the initial namespace.
		std::vector<unsigned> cases = {0};
		cases.insert(cases.end(), o.extents.begin(), o.extents.end());
		for (unsigned n : cases) {
			unsigned owner = OwnerFor(n ? n : 1);
			std::vector<int> fds = OpenFiles(dir, o.files, owner);
			std::vector<double> ns =
				n ? TimeInNamespace(fds, o.passes, n, o.gid_extents, calls)
				  : TimeCalls(fds, o.passes, owner, calls);
			CloseFiles(fds);
			// Nothing when this kernel has no user namespaces.
			for (size_t i = 0; i < ns.size(); i++) {
				const char *call = o.calls[i].c_str();
				fprintf(out, "%s\n  {\"fs\": \"%s\", \"extents\": %u, \"call\": \"%s\", "
					     "\"ns_per_call\": %.2f}",
					first ? "" : ",", fs, n, call, ns[i]);
				first = false;
				fprintf(stderr, "userns-bench: %s extents=%u %s %.1f ns/call\n", fs, n,
					call, ns[i]);
			}
		}
	}
	fprintf(out, "\n]}\n");
	fclose(out);
	return 0;
}
