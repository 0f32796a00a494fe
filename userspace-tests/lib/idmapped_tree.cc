// SPDX-License-Identifier: GPL-2.0
#include "idmapped_tree.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "userns.h"

Status OpenIdmappedTree(const char *dir, const std::string &uid_map, FileDescriptor *tree,
			const std::string &gid_map)
{
	UsernsChild holder([] { return 0; });
	if (holder.setup_error())
		return ErrnoStatus(holder.setup_error());
	if (Status s = holder.WriteMap("uid_map", uid_map); !s.ok())
		return s;
	if (Status s = holder.WriteMap("gid_map", gid_map.empty() ? uid_map : gid_map); !s.ok())
		return s;
	FileDescriptor userns(open(ProcPath(holder.pid(), "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
	if (!userns.valid())
		return ErrnoStatus(errno);
	FileDescriptor t(syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
	if (!t.valid())
		return ErrnoStatus(errno);
	struct mount_attr attr = {};
	attr.attr_set = MOUNT_ATTR_IDMAP;
	attr.userns_fd = userns.get();
	if (syscall(SYS_mount_setattr, t.get(), "", AT_EMPTY_PATH, &attr, sizeof(attr)) != 0)
		return ErrnoStatus(errno);
	*tree = std::move(t);
	return Status();
}
