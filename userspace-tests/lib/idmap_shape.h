// SPDX-License-Identifier: GPL-2.0
// Idmaps of several extents, as the fixtures of the idmapped-mount tests:
// each shape's uid and gid maps, the map text to write, and the model of
// what the mount shows (an owner's kernel id mapped down) and stores (a
// caller's id mapped back). The filesystem is the initial namespace's, so
// an extent "first lower count" shows kernel ids first.. as lower..
#pragma once

#include <sys/types.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

struct IdmapExtent {
	unsigned first, lower, count;
};

struct IdmapShape {
	const char *name;
	std::vector<IdmapExtent> uid, gid;

	friend std::ostream &operator<<(std::ostream &os, const IdmapShape &s) { return os << s.name; }
};

// The text written to the idmap namespace's uid_map or gid_map.
std::string MapText(const std::vector<IdmapExtent> &map);

// The id the mount shows for an owner of kernel id `id`, or none when no
// extent covers it (stat() then reads the overflow id).
std::optional<unsigned> ShownThrough(const std::vector<IdmapExtent> &map, unsigned id);

// The kernel id stored for `shown`, an id of the caller on the mount, or
// none when no extent maps back to it (the kernel answers EOVERFLOW).
std::optional<unsigned> StoredThrough(const std::vector<IdmapExtent> &map, unsigned shown);

// Kernel ids worth probing: each extent's first and last id and the ids
// just outside it (holes between extents among them).
std::vector<unsigned> EdgeIds(const std::vector<IdmapExtent> &map);

// Ids on the mount worth creating or chowning as: each extent's first and
// last shown id and the ids just outside them.
std::vector<unsigned> ShownEdgeIds(const std::vector<IdmapExtent> &map);

// The shapes every idmapped-mount fixture runs over: one extent; two; three
// around a hole; two single ids swapped; seven whose shown ranges run
// opposite to their kernel ranges (past five extents the kernel keeps the
// map in sorted forward and reverse copies).
const std::vector<IdmapShape> &IdmapShapes();
