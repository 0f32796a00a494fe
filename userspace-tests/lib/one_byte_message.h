// SPDX-License-Identifier: GPL-2.0
// A one-byte message over a unix socket with room for one SOL_SOCKET
// control message carrying a Payload: an fd (SCM_RIGHTS) or a struct
// ucred (SCM_CREDENTIALS).
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstring>

template <typename Payload>
class OneByteMessage {
public:
	OneByteMessage()
	{
		msg_.msg_iov = &iov_;
		msg_.msg_iovlen = 1;
		msg_.msg_control = control_;
		msg_.msg_controllen = sizeof(control_);
	}
	OneByteMessage(const OneByteMessage &) = delete;
	OneByteMessage &operator=(const OneByteMessage &) = delete;

	// For sendmsg() and recvmsg().
	struct msghdr *header() { return &msg_; }
	// Before sending: payload as the control message of the given type.
	void Attach(int type, const Payload &payload)
	{
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg_);

		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = type;
		cmsg->cmsg_len = CMSG_LEN(sizeof(Payload));
		memcpy(CMSG_DATA(cmsg), &payload, sizeof(Payload));
	}
	// After receiving: the control message of the given type into
	// *payload; false when none came.
	bool Take(int type, Payload *payload)
	{
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg_);

		if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != type)
			return false;
		memcpy(payload, CMSG_DATA(cmsg), sizeof(Payload));
		return true;
	}

private:
	char byte_ = 'M';
	struct iovec iov_ = {&byte_, 1};
	alignas(struct cmsghdr) char control_[CMSG_SPACE(sizeof(Payload))] = {};
	struct msghdr msg_ = {};
};
