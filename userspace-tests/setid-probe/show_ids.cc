// SPDX-License-Identifier: GPL-2.0
// userns-show-ids: the program the set-id tests install with an owner and
// a mode and execute. It prints what the kernel gave it, as its own
// /proc/self/status says: the Uid, Gid, CapPrm and CapEff lines (real,
// effective, saved and filesystem ids; capability sets in hex). It reads
// nothing else and drops nothing, so its output is the exec's outcome.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>

int main()
{
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 2;
	std::string status;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		status.append(buf, n);
	close(fd);
	std::string out;
	for (const char *key : {"Uid:", "Gid:", "CapPrm:", "CapEff:"}) {
		size_t at = status.find(std::string("\n") + key);
		if (at == std::string::npos)
			return 3;
		size_t end = status.find('\n', at + 1);
		out += status.substr(at + 1, end - at);
	}
	return write(1, out.data(), out.size()) == (ssize_t)out.size() ? 0 : 4;
}
