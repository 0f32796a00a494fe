// SPDX-License-Identifier: GPL-2.0
// Capabilities without libcap: capget/capset on the calling process, and
// passing fds between processes over a unix socket (SCM_RIGHTS).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include <utility>

#include "fd.h"

// Removes cap from the effective, permitted and inheritable sets. 0 or errno.
int DropCapability(int cap);
// Empties the effective, permitted and inheritable sets. 0 or errno.
int DropAllCapabilities();
// The calling process's capability sets, one bit per capability.
struct CapabilitySets {
	uint64_t effective, permitted, inheritable;
};
int ReadCapabilitySets(CapabilitySets *sets);
// Adds cap (already permitted) to the inheritable set, then raises it in
// the ambient set. 0 or errno.
int RaiseInheritableAndAmbient(int cap);
// Makes the effective set equal the permitted set (after a uid change
// under PR_SET_KEEPCAPS). 0 or errno.
int RaiseEffectiveToPermitted();
// Is cap in the effective set?
bool HasEffectiveCapability(int cap);

// A connected AF_UNIX socket pair.
std::pair<FileDescriptor, FileDescriptor> SocketPair();
// Sends fd over sock: 0 or errno.
int SendFd(int sock, int fd);
// Receives one fd from sock; -1 on failure.
int ReceiveFd(int sock);
