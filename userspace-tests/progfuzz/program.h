// SPDX-License-Identifier: GPL-2.0
// A program of the differential program fuzzer (userns-progfuzz): a list
// of operations, each done by one actor (a process of the program, in
// the user namespace it was spawned into or entered). One operation is
// one line of text, so a program is printed, replayed and shrunk as text:
//
//   spawn 0 1 newuser            actor 0 clones actor 1 into a new namespace
//   write 0 1 uid_map "0 1000 1\n"   actor 0 writes actor 1's uid_map
//   write2 0 1 gid_map "0 0 1\n"  the same, twice on one descriptor
//   read 2 1 gid_map             actor 2 reads actor 1's gid_map
//   setresuid 1 0 0 0            actor 1 calls setresuid(0, 0, 0)
//   setgroups 1 0 5              actor 1 calls setgroups({0, 5})
//   ids 1                        actor 1's getresuid, getresgid, getgroups
//   setns 2 1                    actor 2 enters actor 1's user namespace
//   create 1 3 0644              actor 1 creates scratch file 3
//   chown 1 3 0 -1               actor 1 chowns file 3 to uid 0
//   stat 2 3 statx               actor 2 reads file 3's owner and mode
//   setacl 1 3 1000 5            actor 1 sets file 3's ACL: user 1000, group 5
//   getacl 2 3                   actor 2 reads its named entries' ids
//   setcap 1 3 -1                actor 1 sets file 3's security.capability
//                                (v2; a rootid makes it v3)
//   getcap 2 3                   actor 2 reads its revision and rootid
//   become 1 1000 1001           actor 1 becomes uid 1000, gid 1001, no groups
//   capdrop 1 setfcap            actor 1 drops CAP_SETFCAP (permitted, effective)
//   exit 1                       actor 1 exits
//
// Every operation's observable result (the errno's name, the text or the
// ids read) is one line of the program's trace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

enum class OpKind {
	kSpawn,
	kExit,
	kWrite,
	kWriteTwice,
	kRead,
	kSetresuid,
	kSetresgid,
	kSetgroups,
	kIds,
	kSetns,
	kCreate,
	kChown,
	kStat,
	kSetacl,
	kGetacl,
	kSetcap,
	kGetcap,
	kBecome,
	kCapdrop,
};

// The number of actor slots: an operation names actors 0..kActors-1.
constexpr int kActors = 6;
// The number of scratch files an operation can name.
constexpr int kFiles = 4;

struct Op {
	OpKind kind = OpKind::kIds;
	// The actor that does it.
	int actor = 0;
	// spawn: the new actor; write, read, setns: the actor whose /proc
	// files or namespace it uses. (In the runner's message to an actor
	// process: that actor's pid.)
	long target = -1;
	// spawn: fork or newuser; write, read: the /proc/<pid> file; stat:
	// stat, statx or fstat (of an O_PATH descriptor).
	std::string what;
	// Ids (-1 leaves one unchanged), a file's number, a mode.
	std::vector<int64_t> args;
	// write: the bytes written.
	std::string text;

	bool operator==(const Op &) const = default;
};

using Program = std::vector<Op>;

// One operation as its line of text (no newline).
std::string FormatOp(const Op &op);
// The operation a line spells, or nothing when it is not one.
std::optional<Op> ParseOp(std::string_view line);

// text with newlines, quotes, backslashes and unprintable bytes escaped,
// between double quotes; UnquoteText undoes it.
std::string QuoteText(std::string_view text);
std::optional<std::string> UnquoteText(std::string_view quoted);
