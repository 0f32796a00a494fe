// SPDX-License-Identifier: GPL-2.0
#include "cap_xattr.h"

#include <linux/capability.h>
#include <sys/xattr.h>

#include <cerrno>

#include "errno_or.h"

std::string CapabilityV2(int cap)
{
	struct vfs_cap_data v = {};
	v.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
	v.data[cap / 32].permitted = 1u << (cap % 32);
	return std::string(reinterpret_cast<const char *>(&v), XATTR_CAPS_SZ_2);
}

std::string CapabilityV3(int cap, uint32_t rootid)
{
	struct vfs_ns_cap_data v = {};
	v.magic_etc = VFS_CAP_REVISION_3 | VFS_CAP_FLAGS_EFFECTIVE;
	v.data[cap / 32].permitted = 1u << (cap % 32);
	v.rootid = rootid;
	return std::string(reinterpret_cast<const char *>(&v), XATTR_CAPS_SZ_3);
}

std::string ReadCapability(const char *path)
{
	struct vfs_ns_cap_data v = {};
	ssize_t n = getxattr(path, kCapabilityXattr, &v, sizeof(v));
	if (n < 0)
		return ErrnoName(errno);
	uint32_t rev = v.magic_etc & VFS_CAP_REVISION_MASK;
	if (n == XATTR_CAPS_SZ_2 && rev == VFS_CAP_REVISION_2)
		return "v2";
	if (n == XATTR_CAPS_SZ_3 && rev == VFS_CAP_REVISION_3)
		return "v3 rootid " + std::to_string(v.rootid);
	return "unexpected (" + std::to_string(n) + " bytes, revision " + std::to_string(rev) + ")";
}
