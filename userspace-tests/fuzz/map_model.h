// SPDX-License-Identifier: GPL-2.0
// A model of the uid_map/gid_map/projid_map write contract for a writer
// that is root in the parent namespace (so privilege never decides): for
// any bytes, the errno the write must fail with, or the map it installs
// and how the map then reads back. Written from the contract, not from
// the kernel's code.
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

ModelResult PredictRootWrite(std::string_view bytes);
