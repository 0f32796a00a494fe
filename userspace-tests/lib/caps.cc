// SPDX-License-Identifier: GPL-2.0
#include "caps.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "one_byte_message.h"

namespace {

struct CapSets {
	__user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
	__user_cap_data_struct data[2]{};
};

Status GetCaps(CapSets *c)
{
	return ErrnoStatus(syscall(SYS_capget, &c->header, c->data) == 0 ? 0 : errno);
}

Status SetCaps(CapSets *c)
{
	return ErrnoStatus(syscall(SYS_capset, &c->header, c->data) == 0 ? 0 : errno);
}

}  // namespace

Status DropCapability(int cap)
{
	CapSets c;

	if (Status got = GetCaps(&c); !got.ok())
		return got;
	unsigned idx = cap / 32, bit = 1u << (cap % 32);
	c.data[idx].effective &= ~bit;
	c.data[idx].permitted &= ~bit;
	c.data[idx].inheritable &= ~bit;
	return SetCaps(&c);
}

Status DropAllCapabilities()
{
	CapSets c;

	return SetCaps(&c);
}

ErrnoOr<CapabilitySets> ReadCapabilitySets()
{
	CapSets c;

	if (Status got = GetCaps(&c); !got.ok())
		return ErrnoOr<CapabilitySets>::Errno(got.error());
	auto join = [](uint32_t lo, uint32_t hi) { return (uint64_t)hi << 32 | lo; };
	return CapabilitySets{join(c.data[0].effective, c.data[1].effective),
			      join(c.data[0].permitted, c.data[1].permitted),
			      join(c.data[0].inheritable, c.data[1].inheritable)};
}

Status RaiseInheritableAndAmbient(int cap)
{
	CapSets c;

	if (Status got = GetCaps(&c); !got.ok())
		return got;
	c.data[cap / 32].inheritable |= 1u << (cap % 32);
	if (Status set = SetCaps(&c); !set.ok())
		return set;
	return ErrnoStatus(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) == 0 ? 0 : errno);
}

Status RaiseEffectiveToPermitted()
{
	CapSets c;

	if (Status got = GetCaps(&c); !got.ok())
		return got;
	for (auto &d : c.data)
		d.effective = d.permitted;
	return SetCaps(&c);
}

bool HasEffectiveCapability(int cap)
{
	CapSets c;

	if (!GetCaps(&c).ok())
		return false;
	return c.data[cap / 32].effective & (1u << (cap % 32));
}

std::pair<FileDescriptor, FileDescriptor> SocketPair()
{
	int sv[2] = {-1, -1};

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	return {FileDescriptor(sv[0]), FileDescriptor(sv[1])};
}

Status SendFd(int sock, int fd)
{
	OneByteMessage<int> m;

	m.Attach(SCM_RIGHTS, fd);
	return ErrnoStatus(sendmsg(sock, m.header(), 0) == 1 ? 0 : errno);
}

FileDescriptor ReceiveFd(int sock)
{
	OneByteMessage<int> m;
	int fd = -1;

	if (recvmsg(sock, m.header(), MSG_CMSG_CLOEXEC) != 1 || !m.Take(SCM_RIGHTS, &fd))
		return FileDescriptor();
	return FileDescriptor(fd);
}
