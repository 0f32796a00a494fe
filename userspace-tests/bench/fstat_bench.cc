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
// last one sorted, the worst place for the lookup. Then in a namespace of
// each of --shapes, the maps container runtimes write (kShapes: rootless
// podman's two extents with the owner in either, the lines swapped, uid
// and gid maps of different sizes, a gid map never written). Under QEMU's
// -icount shift=0 the guest clock counts instructions, so ns per call is
// instructions per call.
//
// --command-files=N adds a whole-command case: busybox `ls -ln` over N
// files, in the initial namespace and in the --command-shapes, timed
// from fork to exit and divided by N (ns, or instructions, per file).
//
// Output: one JSON object with a result per (filesystem, extents or shape,
// call) case; "extents" is a count, or a shape's name.
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

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <climits>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "../lib/number_arg.h"

namespace {

// Extent i maps inside id i*kStride to kernel id kBase+i*kStride, one id
// each: short lines, so 340 extents fit the one-write limit (< 4096 bytes).
constexpr unsigned kBase = 1000;
constexpr unsigned kStride = 2;

// A namespace shaped as a container runtime leaves it: its maps (an empty
// gid_map is never written), the kernel id owning the files (uid and gid)
// and the uid that owner reads as inside.
struct Shape {
	const char *name;
	const char *uid_map;
	const char *gid_map;
	unsigned owner;
	unsigned inside_uid;
};

// newuidmap's rootless map: the user's own id, then its /etc/subuid range.
#define ROOTLESS "0 1000 1\n1 100000 65536\n"
const Shape kShapes[] = {
	{"one-extent", "0 100000 65536\n", "0 100000 65536\n", 100005, 5},
	{"rootless-owner-first", ROOTLESS, ROOTLESS, 1000, 0},
	{"rootless-owner-second", ROOTLESS, ROOTLESS, 100005, 6},
	{"rootless-swapped", "1 100000 65536\n0 1000 1\n", "1 100000 65536\n0 1000 1\n", 1000, 0},
	{"uid3-gid2", "0 1000 1\n1 100000 1000\n1001 200000 1000\n", "0 1000 1\n1 200000 65536\n",
	 200005, 1006},
	{"uid5-gid1", "0 1000 1\n1 100000 10\n11 110000 10\n21 120000 10\n31 130000 10\n",
	 "0 130000 10\n", 130005, 36},
	{"gid-map-empty", ROOTLESS, "", 100005, 6},
};
#undef ROOTLESS

const Shape &ShapeNamed(const std::string &name)
{
	for (const Shape &sh : kShapes)
		if (name == sh.name)
			return sh;
	fprintf(stderr, "userns-bench: unknown shape '%s' (", name.c_str());
	for (const Shape &sh : kShapes)
		fprintf(stderr, " %s", sh.name);
	fprintf(stderr, " )\n");
	exit(2);
}

struct Options {
	unsigned files = 100000;
	unsigned passes = 5;
	std::vector<unsigned> extents = {1, 5, 6, 64, 340};
	std::vector<std::string> dirs = {"/tmp/fstat-bench"};
	std::string out = "/dev/stdout";
	bool gid_extents = true;  // --maps=both (default) or uid
	std::vector<std::string> calls = {"fstat", "newfstatat", "statx"};
	std::vector<std::string> shapes;  // default: every one of kShapes
	unsigned command_files = 0;       // 0: no whole-command case
	std::vector<std::string> command_shapes = {"one-extent", "rootless-owner-second"};
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

// Runs work() in a child inside a new user namespace whose maps the
// parent writes (an empty gid_map is left unwritten); the values work()
// returns come back over a pipe. Returns nothing when user namespaces are
// not available.
std::vector<double> InNamespace(const std::string &uid_map, const std::string &gid_map,
				size_t results, const std::function<std::vector<double>()> &work)
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
		std::vector<double> ns = work();
		size_t size = ns.size() * sizeof(double);
		if (ns.size() != results || write(result[1], ns.data(), size) != (ssize_t)size)
			_exit(1);
		_exit(0);
	}
	auto close_pipes = [&] {
		for (int fd : {ready[0], ready[1], result[0], result[1], go[0], go[1]})
			close(fd);
	};
	char c = 0;
	if (read(ready[0], &c, 1) != 1 || c != 'y') {
		waitpid(pid, nullptr, 0);
		close_pipes();
		return {};
	}
	std::string base = "/proc/" + std::to_string(pid) + "/";
	if (!WriteFile(base + "uid_map", uid_map) ||
	    (!gid_map.empty() && !WriteFile(base + "gid_map", gid_map)))
		Die("writing the maps");
	c = 'g';
	if (write(go[1], &c, 1) != 1)
		Die("write");
	std::vector<double> ns(results);
	size_t size = ns.size() * sizeof(double);
	if (read(result[0], ns.data(), size) != (ssize_t)size)
		Die("reading the child's timings");
	int status = 0;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "userns-bench: the timing child failed\n");
		exit(3);
	}
	close_pipes();
	return ns;
}

