// SPDX-License-Identifier: GPL-2.0
// Differential fuzzer of map writes, run in the guest as root: generates
// structured uid_map/gid_map/projid_map writes, writes each to a fresh
// namespace's map, and compares the errno and the map read back with the
// model (map_model.h). A disagreement is shrunk to a small reproducer,
// printed with the seed, and fails the run.
//
//   userns-fuzz [--writes=N] [--seed=S] [--out=FILE]
#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "errno_matchers.h"
#include "map_model.h"
#include "userns.h"

namespace {

const char *const kMaps[] = {"uid_map", "gid_map", "projid_map"};

struct Outcome {
	int err;
	std::string readback;
};

Outcome WriteForReal(const char *map, const std::string &bytes)
{
	Outcome o;
	o.err = WriteMapOfFreshNamespace(map, bytes, &o.readback);
	return o;
}

bool Agrees(const char *map, const std::string &bytes, Outcome *got, ModelResult *want)
{
	*want = PredictRootWrite(bytes);
	*got = WriteForReal(map, bytes);
	return got->err == want->err && (got->err || got->readback == want->Readback());
}

class Generator {
public:
	explicit Generator(uint64_t seed) : rng_(seed) {}

	std::string Case()
	{
		switch (Pick(10)) {
		case 0:
			return Noise();
		case 1:
			return Padded();
		default:
			return Lines();
		}
	}

private:
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
std::string Shrink(const char *map, std::string bytes)
{
	Outcome got;
	ModelResult want;
	for (bool progress = true; progress;) {
		progress = false;
		for (size_t start = 0; start < bytes.size();) {
			size_t nl = bytes.find('\n', start);
			size_t end = nl == std::string::npos ? bytes.size() : nl + 1;
			std::string shorter = bytes.substr(0, start) + bytes.substr(end);
			if (shorter != bytes && !Agrees(map, shorter, &got, &want)) {
				bytes = shorter;
				progress = true;
			} else {
				start = end;
			}
		}
	}
	return bytes;
}

}  // namespace

int main(int argc, char **argv)
{
	unsigned long writes = 5000;
	uint64_t seed = std::random_device()();
	const char *out_path = nullptr;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--writes=", 9))
			writes = strtoul(argv[i] + 9, nullptr, 10);
		else if (!strncmp(argv[i], "--seed=", 7))
			seed = strtoull(argv[i] + 7, nullptr, 10);
		else if (!strncmp(argv[i], "--out=", 6))
			out_path = argv[i] + 6;
		else {
			fprintf(stderr, "usage: userns-fuzz [--writes=N] [--seed=S] [--out=FILE]\n");
			return 2;
		}
	}
	if (!UserNamespacesAvailable()) {
		fprintf(stderr, "userns-fuzz: no user namespaces in this kernel\n");
		return 2;
	}
	printf("userns-fuzz: seed %llu, %lu writes\n", (unsigned long long)seed, writes);
	Generator gen(seed);
	std::mt19937 map_rng(seed);
	unsigned long disagreements = 0, accepted = 0, done = 0;
	auto start = std::chrono::steady_clock::now();
	for (; done < writes && disagreements < 3; done++) {
		const char *map = kMaps[map_rng() % 3];
		std::string bytes = gen.Case();
		Outcome got;
		ModelResult want;
		if (Agrees(map, bytes, &got, &want)) {
			accepted += got.err == 0;
			continue;
		}
		disagreements++;
		std::string small = Shrink(map, bytes);
		Agrees(map, small, &got, &want);
		printf("DISAGREEMENT (seed %llu, write %lu) %s \"%s\"\n"
		       "  kernel: %s, read back \"%s\"\n  model:  %s, read back \"%s\"\n",
		       (unsigned long long)seed, done, map, Escape(small).c_str(),
		       ErrnoName(got.err).c_str(), Escape(got.readback).c_str(),
		       ErrnoName(want.err).c_str(), Escape(want.Readback()).c_str());
	}
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	printf("userns-fuzz: %lu writes (%lu accepted), %lu disagreements, %.0f writes/s\n", done,
	       accepted, disagreements, done / secs);
	if (out_path) {
		FILE *f = fopen(out_path, "w");
		if (f) {
			fprintf(f,
				"{\"seed\": %llu, \"writes\": %lu, \"accepted\": %lu, "
				"\"disagreements\": %lu, \"writes_per_s\": %.1f}\n",
				(unsigned long long)seed, done, accepted, disagreements, done / secs);
			fclose(f);
		}
	}
	return disagreements ? 1 : 0;
}
