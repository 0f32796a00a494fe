// SPDX-License-Identifier: GPL-2.0
// fstat() microbenchmark for the ID-mapping layer, run in the guest.
//
// Opens --files files owned by one uid/gid, then times fstat() over all of
// them, --passes times: once in the initial user namespace, then in a child
// namespace whose uid and gid maps have each of --extents extents
// (--maps=uid: only the uid map; the gid map then maps the owner's gid
// alone, so fstat() searches one large map, not two). The files' owner
// sits in the last extent written and the last one sorted, the worst place
// for the lookup. Under QEMU's -icount shift=0 the guest clock counts
// instructions, so ns per call is instructions per call.
//
// Output: one JSON object with a result per (filesystem, extents) case.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
};

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

// ns per fstat() over all fds, passes times (first pass warms the cache
// and is not counted).
double TimeFstat(const std::vector<int> &fds, unsigned passes, unsigned expect_uid)
{
	struct stat st;
	for (int fd : fds) {
		if (fstat(fd, &st) != 0)
			Die("fstat");
	}
	if (st.st_uid != expect_uid) {
		fprintf(stderr, "userns-bench: st_uid %u, expected %u\n", st.st_uid, expect_uid);
		exit(3);
	}
	double start = NowNs();
	for (unsigned p = 0; p < passes; p++) {
		for (int fd : fds)
			fstat(fd, &st);
	}
	return (NowNs() - start) / (double(passes) * fds.size());
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
// result comes back over a pipe. Returns < 0 when user namespaces are
// not available.
double TimeInNamespace(const std::vector<int> &fds, unsigned passes, unsigned n,
		       bool gid_extents)
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
		double ns = TimeFstat(fds, passes, (n - 1) * kStride);
		if (write(result[1], &ns, sizeof(ns)) != sizeof(ns))
			_exit(1);
		_exit(0);
	}
	char c = 0;
	if (read(ready[0], &c, 1) != 1 || c != 'y') {
		waitpid(pid, nullptr, 0);
		return -1;
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
	double ns = -1;
	if (read(result[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	waitpid(pid, nullptr, 0);
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
		else if (!strcmp(a, "--maps=both") || !strcmp(a, "--maps=uid"))
			o.gid_extents = !strcmp(a, "--maps=both");
		else {
			fprintf(stderr, "usage: userns-bench [--files=N] [--passes=N] "
					"[--extents=1,5,...|1:5:...] [--maps=both|uid] [--ext4=DIR] "
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
			double ns = n ? TimeInNamespace(fds, o.passes, n, o.gid_extents)
				      : TimeFstat(fds, o.passes, owner);
			CloseFiles(fds);
			if (ns < 0)
				continue;  // no user namespaces in this kernel
			fprintf(out, "%s\n  {\"fs\": \"%s\", \"extents\": %u, \"ns_per_call\": %.2f}",
				first ? "" : ",", fs, n, ns);
			first = false;
			fprintf(stderr, "userns-bench: %s extents=%u %.1f ns/fstat\n", fs, n, ns);
		}
	}
	fprintf(out, "\n]}\n");
	fclose(out);
	return 0;
}