// The timing in a namespace with n extents in its uid map, and in its gid
// map too unless gid_extents is false (then the owner's extent alone).
// Inside, the owner reads as the first id of the last extent.
std::vector<double> TimeInNamespace(const std::vector<int> &fds, unsigned passes, unsigned n,
				    bool gid_extents, const std::vector<Call> &calls)
{
	return InNamespace(MapText(n), gid_extents ? MapText(n) : ExtentLine(n - 1), calls.size(),
			   [&] { return TimeCalls(fds, passes, (n - 1) * kStride, calls); });
}

// Runs busybox ls -ln on path with its output to fd out; returns its pid.
pid_t StartLs(const std::string &path, int out)
{
	pid_t pid = fork();
	if (pid < 0)
		Die("fork");
	if (pid == 0) {
		if (dup2(out, 1) < 0)
			_exit(126);
		execl("/bin/busybox", "ls", "-ln", path.c_str(), (char *)nullptr);
		_exit(127);
	}
	return pid;
}

bool WaitOk(pid_t pid)
{
	int status = 0;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// ns per file of `busybox ls -ln dir` (fork to exit), the fastest of
// passes runs, after one untimed run of ls on one file checks that it
// shows expect_uid as the owner.
std::vector<double> TimeLs(const std::string &dir, unsigned files, unsigned passes,
			   unsigned expect_uid)
{
	int p[2];
	if (pipe(p))
		Die("pipe");
	pid_t pid = StartLs(dir + "/f0", p[1]);
	close(p[1]);
	char buf[512] = {};
	ssize_t len = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	unsigned links = 0, uid = ~0u;
	if (!WaitOk(pid) || len <= 0 || sscanf(buf, "%*s %u %u", &links, &uid) != 2 ||
	    uid != expect_uid) {
		fprintf(stderr, "userns-bench: ls -ln showed '%s', expected owner %u\n", buf,
			expect_uid);
		exit(3);
	}
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0)
		Die("open /dev/null");
	double best = 0;
	for (unsigned i = 0; i < passes; i++) {
		double start = NowNs();
		pid = StartLs(dir, null);
		if (!WaitOk(pid)) {
			fprintf(stderr, "userns-bench: ls -ln %s failed\n", dir.c_str());
			exit(3);
		}
		double t = (NowNs() - start) / files;
		if (i == 0 || t < best)
			best = t;
	}
	close(null);
	return {best};
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

// A number given to option, or exit 2 saying what was wrong.
unsigned NumberArg(const char *option, const std::string &text)
{
	unsigned long long v;
	if (!ParseNumber(text.c_str(), UINT_MAX, &v)) {
		fprintf(stderr, "userns-bench: %s wants a number, not '%s'\n", option, text.c_str());
		exit(2);
	}
	return v;
}

// "1,5,6" or "1:5:6": the numbers, each strictly a number.
std::vector<unsigned> ParseList(const char *option, const char *s)
{
	std::vector<unsigned> v;
	std::string item;
	for (const char *p = s;; p++) {
		if (*p == ',' || *p == ':' || *p == '\0') {
			v.push_back(NumberArg(option, item));
			item.clear();
			if (*p == '\0')
				break;
		} else {
			item += *p;
		}
	}
	return v;
}

Options ParseArgs(int argc, char **argv)
{
	Options o;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strncmp(a, "--files=", 8))
			o.files = NumberArg("--files", a + 8);
		else if (!strncmp(a, "--passes=", 9))
			o.passes = NumberArg("--passes", a + 9);
		else if (!strncmp(a, "--extents=", 10))
			o.extents = ParseList("--extents", a + 10);
		else if (!strncmp(a, "--out=", 6))
			o.out = a + 6;
		else if (!strncmp(a, "--ext4=", 7))
			o.dirs.push_back(a + 7);
		else if (!strncmp(a, "--calls=", 8))
			o.calls = ParseNames(a + 8);
		else if (!strcmp(a, "--maps=both") || !strcmp(a, "--maps=uid"))
			o.gid_extents = !strcmp(a, "--maps=both");
		else if (!strncmp(a, "--shapes=", 9))
			o.shapes = ParseNames(a + 9);
		else if (!strncmp(a, "--command-files=", 16))
			o.command_files = NumberArg("--command-files", a + 16);
		else if (!strncmp(a, "--command-shapes=", 17))
			o.command_shapes = ParseNames(a + 17);
		else {
			fprintf(stderr, "usage: userns-bench [--files=N] [--passes=N] "
					"[--extents=1,5,...|1:5:...] [--maps=both|uid] [--ext4=DIR] "
					"[--calls=fstat,newfstatat,statx] [--shapes=NAME:...|none] "
					"[--command-files=N] [--command-shapes=NAME:...] "
					"[--out=FILE]\n");
			exit(2);
		}
	}
	if (o.shapes.empty())
		for (const Shape &sh : kShapes)
			o.shapes.push_back(sh.name);
	if (o.shapes == std::vector<std::string>{"none"})
		o.shapes.clear();
	for (const std::string &name : o.shapes)
		ShapeNamed(name);
	for (const std::string &name : o.command_shapes)
		ShapeNamed(name);
	return o;
}

