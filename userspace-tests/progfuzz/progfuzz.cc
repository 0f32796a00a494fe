// SPDX-License-Identifier: GPL-2.0
// The differential program fuzzer's guest side (make progfuzz): runs
// generated programs (or the programs of a file) and writes one line per
// program with the hash of its trace, so the host can compare two
// kernels' runs of the same programs; with --trace, every trace line too.
//
//   userns-progfuzz [--programs=N] [--seed=S] [--ops=M] [--jobs=J]
//                   [--only=I:J:...] [--trace] --out=FILE [--summary=FILE]
//   userns-progfuzz --replay=PROGRAMS --trace --out=FILE
//   userns-progfuzz [--programs=N] [--seed=S] [--ops=M] --print
//   userns-progfuzz [--programs=N] [--seed=S] [--ops=M] --check-text
//
// Program I of seed S is Generate(ProgramSeed(S, I), M): the same on every
// kernel. Lines of FILE, in program order:
//   P <name> <hash> <operations>     the program's trace, hashed
//   T <name> <operation> => <result> with --trace: each line of it
// A --replay file holds programs as "program <name>" and then one
// operation a line (program.h); --print writes the generated programs so,
// runs none; --check-text checks that every generated operation parses
// back from its line as itself (exit 1 at the first that does not).
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "execute.h"
#include "generate.h"
#include "number_arg.h"
#include "program.h"

namespace {

struct Named {
	std::string name;
	Program program;
};

struct Options {
	unsigned long long programs = 1000, seed = 1, ops = 24, jobs = 1;
	std::set<unsigned long long> only;
	bool trace = false;
	bool print = false;
	bool check_text = false;
	const char *replay = nullptr;
	const char *out = nullptr;
	const char *summary = nullptr;
};

uint64_t Fnv1a(const std::vector<std::string> &lines)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const std::string &line : lines) {
		for (unsigned char c : line)
			h = (h ^ c) * 0x100000001b3ull;
		h = (h ^ '\n') * 0x100000001b3ull;
	}
	return h;
}

// The programs of a --replay file, or an error message.
std::pair<std::vector<Named>, std::string> ReadPrograms(const char *path)
{
	std::ifstream in(path);
	if (!in)
		return {{}, std::string("cannot read ") + path};
	std::vector<Named> programs;
	int lineno = 0;
	for (std::string line; std::getline(in, line);) {
		lineno++;
		if (line.empty() || line[0] == '#')
			continue;
		if (line.rfind("program ", 0) == 0) {
			programs.push_back({line.substr(8), {}});
			continue;
		}
		std::optional<Op> op = ParseOp(line);
		if (!op || programs.empty())
			return {{}, std::string(path) + ":" + std::to_string(lineno) + ": not an operation: " + line};
		programs.back().program.push_back(*op);
	}
	return {programs, ""};
}

// Worker `w` of `jobs`: runs its share of the programs and writes their
// lines to out. Returns the number of operations run.
unsigned long long RunShare(const std::vector<Named> *given, const Options &o, unsigned w, FILE *out)
{
	std::string scratch = "/tmp/progfuzz-" + std::to_string(w);
	unsigned long long operations = 0;
	auto started = std::chrono::steady_clock::now();
	auto reported = started;
	size_t count = given ? given->size() : o.programs;
	for (size_t i = w; i < count; i += o.jobs) {
		if (!given && !o.only.empty() && !o.only.count(i))
			continue;
		Named p = given ? (*given)[i] : Named{std::to_string(i), Generate(ProgramSeed(o.seed, i), o.ops)};
		std::vector<std::string> trace = ExecuteProgram(p.program, scratch);
		operations += trace.size();
		fprintf(out, "P %s %016llx %zu\n", p.name.c_str(), (unsigned long long)Fnv1a(trace), trace.size());
		if (o.trace)
			for (const std::string &line : trace)
				fprintf(out, "T %s %s\n", p.name.c_str(), line.c_str());
		auto now = std::chrono::steady_clock::now();
		if (w == 0 && now - reported > std::chrono::seconds(30)) {
			reported = now;
			double s = std::chrono::duration<double>(now - started).count();
			unsigned long long done = i / o.jobs + 1;
			printf("progfuzz: worker 0: %llu programs in %.0f s (%.1f/s)\n", done, s, done / s);
			fflush(stdout);
		}
	}
	return operations;
}

// The lines of the workers' files, merged in program order (workers take
// programs round-robin, so the k-th P block of worker w is program
// k*jobs + w).
void Merge(const std::vector<std::string> &parts, FILE *out)
{
	std::vector<std::vector<std::string>> blocks(parts.size());
	for (size_t w = 0; w < parts.size(); w++) {
		std::ifstream in(parts[w]);
		for (std::string line; std::getline(in, line);) {
			if (line.rfind("#", 0) == 0)
				continue;
			if (line.rfind("P ", 0) == 0)
				blocks[w].push_back("");
			if (!blocks[w].empty())
				blocks[w].back() += line + "\n";
		}
	}
	for (size_t k = 0;; k++) {
		bool any = false;
		for (auto &b : blocks)
			if (k < b.size()) {
				fputs(b[k].c_str(), out);
				any = true;
			}
		if (!any)
			break;
	}
}

