// SPDX-License-Identifier: GPL-2.0
// Capabilities without libcap: capget/capset on the calling process, and
// passing fds between processes over a unix socket (SCM_RIGHTS).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include <utility>

#include "errno_or.h"
#include "fd.h"

// Removes cap from the effective, permitted and inheritable sets.
Status DropCapability(int cap);
// Empties the effective, permitted and inheritable sets.
Status DropAllCapabilities();
// The calling process's capability sets, one bit per capability.
struct CapabilitySets {
	uint64_t effective, permitted, inheritable;
};
ErrnoOr<CapabilitySets> ReadCapabilitySets();
// Adds cap (already permitted) to the inheritable set, then raises it in
// the ambient set.
Status RaiseInheritableAndAmbient(int cap);
// Makes the effective set equal the permitted set (after a uid change
// under PR_SET_KEEPCAPS).
Status RaiseEffectiveToPermitted();
// Is cap in the effective set?
bool HasEffectiveCapability(int cap);

// A connected AF_UNIX socket pair.
std::pair<FileDescriptor, FileDescriptor> SocketPair();
// Sends fd over sock.
Status SendFd(int sock, int fd);
// Receives one fd from sock (an invalid one on failure).
FileDescriptor ReceiveFd(int sock);