// One result object of the JSON output; extents is a count or a shape's name.
class Results {
public:
	explicit Results(FILE *out) : out_(out) {}

	void Add(const char *fs, const std::string &extents, const std::string &call, double ns)
	{
		bool count = extents.find_first_not_of("0123456789") == std::string::npos;
		fprintf(out_, "%s\n  {\"fs\": \"%s\", \"extents\": %s%s%s, \"call\": \"%s\", "
			      "\"ns_per_call\": %.2f}",
			first_ ? "" : ",", fs, count ? "" : "\"", extents.c_str(), count ? "" : "\"",
			call.c_str(), ns);
		first_ = false;
		fprintf(stderr, "userns-bench: %s extents=%s %s %.1f ns/call\n", fs, extents.c_str(),
			call.c_str(), ns);
	}

private:
	FILE *out_;
	bool first_ = true;
};

// The whole-command case: ls -ln over files files in dir, in the initial
// namespace and in each of shapes.
void TimeCommand(Results &results, const char *fs, const std::string &dir, unsigned files,
		 unsigned passes, const std::vector<std::string> &shapes)
{
	std::vector<std::string> cases = {"0"};
	cases.insert(cases.end(), shapes.begin(), shapes.end());
	for (const std::string &c : cases) {
		const Shape *sh = c == "0" ? nullptr : &ShapeNamed(c);
		unsigned owner = sh ? sh->owner : OwnerFor(1);
		std::vector<int> fds = OpenFiles(dir, files, owner);
		CloseFiles(fds);
		std::vector<double> ns =
			sh ? InNamespace(sh->uid_map, sh->gid_map, 1,
					 [&] { return TimeLs(dir, files, passes, sh->inside_uid); })
			   : TimeLs(dir, files, passes, owner);
		if (!ns.empty())
			results.Add(fs, c, "ls-ln", ns[0]);
	}
}

}  // namespace

int main(int argc, char **argv)
{
	Options o = ParseArgs(argc, argv);
	std::vector<Call> calls;
	for (const std::string &name : o.calls)
		calls.push_back(CallNamed(name));
	// A million open files is above the default per-process and system limits.
	unsigned open_max = std::max(o.files, o.command_files) + 64;
	RaiseSysctl("/proc/sys/fs/nr_open", open_max);
	RaiseSysctl("/proc/sys/fs/file-max", open_max + 4096);
	struct rlimit rl = {open_max, open_max};
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		Die("setrlimit(RLIMIT_NOFILE)");

	FILE *out = fopen(o.out.c_str(), "w");
	if (!out)
		Die("open --out");
	fprintf(out, "{\"files\": %u, \"passes\": %u, \"maps\": \"%s\", \"command_files\": %u, "
		     "\"results\": [",
		o.files, o.passes, o.gid_extents ? "both" : "uid", o.command_files);
	Results results(out);
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
			for (size_t i = 0; i < ns.size(); i++)
				results.Add(fs, std::to_string(n), o.calls[i], ns[i]);
		}
		for (const std::string &name : o.shapes) {
			const Shape &sh = ShapeNamed(name);
			std::vector<int> fds = OpenFiles(dir, o.files, sh.owner);
			std::vector<double> ns = InNamespace(
				sh.uid_map, sh.gid_map, calls.size(),
				[&] { return TimeCalls(fds, o.passes, sh.inside_uid, calls); });
			CloseFiles(fds);
			for (size_t i = 0; i < ns.size(); i++)
				results.Add(fs, sh.name, o.calls[i], ns[i]);
		}
		if (o.command_files)
			TimeCommand(results, fs, dir + "-ls", o.command_files, o.passes,
				    o.command_shapes);
	}
	fprintf(out, "\n]}\n");
	fclose(out);
	return 0;
}
