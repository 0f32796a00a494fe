// SPDX-License-Identifier: GPL-2.0
// POSIX ACLs as their xattrs (system.posix_acl_access and _default) carry
// them, for the tests of the ids in ACL entries.
#pragma once

#include <fcntl.h>

#include <cstdint>
#include <string>
#include <vector>

// The uapi layout of an ACL xattr (linux/posix_acl_xattr.h), whose header
// glibc's headers do not ship.
constexpr uint32_t kAclVersion = 2;
enum : uint16_t {
	kUserObj = 0x01,
	kUser = 0x02,
	kGroupObj = 0x04,
	kGroup = 0x08,
	kMask = 0x10,
	kOther = 0x20,
};
struct AclEntry {
	uint16_t tag, perm;
	uint32_t id;
};

constexpr const char *kAccess = "system.posix_acl_access";
constexpr const char *kDefault = "system.posix_acl_default";
constexpr uint32_t kUndefined = 0xffffffff;

// An ACL (entries sorted by tag and id) as the xattr value.
std::string AclValue(const std::vector<AclEntry> &entries);

// A minimal ACL with one named user and one named group.
std::string NamedAcl(uint32_t uid, uint32_t gid);

// The named user and group entries of the ACL xattr `name` of path
// (relative to dirfd, which may be a detached tree) as "u:ID g:ID", or the
// errno's name when it cannot be read.
std::string NamedEntries(int dirfd, const char *path, const char *name);
