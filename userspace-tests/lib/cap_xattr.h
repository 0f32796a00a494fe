// SPDX-License-Identifier: GPL-2.0
// File capabilities as their xattr (security.capability) carries them,
// for the tests of the rootid the kernel translates (FileCapability) and
// the program fuzzer's setcap and getcap.
#pragma once

#include <cstdint>
#include <string>

constexpr const char *kCapabilityXattr = "security.capability";

// security.capability as an entry of revision 2 (no rootid) granting cap
// permitted and effective.
std::string CapabilityV2(int cap);

// security.capability as an entry of revision 3 with rootid, granting cap
// permitted and effective.
std::string CapabilityV3(int cap, uint32_t rootid);

// What getxattr(security.capability) of path returns: "v2", "v3 rootid
// N", or the errno's name.
std::string ReadCapability(const char *path);
