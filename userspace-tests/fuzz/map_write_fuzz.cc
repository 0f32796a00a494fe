// SPDX-License-Identifier: GPL-2.0
// Differential fuzzer of map writes, run in the guest as root: generates
// structured uid_map/gid_map/projid_map writes, writes each to a fresh
// namespace's map as one of the model's writers (root in the parent, with
// or without CAP_SETFCAP; the unprivileged owner, with or without setgroups
// denied; root and the owner each through a file the other opened; root of
// a nested parent whose maps are not the identity), and compares
// the errno and the map read back with the model (map_model.h). A refused
// write must also leave the map empty and writable. A
// disagreement is shrunk to a small reproducer, printed with the seed, and
// fails the run.
//
//   userns-fuzz [--writes=N] [--seed=S] [--jobs=J] [--out=FILE]
//
// J worker processes (default: one per CPU) share the writes; worker i
// uses seed S+i and prints it, so "--seed=S+i --jobs=1" replays it.
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "caps.h"
#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "map_model.h"
#include "number_arg.h"
#include "userns.h"

namespace {

const char *const kMapFiles[] = {"uid_map", "gid_map", "projid_map"};
const char *const kWriterNames[kWriters] = {
	"root", "owner", "owner, setgroups denied", "root without CAP_SETFCAP",
	"root, through a file the owner opened", "the owner, through a file root opened",
	"root of a nested parent"};

struct Outcome {
	int err;
	std::string readback;
	// After a refused write: the map still read back empty and then took
	// a valid write. (A refused write must change nothing.)
	bool untouched = true;
};

// Checks that a refused write left the map of pid empty and writable: root
// in the parent writes a one-id map the contract always accepts from it.
bool RefusedWriteChangedNothing(pid_t pid, const char *map)
{
	return ReadFile(ProcPath(pid, map)) == "" &&
	       WriteFileOnce(ProcPath(pid, map), "0 0 1\n").ok();
}

// Exit statuses of the owner's writer process that are not an errno.
constexpr int kWriterSetupFailed = 200;

// In a writer process: says which setup step failed, for SetupFailed.
int Report(const char *what, int err)
{
	printf("userns-fuzz: writer: %s: %s\n", what, err > 0 ? ErrnoName(err).c_str() : "failed");
	fflush(stdout);
	return kWriterSetupFailed;
}

// The namespace to write into could not be made: that is no kernel answer
// to compare with the model, so the run stops as a harness failure.
[[noreturn]] void SetupFailed(const char *what, int err)
{
	printf("userns-fuzz: setup failed: %s%s%s\n", what, err > 0 ? ": " : "",
	       err > 0 ? ErrnoName(err).c_str() : "");
	fflush(stdout);
	_exit(3);
}

// What a write of child's map with result err left behind: the map read
// back and, after a refusal, whether it stayed empty and writable. Lets the
// child finish.
Outcome Observe(UsernsChild &child, const char *map, int err)
{
	Outcome o{err, ReadFile(ProcPath(child.pid(), map)).value_or("")};
	if (err)
		o.untouched = RefusedWriteChangedNothing(child.pid(), map);
	child.Finish();
	return o;
}

// The owner creates the namespace and writes its map from the parent,
// without capabilities; root reads the map back.
Outcome WriteAsOwner(const char *map, Writer writer, const std::string &bytes)
{
	UsernsChild child([] { return 0; }, [] { return ErrnoOf(BecomeUser(kOwnerId, kOwnerId)); });
	if (child.setup_error())
		SetupFailed("the owner's unshare(CLONE_NEWUSER)", child.setup_error());
	int err = RunInChild([&] {
		if (!BecomeUser(kOwnerId, kOwnerId).ok())
			return kWriterSetupFailed;
		if (writer == Writer::kOwnerSetgroupsDenied &&
		    !WriteFileOnce(ProcPath(child.pid(), "setgroups"), "deny").ok())
			return kWriterSetupFailed;
		return ErrnoOf(child.WriteMap(map, bytes));
	});
	if (err == kWriterSetupFailed)
		SetupFailed("the owner's writer (ids or setgroups)", 0);
	return Observe(child, map, err);
}

// Root in the parent creates a namespace and writes its map, from a
// process without CAP_SETFCAP when setfcap is false.
Outcome WriteAsRoot(const char *map, const std::string &bytes, bool setfcap)
{
	UsernsChild child([] { return 0; });
	if (child.setup_error())
		SetupFailed("root's unshare(CLONE_NEWUSER)", child.setup_error());
	if (setfcap)
		return Observe(child, map, ErrnoOf(child.WriteMap(map, bytes)));
	int err = RunInChild([&] {
		if (!DropCapability(CAP_SETFCAP).ok())
			return kWriterSetupFailed;
		return ErrnoOf(child.WriteMap(map, bytes));
	});
	if (err == kWriterSetupFailed)
		SetupFailed("dropping CAP_SETFCAP", 0);
	return Observe(child, map, err);
}

// The owner creates the namespace; one of root and the owner opens the
// map file, the other writes through that open file. The opener's
// credentials decide what may be mapped; a privileged map needs the
// writer's capability as well.
Outcome WriteThroughOthersFd(const char *map, Writer writer, const std::string &bytes)
{
	UsernsChild child([] { return 0; }, [] { return ErrnoOf(BecomeUser(kOwnerId, kOwnerId)); });
	if (child.setup_error())
		SetupFailed("the owner's unshare(CLONE_NEWUSER)", child.setup_error());
	std::string path = ProcPath(child.pid(), map);
	int err;
	if (writer == Writer::kOwnerThroughRootsFd) {
		FileDescriptor fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
		if (!fd.valid())
			SetupFailed("root's open of the map file", errno);
		err = RunInChild([&] {
			if (!BecomeUser(kOwnerId, kOwnerId).ok())
				return kWriterSetupFailed;
			return ErrnoOf(WriteAll(fd.get(), bytes));
		});
	} else {
		// Opened with the owner's effective ids (and so no effective
		// capabilities); written once root's are back.
		err = RunInChild([&] {
			if (setegid(kOwnerId) != 0 || seteuid(kOwnerId) != 0)
				return kWriterSetupFailed;
			FileDescriptor fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
			if (!fd.valid() || seteuid(0) != 0 || setegid(0) != 0)
				return kWriterSetupFailed;
			return ErrnoOf(WriteAll(fd.get(), bytes));
		});
	}
	if (err == kWriterSetupFailed)
		SetupFailed("the writer through another's file (ids or open)", 0);
	return Observe(child, map, err);
}

// The parent namespace of kRootOfNestedParent's writes, made once per
// worker: its uid, gid and projid maps are kNestedParent. Its process
// stays parked until the worker exits.
pid_t NestedParent()
{
	static UsernsChild *parent = [] {
		auto *p = new UsernsChild([] { return 0; });
		if (p->setup_error())
			SetupFailed("the nested parent's unshare(CLONE_NEWUSER)", p->setup_error());
		std::string text;
		for (const ModelExtent &e : kNestedParent)
			text += std::to_string(e.first) + " " + std::to_string(e.lower) + " " +
				std::to_string(e.count) + "\n";
		for (const char *map : kMapFiles) {
			if (int err = ErrnoOf(p->WriteMap(map, text)))
				SetupFailed("writing the nested parent's maps", err);
		}
		return p;
	}();
	return parent->pid();
}

// Root of the nested parent (setns into it, then its uid and gid 0, which
// are kernel 100000) creates a child and writes the child's map: the lower
// ids are the parent's. The map is read back from inside the parent, so
// they read back as written. The outcome comes back over a pipe.
Outcome WriteAsRootOfNestedParent(const char *map, const std::string &bytes)
{
	pid_t parent = NestedParent();
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		SetupFailed("pipe2", errno);
	FileDescriptor rd(p[0]), wr(p[1]);
	int status = RunInChild([&] {
		rd.reset();
		FileDescriptor ns(open(ProcPath(parent, "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
		if (!ns.valid() || setns(ns.get(), CLONE_NEWUSER) != 0)
			return Report("setns into the nested parent", errno);
		if (int err = ErrnoOf(BecomeRootInNamespace()))
			return Report("becoming its root", err);
		UsernsChild child([] { return 0; });
		if (child.setup_error())
			return Report("its child's unshare(CLONE_NEWUSER)", child.setup_error());
		Outcome o = Observe(child, map, ErrnoOf(child.WriteMap(map, bytes)));
		std::string msg = std::to_string(o.err) + " " + (o.untouched ? "1" : "0") + "\n" +
				  o.readback;
		return WriteAll(wr.get(), msg).ok() ? 0 : kWriterSetupFailed;
	});
	wr.reset();
	std::string msg;
	char buf[4096];
	for (ssize_t n; (n = read(rd.get(), buf, sizeof(buf))) > 0;)
		msg.append(buf, n);
	size_t nl = msg.find('\n');
	if (status != 0 || nl == std::string::npos)
		SetupFailed("the nested parent's writer (setns, ids or child)", 0);
	Outcome o{atoi(msg.c_str()), msg.substr(nl + 1)};
	o.untouched = msg[msg.find(' ') + 1] == '1';
	return o;
}

Outcome WriteForReal(MapKind kind, Writer writer, const std::string &bytes)
{
	const char *map = kMapFiles[static_cast<int>(kind)];
	switch (writer) {
	case Writer::kRoot:
	case Writer::kRootWithoutSetfcap:
		return WriteAsRoot(map, bytes, writer == Writer::kRoot);
	case Writer::kRootThroughOwnersFd:
	case Writer::kOwnerThroughRootsFd:
		return WriteThroughOthersFd(map, writer, bytes);
	case Writer::kRootOfNestedParent:
		return WriteAsRootOfNestedParent(map, bytes);
	default:
		return WriteAsOwner(map, writer, bytes);
	}
}

struct Case {
	MapKind map;
	Writer writer;
	std::string bytes;
};

bool Agrees(const Case &c, Outcome *got, ModelResult *want)
{
	*want = PredictWrite(c.bytes, c.map, c.writer);
	*got = WriteForReal(c.map, c.writer, c.bytes);
	return got->err == want->err &&
	       (got->err ? got->untouched : got->readback == want->Readback());
}

class Generator {
public:
	explicit Generator(uint64_t seed) : rng_(seed) {}

	// Half the writes as root (in the parent, without CAP_SETFCAP, or of
	// a nested parent); the rest as the owner, or through a file the other
	// one opened, mostly of a map of the owner's own id, which is all the
	// owner may map.
	Case Next()
	{
		static const Writer kRootish[] = {Writer::kRoot, Writer::kRoot, Writer::kRoot,
						  Writer::kRootWithoutSetfcap,
						  Writer::kRootOfNestedParent};
		static const Writer kOwnerish[] = {Writer::kOwner, Writer::kOwner,
						   Writer::kOwnerSetgroupsDenied,
						   Writer::kOwnerSetgroupsDenied,
						   Writer::kRootThroughOwnersFd,
						   Writer::kOwnerThroughRootsFd};
		Case c;
		c.map = static_cast<MapKind>(Pick(3));
		c.writer = Chance(50) ? kRootish[Pick(5)] : kOwnerish[Pick(6)];
		bool rootish = c.writer == Writer::kRoot || c.writer == Writer::kRootWithoutSetfcap;
		if (c.writer == Writer::kRootOfNestedParent)
			c.bytes = Chance(60) ? NestedMap() : Bytes();
		else
			c.bytes = !rootish && Chance(60) ? OwnMap() : Bytes();
		return c;
	}

private:
	std::string Bytes()
	{
		switch (Pick(10)) {
		case 0:
			return Noise();
		case 1:
			return Padded();
		case 2:
			return ShortLines();
		default:
			return Lines();
		}
	}

	// 1 to 8 lines whose lower ranges mostly lie inside one extent of the
	// nested parent's map, now and then running one id past its end.
	std::string NestedMap()
	{
		unsigned n = Chance(20) ? 6 + Pick(3) : 1 + Pick(5);
		uint32_t first = Pick(2) ? 0 : Pick(1000);
		std::string s;
		for (unsigned i = 0; i < n; i++) {
			const ModelExtent &p = kNestedParent[Pick(std::size(kNestedParent))];
			uint32_t off = Pick(p.count), count = 1 + Pick(p.count - off);
			if (Chance(10))
				count++;  // one past the parent's extent
			s += std::to_string(first) + " " + std::to_string(p.first + off) + " " +
			     std::to_string(count) + "\n";
			first += count + Pick(3);
		}
		return s;
	}

	// "first kOwnerId 1": the owner's own id, with near misses.
	std::string OwnMap()
	{
		static const uint32_t kNear[] = {kOwnerId, kOwnerId, kOwnerId, kOwnerId - 1,
						 kOwnerId + 1, 0};
		uint32_t lower = kNear[Pick(sizeof(kNear) / sizeof(kNear[0]))];
		std::string s = Number() + " " + std::to_string(lower) + " " + (Chance(80) ? "1" : Number());
		if (Chance(80))
			s += "\n";
		if (Chance(15))
			s += Line(&next_first_, &next_lower_) + "\n";
		return s;
	}

	unsigned Pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
	bool Chance(unsigned percent) { return Pick(100) < percent; }

	std::string Number()
	{
		static const char *const kEdges[] = {
			"0", "1", "2", "9", "10", "1000", "65534", "65535", "2147483647",
			"2147483648", "4294967294", "4294967295", "4294967296", "4294967297",
			"18446744073709551615", "18446744073709551616", "99999999999999999999999",
			"00", "007", "0000000000000000000001"};
		switch (Pick(4)) {
		case 0:
			return kEdges[Pick(sizeof(kEdges) / sizeof(kEdges[0]))];
		case 1:
			return std::to_string(Pick(64));
		case 2:
			return std::to_string(Pick(4096));
		default:
			return std::to_string(std::uniform_int_distribution<uint32_t>()(rng_));
		}
	}

	std::string Blank()
	{
		static const char *const kBlanks[] = {" ", " ", " ", "  ", "\t", "\r", "\v", "\f",
						      "\xa0", " \t "};
		return kBlanks[Pick(sizeof(kBlanks) / sizeof(kBlanks[0]))];
	}

	std::string Junk()
	{
		static const char *const kJunk[] = {"+", "-", "x", "0x", ",", "#", "\x01", "\x80",
						    "a", "1 1", std::string(1, '\0').c_str()};
		if (Chance(10))
			return std::string(1, '\0');
		return kJunk[Pick(sizeof(kJunk) / sizeof(kJunk[0]) - 1)];
	}

	// A line that is mostly valid: three numbers, with mutations.
	std::string Line(uint32_t *next_first, uint32_t *next_lower)
	{
		std::string first, lower, count;
		if (Chance(70)) {
			// A sensible, often disjoint extent.
			uint32_t c = 1 + Pick(Chance(80) ? 4 : 100000);
			first = std::to_string(*next_first);
			lower = std::to_string(*next_lower);
			count = std::to_string(c);
			uint32_t gap = Chance(30) ? 0 : Pick(3);
			if (Chance(10))
				gap = 0, c = 0;  // overlap with this very line
			*next_first += c + gap;
			*next_lower += c + (Chance(50) ? 0 : Pick(5));
		} else {
			first = Number();
			lower = Number();
			count = Number();
		}
		std::string s;
		if (Chance(15))
			s += Blank();
		if (Chance(3))
			s += Junk();
		s += first + Blank() + lower;
		if (!Chance(3))
			s += Blank() + count;
		if (Chance(10))
			s += Blank();
		if (Chance(3))
			s += Junk();
		if (Chance(2))
			s += Blank() + Number();
		return s;
	}

	std::string Lines()
	{
		unsigned n;
		switch (Pick(6)) {
		case 0:
			n = 0;
			break;
		case 1:
			n = 330 + Pick(20);
			break;
		case 2:
			n = 5 + Pick(3);
			break;
		default:
			n = 1 + Pick(8);
		}
		uint32_t nf = Pick(2) ? 0 : Pick(100000), nl = Pick(2) ? 0 : Pick(100000);
		std::string s;
		for (unsigned i = 0; i < n; i++) {
			if (Chance(2))
				s += "\n";  // an empty line
			s += Line(&nf, &nl);
			if (i + 1 < n || Chance(70))
				s += "\n";
		}
		if (Chance(3))
			s += "\n";
		return s;
	}

	// 338 to 341 lines as short as lines get ("i i 1"), so that maps at
	// the 340-line limit fit in one write of less than a page; now and
	// then one line is mutated.
	std::string ShortLines()
	{
		unsigned n = 338 + Pick(4);
		unsigned bad = Chance(30) ? Pick(n) : n;
		std::string s;
		for (unsigned i = 0; i < n; i++) {
			std::string id = std::to_string(i);
			s += i == bad ? Line(&next_first_, &next_lower_) : id + " " + id + " 1";
			s += "\n";
		}
		return s;
	}

	// Valid lines padded with leading blanks to lengths around a page.
	std::string Padded()
	{
		std::string line = "0 0 " + std::to_string(1 + Pick(100)) + "\n";
		size_t len = 4094 + Pick(4);
		return std::string(len - line.size(), ' ') + line;
	}

	std::string Noise()
	{
		std::string s;
		unsigned n = Pick(64);
		for (unsigned i = 0; i < n; i++)
			s += static_cast<char>(Pick(256));
		return s;
	}

	std::mt19937_64 rng_;
	uint32_t next_first_ = 0, next_lower_ = 0;
};

std::string Escape(const std::string &s)
{
	std::string out;
	char buf[8];
	for (unsigned char c : s) {
		if (c == '\n')
			out += "\\n";
		else if (c == '\\' || c == '"')
			out += std::string("\\") + char(c);
		else if (c < 0x20 || c >= 0x7f)
			snprintf(buf, sizeof(buf), "\\x%02x", c), out += buf;
		else
			out += char(c);
	}
	return out;
}

// Drops lines (then bytes at the ends) while the disagreement persists.
Case Shrink(Case c)
{
	Outcome got;
	ModelResult want;
	for (bool progress = true; progress;) {
		progress = false;
		for (size_t start = 0; start < c.bytes.size();) {
			size_t nl = c.bytes.find('\n', start);
			size_t end = nl == std::string::npos ? c.bytes.size() : nl + 1;
			Case shorter = c;
			shorter.bytes = c.bytes.substr(0, start) + c.bytes.substr(end);
			if (shorter.bytes != c.bytes && !Agrees(shorter, &got, &want)) {
				c = shorter;
				progress = true;
			} else {
				start = end;
			}
		}
	}
	return c;
}

struct Stats {
	unsigned long writes, accepted, disagreements;
};

// One worker: writes fuzzed cases, prints every disagreement, stops
// after three.
Stats Fuzz(uint64_t seed, unsigned long writes)
{
	Generator gen(seed);
	Stats st{};
	// Per writer: writes, and how many the kernel accepted.
	unsigned long tried[kWriters] = {}, took[kWriters] = {};
	for (; st.writes < writes && st.disagreements < 3; st.writes++) {
		Case c = gen.Next();
		Outcome got;
		ModelResult want;
		bool agrees = Agrees(c, &got, &want);
		tried[static_cast<int>(c.writer)]++;
		took[static_cast<int>(c.writer)] += got.err == 0;
		if (agrees) {
			st.accepted += got.err == 0;
			continue;
		}
		st.disagreements++;
		Case small = Shrink(c);
		Agrees(small, &got, &want);
		printf("DISAGREEMENT (seed %llu, write %lu) %s by %s: \"%s\"\n"
		       "  kernel: %s, read back \"%s\"%s\n  model:  %s, read back \"%s\"\n",
		       (unsigned long long)seed, st.writes, kMapFiles[static_cast<int>(small.map)],
		       kWriterNames[static_cast<int>(small.writer)], Escape(small.bytes).c_str(),
		       ErrnoName(got.err).c_str(), Escape(got.readback).c_str(),
		       got.untouched ? "" : " (and the map was not left empty and writable)",
		       ErrnoName(want.err).c_str(),
		       Escape(want.Readback()).c_str());
		fflush(stdout);
	}
	std::string by;
	for (int w = 0; w < kWriters; w++)
		by += std::string(w ? "; " : "") + kWriterNames[w] + " " + std::to_string(took[w]) +
		      "/" + std::to_string(tried[w]);
	printf("userns-fuzz: seed %llu, accepted/written by writer: %s\n",
	       (unsigned long long)seed, by.c_str());
	fflush(stdout);
	return st;
}

// Runs jobs workers, each in its own process, and adds up their counts.
// A worker that dies counts as a disagreement: the run must fail.
Stats FuzzInParallel(uint64_t seed, unsigned long writes, unsigned jobs)
{
	Stats total{};
	std::vector<std::pair<Channel, std::unique_ptr<ScopedChild>>> workers;
	workers.reserve(jobs);
	for (unsigned i = 0; i < jobs; i++) {
		unsigned long share = writes / jobs + (i < writes % jobs);
		workers.emplace_back();
		Channel &ch = workers.back().first;
		fflush(stdout);  // or the worker inherits, and prints again, our buffer
		workers.back().second = std::make_unique<ScopedChild>([&, i, share] {
			ch.CloseRead();
			Stats st = Fuzz(seed + i, share);
			ch.Send(static_cast<int>(st.writes));
			ch.Send(static_cast<int>(st.accepted));
			ch.Send(static_cast<int>(st.disagreements));
			return 0;
		});
		ch.CloseWrite();
		printf("userns-fuzz: worker %u: seed %llu, %lu writes\n", i,
		       (unsigned long long)(seed + i), share);
	}
	fflush(stdout);
	for (auto &[ch, child] : workers) {
		int w = ch.Receive(-1), a = ch.Receive(-1), d = ch.Receive(-1);
		int status = child->Wait();
		if (status != 0 || w < 0 || a < 0 || d < 0) {
			printf("userns-fuzz: a worker died (status %d)\n", status);
			total.disagreements++;
			continue;
		}
		total.writes += w;
		total.accepted += a;
		total.disagreements += d;
	}
	return total;
}

}  // namespace

int main(int argc, char **argv)
{
	unsigned long writes = 5000;
	uint64_t seed = std::random_device()();
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	const char *out_path = nullptr;
	auto number = [](const char *option, const char *text, unsigned long long max) {
		unsigned long long v;
		if (!ParseNumber(text, max, &v)) {
			fprintf(stderr, "userns-fuzz: %s wants a number, not '%s'\n", option, text);
			exit(2);
		}
		return v;
	};
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--writes=", 9))
			writes = number("--writes", argv[i] + 9, ULONG_MAX);
		else if (!strncmp(argv[i], "--seed=", 7))
			seed = number("--seed", argv[i] + 7, UINT64_MAX);
		else if (!strncmp(argv[i], "--jobs=", 7))
			jobs = number("--jobs", argv[i] + 7, 1024);
		else if (!strncmp(argv[i], "--out=", 6))
			out_path = argv[i] + 6;
		else {
			fprintf(stderr,
				"usage: userns-fuzz [--writes=N] [--seed=S] [--jobs=J] [--out=FILE]\n");
			return 2;
		}
	}
	if (jobs < 1)
		jobs = 1;
	if (!UserNamespacesAvailable()) {
		fprintf(stderr, "userns-fuzz: no user namespaces in this kernel\n");
		return 2;
	}
	printf("userns-fuzz: seed %llu, %lu writes, %ld worker(s)\n", (unsigned long long)seed,
	       writes, jobs);
	fflush(stdout);
	auto start = std::chrono::steady_clock::now();
	Stats st = jobs == 1 ? Fuzz(seed, writes) : FuzzInParallel(seed, writes, jobs);
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	printf("userns-fuzz: %lu writes (%lu accepted), %lu disagreements, %.0f writes/s\n",
	       st.writes, st.accepted, st.disagreements, st.writes / secs);
	if (out_path) {
		FILE *f = fopen(out_path, "w");
		if (f) {
			fprintf(f,
				"{\"seed\": %llu, \"jobs\": %ld, \"writes\": %lu, \"accepted\": %lu, "
				"\"disagreements\": %lu, \"writes_per_s\": %.1f}\n",
				(unsigned long long)seed, jobs, st.writes, st.accepted,
				st.disagreements, st.writes / secs);
			fclose(f);
		}
	}
	return st.disagreements ? 1 : 0;
}
