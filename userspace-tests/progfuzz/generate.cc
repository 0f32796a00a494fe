// SPDX-License-Identifier: GPL-2.0
// The fuzzer's program generator (generate.h).
#include "generate.h"

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

namespace {

// The ids a generated operation starts from: the edges of the 16-bit and
// 32-bit id spaces, the overflow id, the test user, the ranges runtimes
// give to rootless containers; -1 (4294967295) is "no id".
constexpr std::array<int64_t, 16> kEdgeIds = {
	0, 1, 2, 1000, 65533, 65534, 65535, 65536, 100000, 100001, 165535, 165536,
	1000000, 2147483647, 4294967294, 4294967295};

class Generator {
public:
	explicit Generator(uint64_t seed) : rng_(seed) { live_[0] = true; }

	Program Run(int ops)
	{
		Program p;
		// Most programs start with a scratch file of actor 0's, so that
		// the file operations have one to work on.
		if (Chance(60)) {
			Op create;
			create.kind = OpKind::kCreate;
			create.args = {Below(kFiles), 0644};
			created_.push_back(create.args[0]);
			p.push_back(create);
		}
		int n = std::max(1, ops - static_cast<int>(p.size()));
		n = 1 + Below(n);
		for (int i = 0; i < n; i++) {
			if (pending_.empty())
				pending_.push_back(NextOp());
			p.push_back(pending_.front());
			pending_.erase(pending_.begin());
		}
		return p;
	}

private:
	std::mt19937_64 rng_;
	std::array<bool, kActors> live_{};
	// Who spawned each actor, and the last one spawned: a map write
	// mostly goes to a new namespace, from its parent or from inside.
	std::array<int, kActors> parent_{};
	int last_spawned_ = -1;
	// Each actor's uid and gid as the initial namespace sees them, as far
	// as the program's become operations go: a namespace's owner is its
	// creator, and the owner may map its own ids.
	std::array<int64_t, kActors> uid_{}, gid_{};
	// Operations drawn together, handed out one at a time.
	std::vector<Op> pending_;
	// Ids the program's maps named: generated ids land in them often.
	std::vector<int64_t> seen_ids_;
	// The scratch files a create named: the other file operations mostly
	// name one of them.
	std::vector<int64_t> created_;

	int64_t File()
	{
		if (!created_.empty() && Chance(80))
			return created_[Below(created_.size())];
		return Below(kFiles);
	}

