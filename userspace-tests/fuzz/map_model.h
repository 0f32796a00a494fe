// SPDX-License-Identifier: GPL-2.0
// A model of the uid_map/gid_map/projid_map write contract: for any bytes
// and any of the writers below, the errno the write must fail with, or the
// map it installs and how the map then reads back. Written from the
// contract, not from the kernel's code.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct ModelExtent {
	uint32_t first, lower, count;
};

struct ModelResult {
	int err = 0;                       // 0: accepted
	std::vector<ModelExtent> extents;  // as written, when accepted
	// What reading the map back shows (from the parent namespace).
	std::string Readback() const;
};

enum class MapKind { kUid, kGid, kProjid };

// Who writes the map of a fresh child namespace: of the initial namespace,
// except for kRootOfNestedParent.
enum class Writer {
	kRoot,                  // root in the parent: privilege never decides
	kOwner,                 // the namespace's creator, kOwnerId, no capabilities
	kOwnerSetgroupsDenied,  // the same, after writing "deny" to setgroups
	kRootWithoutSetfcap,    // root in the parent without CAP_SETFCAP
	kRootThroughOwnersFd,   // root writes a file the owner opened
	kOwnerThroughRootsFd,   // the owner writes a file root opened
	kRootOfNestedParent,    // root of kNestedParent writes its child's map
};
constexpr int kWriters = 7;

// The unprivileged writer's uid and gid in the initial namespace.
constexpr uint32_t kOwnerId = 1000;

// The maps (uid, gid and projid alike) of the parent namespace that
// kRootOfNestedParent's child has: more extents than fit inline, none the
// identity, so the lower ids a write names are not kernel ids.
constexpr ModelExtent kNestedParent[] = {
	{0, 100000, 10},   {10, 200000, 5},     {100, 300000, 100},   {1000, 400000, 1},
	{2000, 500000, 1000}, {65534, 600000, 1}, {70000, 700000, 50000},
};

ModelResult PredictWrite(std::string_view bytes, MapKind map, Writer writer);