bool ParseOptions(int argc, char **argv, Options *o)
{
	auto number = [](const char *option, const char *text, unsigned long long max, unsigned long long *v) {
		if (ParseNumber(text, max, v))
			return true;
		fprintf(stderr, "userns-progfuzz: %s wants a number, not '%s'\n", option, text);
		return false;
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool ok = true;
		if (!strncmp(a, "--programs=", 11))
			ok = number("--programs", a + 11, ULONG_MAX, &o->programs);
		else if (!strncmp(a, "--seed=", 7))
			ok = number("--seed", a + 7, UINT64_MAX, &o->seed);
		else if (!strncmp(a, "--ops=", 6))
			ok = number("--ops", a + 6, 10000, &o->ops) && o->ops > 0;
		else if (!strncmp(a, "--jobs=", 7))
			ok = number("--jobs", a + 7, 64, &o->jobs) && o->jobs > 0;
		else if (!strncmp(a, "--only=", 7)) {
			std::stringstream list(a + 7);
			for (std::string item; ok && std::getline(list, item, ':');) {
				unsigned long long v = 0;
				ok = number("--only", item.c_str(), ULONG_MAX, &v);
				o->only.insert(v);
			}
		} else if (!strcmp(a, "--trace"))
			o->trace = true;
		else if (!strcmp(a, "--print"))
			o->print = true;
		else if (!strcmp(a, "--check-text"))
			o->check_text = true;
		else if (!strncmp(a, "--replay=", 9))
			o->replay = a + 9;
		else if (!strncmp(a, "--out=", 6))
			o->out = a + 6;
		else if (!strncmp(a, "--summary=", 10))
			o->summary = a + 10;
		else
			ok = false;
		if (!ok)
			return false;
	}
	return o->out != nullptr || o->print || o->check_text;
}

// --check-text: each generated operation, printed and parsed back, is
// itself; a reproducer replays what was run only if so.
int CheckText(const Options &o)
{
	unsigned long long ops = 0;
	for (unsigned long long i = 0; i < o.programs; i++)
		for (const Op &op : Generate(ProgramSeed(o.seed, i), o.ops)) {
			std::string line = FormatOp(op);
			std::optional<Op> back = ParseOp(line);
			if (!back || !(*back == op)) {
				printf("program %llu: the line \"%s\" does not parse back as the operation\n", i,
				       line.c_str());
				return 1;
			}
			ops++;
		}
	printf("userns-progfuzz: %llu operations of %llu programs parse back as themselves\n", ops, o.programs);
	return 0;
}

// --print: the generated programs, as a --replay file.
void Print(const Options &o)
{
	for (unsigned long long i = 0; i < o.programs; i++) {
		printf("program %llu\n", i);
		for (const Op &op : Generate(ProgramSeed(o.seed, i), o.ops))
			printf("%s\n", FormatOp(op).c_str());
	}
}

}  // namespace

int main(int argc, char **argv)
{
	Options o;
	if (!ParseOptions(argc, argv, &o)) {
		fprintf(stderr, "usage: userns-progfuzz [--programs=N] [--seed=S] [--ops=M] [--jobs=J]\n"
				"                       [--only=I:J:...] [--trace] --out=FILE [--summary=FILE]\n"
				"       userns-progfuzz --replay=PROGRAMS [--trace] --out=FILE\n"
				"       userns-progfuzz [--programs=N] [--seed=S] [--ops=M] --print|--check-text\n");
		return 2;
	}
	if (o.print) {
		Print(o);
		return 0;
	}
	if (o.check_text)
		return CheckText(o);
	std::vector<Named> given;
	if (o.replay) {
		auto [programs, error] = ReadPrograms(o.replay);
		if (!error.empty()) {
			fprintf(stderr, "userns-progfuzz: %s\n", error.c_str());
			return 2;
		}
		given = std::move(programs);
		o.jobs = 1;
	}
	umask(0);
	printf("userns-progfuzz: %s, %llu operations at most each, %llu worker(s)\n",
	       o.replay ? (std::to_string(given.size()) + " programs of " + o.replay).c_str()
			: ("seed " + std::to_string(o.seed) + ", " + std::to_string(o.programs) + " programs").c_str(),
	       o.ops, o.jobs);
	fflush(stdout);
	auto start = std::chrono::steady_clock::now();
	std::vector<std::string> parts;
	std::vector<pid_t> workers;
	for (unsigned w = 0; w < o.jobs; w++) {
		parts.push_back(std::string(o.out) + ".part" + std::to_string(w));
		pid_t pid = fork();
		if (pid == 0) {
			FILE *f = fopen(parts.back().c_str(), "w");
			if (!f)
				_exit(2);
			unsigned long long ops = RunShare(o.replay ? &given : nullptr, o, w, f);
			fprintf(f, "# operations %llu\n", ops);
			_exit(fclose(f) == 0 ? 0 : 2);
		}
		workers.push_back(pid);
	}
	int rc = 0;
	for (pid_t pid : workers) {
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			rc = 2;
	}
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	FILE *out = fopen(o.out, "w");
	if (!out || rc) {
		fprintf(stderr, "userns-progfuzz: a worker failed, or %s cannot be written\n", o.out);
		return 2;
	}
	Merge(parts, out);
	unsigned long long programs = 0, operations = 0;
	for (const std::string &part : parts) {
		std::ifstream in(part);
		for (std::string line; std::getline(in, line);) {
			programs += line.rfind("P ", 0) == 0;
			if (line.rfind("# operations ", 0) == 0)
				operations += std::stoull(line.substr(13));
		}
		unlink(part.c_str());
	}
	fclose(out);
	printf("userns-progfuzz: %llu programs, %llu operations in %.1f s (%.1f programs/s)\n", programs,
	       operations, secs, programs / secs);
	if (o.summary) {
		FILE *s = fopen(o.summary, "w");
		if (!s)
			return 2;
		fprintf(s,
			"{\"seed\": %llu, \"programs\": %llu, \"operations\": %llu, \"max_ops\": %llu, "
			"\"jobs\": %llu, \"seconds\": %.2f, \"programs_per_s\": %.2f}\n",
			o.seed, programs, operations, o.ops, o.jobs, secs, programs / secs);
		fclose(s);
	}
	return 0;
}
