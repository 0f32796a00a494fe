// SPDX-License-Identifier: GPL-2.0
// Idmapped mounts for tests: a detached copy of a mount, idmapped with a
// fresh user namespace (open_tree + mount_setattr(MOUNT_ATTR_IDMAP)).
#pragma once

#include <string>

#include "errno_or.h"
#include "fd.h"

// Opens a detached copy of the mount at dir into *tree, idmapped with a
// fresh user namespace whose uid map is uid_map and gid map gid_map
// (uid_map when empty).
Status OpenIdmappedTree(const char *dir, const std::string &uid_map, FileDescriptor *tree,
			const std::string &gid_map = "");
