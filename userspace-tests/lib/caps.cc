// SPDX-License-Identifier: GPL-2.0
#include "caps.h"

#include <linux/capability.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace {

struct CapSets {
	__user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
	__user_cap_data_struct data[2]{};
};

int GetCaps(CapSets *c)
{
	return syscall(SYS_capget, &c->header, c->data) == 0 ? 0 : errno;
}

int SetCaps(CapSets *c)
{
	return syscall(SYS_capset, &c->header, c->data) == 0 ? 0 : errno;
}

}  // namespace

int DropCapability(int cap)
{
	CapSets c;
	int err = GetCaps(&c);

	if (err)
		return err;
	unsigned idx = cap / 32, bit = 1u << (cap % 32);
	c.data[idx].effective &= ~bit;
	c.data[idx].permitted &= ~bit;
	c.data[idx].inheritable &= ~bit;
	return SetCaps(&c);
}

int DropAllCapabilities()
{
	CapSets c;
	return SetCaps(&c);
}

bool HasEffectiveCapability(int cap)
{
	CapSets c;

	if (GetCaps(&c))
		return false;
	return c.data[cap / 32].effective & (1u << (cap % 32));
}

std::pair<FileDescriptor, FileDescriptor> SocketPair()
{
	int sv[2] = {-1, -1};

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	return {FileDescriptor(sv[0]), FileDescriptor(sv[1])};
}

int SendFd(int sock, int fd)
{
	char byte = 'F';
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {};

	memset(&u, 0, sizeof(u));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : errno;
}

int ReceiveFd(int sock)
{
	char byte;
	struct iovec iov = {&byte, 1};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {};
	int fd = -1;

	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = u.buf;
	msg.msg_controllen = sizeof(u.buf);
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}