	int Below(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
	bool Chance(int percent) { return Below(100) < percent; }

	// A live actor mostly; now and then any slot.
	int Actor()
	{
		std::vector<int> live;
		for (int a = 0; a < kActors; a++)
			if (live_[a])
				live.push_back(a);
		if (live.empty() || Chance(3))
			return Below(kActors);
		return live[Below(live.size())];
	}

	int64_t Id()
	{
		if (!seen_ids_.empty() && Chance(45)) {
			int64_t id = seen_ids_[Below(seen_ids_.size())];
			// An id inside or just past a range the program mapped.
			return std::clamp<int64_t>(id + Below(3) - (Chance(20) ? 1 : 0), 0, 4294967295);
		}
		if (Chance(10))
			return static_cast<int64_t>(rng_() % 4294967296ull);
		return kEdgeIds[Below(kEdgeIds.size())];
	}

	int64_t Count()
	{
		constexpr int64_t kCounts[] = {1, 1, 1, 2, 10, 1000, 65536, 4294967295, 4294967296};
		if (Chance(10))
			return 1 + static_cast<int64_t>(rng_() % 200000);
		return kCounts[Below(std::size(kCounts))];
	}

	// A valid map of several extents, as runtimes write them: ranges
	// side by side inside, disjoint ranges outside from one base, the
	// lines in any order (the kernel sorts a copy of a large map).
	std::string ShapedMap()
	{
		constexpr int64_t kBases[] = {0, 1000, 100000, 200000};
		constexpr int64_t kSizes[] = {1, 10, 100, 1000};
		int extents = Chance(50) ? 2 + Below(4) : 6 + Below(Chance(80) ? 3 : 40);
		int64_t base = kBases[Below(std::size(kBases))], count = kSizes[Below(std::size(kSizes))];
		int64_t stride = count * (1 + Below(3));
		std::vector<std::string> lines;
		for (int i = 0; i < extents; i++) {
			int64_t first = i * count, lower = base + i * stride;
			seen_ids_.push_back(first);
			seen_ids_.push_back(lower);
			lines.push_back(std::to_string(first) + " " + std::to_string(lower) + " " +
					std::to_string(count) + "\n");
		}
		if (Chance(50))
			std::shuffle(lines.begin(), lines.end(), rng_);
		std::string text;
		for (const std::string &line : lines)
			text += line;
		return text;
	}

	// A map's text: one or more "first lower count" lines, mostly well
	// formed, sometimes bent in one of the ways the parser must refuse.
	std::string MapText()
	{
		if (Chance(35))
			return ShapedMap();
		int extents = Chance(55) ? 1 : Chance(60) ? 2 + Below(4) : Chance(80) ? 6 + Below(3) : 9 + Below(340);
		std::string text;
		int64_t next = 0;
		for (int i = 0; i < extents; i++) {
			int64_t first = Chance(50) ? next : Id();
			int64_t lower = Id();
			int64_t count = Count();
			next = first + count;
			seen_ids_.push_back(first);
			seen_ids_.push_back(lower);
			text += std::to_string(first) + " " + std::to_string(lower) + " " + std::to_string(count) + "\n";
		}
		if (Chance(15))
			Bend(&text);
		return text;
	}

	void Bend(std::string *text)
	{
		switch (Below(9)) {
		case 0: text->pop_back(); break;                  // no final newline
		case 1: text->insert(0, " "); break;             // leading space
		case 2: *text += "\n"; break;                    // an empty line
		case 3: text->insert(text->size() - 1, " x"); break;  // trailing junk
		case 4: text->replace(text->find(' '), 1, "\t"); break;
		case 5: text->insert(0, "+"); break;
		case 6: *text += *text; break;                   // every extent twice
		case 7: text->insert(text->size() - 1, " 1"); break;  // a fourth field
		default: text->replace(text->rfind(' ') + 1, std::string::npos, "0\n"); break;  // count 0
		}
	}

	std::string SetgroupsText()
	{
		constexpr const char *kTexts[] = {"deny\n", "deny\n", "allow\n", "deny", "allow", "bogus\n", "deny\n\n"};
		return kTexts[Below(std::size(kTexts))];
	}

	// A map of the owner's own id, as an unprivileged owner may write it
	// (and newuidmap's shape: that id, then a range of /etc/subuid's). A
	// gid map written from inside first denies setgroups, as it must.
	void OwnerMap(Op *op)
	{
		int64_t own = op->what == "uid_map" ? uid_[op->target] : gid_[op->target];
		op->text = "0 " + std::to_string(own) + " 1\n";
		if (Chance(40))
			op->text += "1 100000 65536\n";
		seen_ids_.push_back(own);
		if (op->what == "gid_map" && op->actor == op->target && Chance(70)) {
			Op deny = *op;
			deny.kind = OpKind::kWrite;
			deny.what = "setgroups";
			deny.text = "deny\n";
			pending_.push_back(deny);
		}
	}

	Op NextOp()
	{
		int roll = Below(100);
		Op op;
		op.actor = Actor();
		// A map write before any namespace was made can only be refused:
		// mostly, make the namespace first.
		bool spawned = last_spawned_ >= 0 && live_[last_spawned_];
		if (roll >= 12 && roll < 36 && !spawned && Chance(80))
			roll = 0;
		if (roll < 12) {
			op.kind = OpKind::kSpawn;
			op.target = Below(kActors);
			op.what = Chance(75) || !spawned ? "newuser" : "fork";
			if (live_[op.actor] && !live_[op.target]) {
				live_[op.target] = true;
				parent_[op.target] = op.actor;
				last_spawned_ = op.target;
				uid_[op.target] = uid_[op.actor];
				gid_[op.target] = gid_[op.actor];
			}
		} else if (roll < 36) {
			// Now and then twice on one descriptor: the second write
			// starts past offset 0.
			op.kind = Chance(8) ? OpKind::kWriteTwice : OpKind::kWrite;
			op.target = Actor();
			if (last_spawned_ >= 0 && live_[last_spawned_] && Chance(60)) {
				op.target = last_spawned_;
				int writer = Chance(60) ? parent_[op.target] : op.target;
				if (live_[writer])
					op.actor = writer;
			}
			constexpr const char *kMaps[] = {"uid_map", "uid_map", "gid_map", "gid_map", "projid_map"};
			if (Chance(12)) {
				op.what = "setgroups";
				op.text = SetgroupsText();
			} else {
				op.what = kMaps[Below(std::size(kMaps))];
				op.text = MapText();
				if (op.what != "projid_map" && Chance(35))
					OwnerMap(&op);
			}
		} else if (roll < 48) {
			op.kind = OpKind::kRead;
			op.target = Actor();
			constexpr const char *kFilesRead[] = {"uid_map", "gid_map", "projid_map", "setgroups", "status"};
			op.what = kFilesRead[Below(std::size(kFilesRead))];
		} else if (roll < 54) {
			// An unprivileged user (a rootless container's owner), or
			// a process short of one capability: the writers the
			// permission rules tell apart.
			if (Chance(65)) {
				op.kind = OpKind::kBecome;
				constexpr int64_t kUsers[] = {1000, 1001, 100000, 5, 65534};
				op.args = {kUsers[Below(std::size(kUsers))], kUsers[Below(std::size(kUsers))]};
				seen_ids_.insert(seen_ids_.end(), op.args.begin(), op.args.end());
				uid_[op.actor] = op.args[0];
				gid_[op.actor] = op.args[1];
			} else {
				op.kind = OpKind::kCapdrop;
				constexpr const char *kCaps[] = {"setfcap", "setfcap", "setuid", "setgid", "sys_admin",
								 "chown", "fowner"};
				op.what = kCaps[Below(std::size(kCaps))];
			}
		} else if (roll < 58) {
			op.kind = Chance(50) ? OpKind::kSetresuid : OpKind::kSetresgid;
			for (int i = 0; i < 3; i++)
				op.args.push_back(Chance(25) ? -1 : Id());
		} else if (roll < 62) {
			op.kind = OpKind::kSetgroups;
			for (int i = Below(4); i > 0; i--)
				op.args.push_back(Id());
		} else if (roll < 68) {
			op.kind = OpKind::kIds;
		} else if (roll < 73) {
			op.kind = OpKind::kSetns;
			op.target = Actor();
		} else if (roll < 80) {
			op.kind = OpKind::kCreate;
			constexpr int64_t kModes[] = {0644, 0600, 02755, 04755, 0666};
			op.args = {Below(kFiles), kModes[Below(std::size(kModes))]};
			created_.push_back(op.args[0]);
		} else if (roll < 87) {
			op.kind = OpKind::kChown;
			op.args = {File(), Chance(20) ? -1 : Id(), Chance(20) ? -1 : Id()};
		} else if (roll < 93) {
			op.kind = OpKind::kStat;
			constexpr const char *kHow[] = {"stat", "statx", "fstat"};
			op.what = kHow[Below(std::size(kHow))];
			op.args = {File()};
		} else if (roll < 97) {
			// An xattr whose ids the kernel translates: an ACL's named
			// entries, a file capability's rootid.
			int which = Below(4);
			op.kind = which == 0 ? OpKind::kSetacl : which == 1 ? OpKind::kGetacl
				  : which == 2 ? OpKind::kSetcap : OpKind::kGetcap;
			op.args = {File()};
			if (op.kind == OpKind::kSetacl)
				op.args.insert(op.args.end(), {Id(), Id()});
			if (op.kind == OpKind::kSetcap)
				op.args.push_back(Chance(50) ? -1 : Id());
		} else if (op.actor != 0) {
			// Actor 0 stays: it is the program's root in the initial
			// namespace, the writer most maps need.
			op.kind = OpKind::kExit;
			live_[op.actor] = false;
		}
		return op;
	}
};

}  // namespace

uint64_t ProgramSeed(uint64_t run_seed, uint64_t index)
{
	// splitmix64 of the pair: neighbouring indexes give unrelated seeds.
	uint64_t z = run_seed * 0x9e3779b97f4a7c15ull + index + 1;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

Program Generate(uint64_t seed, int ops)
{
	return Generator(seed).Run(ops);
}
