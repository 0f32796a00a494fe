// SPDX-License-Identifier: GPL-2.0
#include "acl_xattr.h"

#include <sys/xattr.h>

#include <cerrno>
#include <cstring>

#include "errno_or.h"

std::string AclValue(const std::vector<AclEntry> &entries)
{
	std::string v(reinterpret_cast<const char *>(&kAclVersion), 4);
	for (const AclEntry &e : entries)
		v.append(reinterpret_cast<const char *>(&e), sizeof(e));
	return v;
}

std::string NamedAcl(uint32_t uid, uint32_t gid)
{
	return AclValue({{kUserObj, 6, kUndefined}, {kUser, 4, uid}, {kGroupObj, 4, kUndefined},
			 {kGroup, 4, gid}, {kMask, 6, kUndefined}, {kOther, 0, kUndefined}});
}

std::string NamedEntries(int dirfd, const char *path, const char *name)
{
	std::string proc = dirfd == AT_FDCWD ? path
					     : "/proc/self/fd/" + std::to_string(dirfd) + "/" + path;
	// The size first, then a buffer of exactly that size, as libacl reads
	// an ACL: Linux 6.1 maps the entries through an idmapped mount only
	// when the buffer holds a whole number of them.
	ssize_t n = getxattr(proc.c_str(), name, nullptr, 0);
	if (n < 0)
		return ErrnoName(errno);
	std::vector<char> buf(n);
	n = getxattr(proc.c_str(), name, buf.data(), buf.size());
	if (n < 0)
		return ErrnoName(errno);
	std::string out;
	for (ssize_t at = 4; at + (ssize_t)sizeof(AclEntry) <= n; at += sizeof(AclEntry)) {
		AclEntry e;
		memcpy(&e, buf.data() + at, sizeof(e));
		if (e.tag == kUser || e.tag == kGroup)
			out += std::string(out.empty() ? "" : " ") + (e.tag == kUser ? "u:" : "g:") +
			       std::to_string(e.id);
	}
	return out;
}
