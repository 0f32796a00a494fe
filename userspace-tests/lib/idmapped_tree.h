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

// Whether tmpfs, where the tests make their files, takes idmapped mounts:
// from Linux 6.3 on (tmpfs got FS_ALLOW_IDMAP there). On an older kernel
// line, 6.1 among them, mount_setattr(MOUNT_ATTR_IDMAP) refuses a tmpfs
// mount with EINVAL, and that refusal is the rule the tests check.
bool TmpfsTakesIdmaps();

// For a test of what goes through an idmapped tmpfs, given the errno of
// its OpenIdmappedTree(): on a line whose tmpfs takes no idmap, checks the
// refusal (error must be EINVAL) and returns true, and the test ends
// there; elsewhere returns false and checks nothing.
bool TmpfsRefusedTheIdmap(int error);
