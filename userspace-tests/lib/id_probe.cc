// SPDX-License-Identifier: GPL-2.0
#include "id_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "child.h"
#include "fd.h"
#include "userns.h"

Status InstallProbe(const std::string &path, uid_t uid, gid_t gid, mode_t mode)
{
	FileDescriptor in(open(kIdProbe, O_RDONLY | O_CLOEXEC));
	if (!in.valid())
		return ErrnoStatus(errno);
	unlink(path.c_str());
	FileDescriptor out(open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0700));
	if (!out.valid())
		return ErrnoStatus(errno);
	char buf[65536];
	ssize_t n;
	while ((n = read(in.get(), buf, sizeof(buf))) > 0)
		if (write(out.get(), buf, n) != n)
			return ErrnoStatus(errno ? errno : EIO);
	if (n < 0 || fchown(out.get(), uid, gid) != 0 || fchmod(out.get(), mode) != 0)
		return ErrnoStatus(errno);
	return Status();
}

namespace {

// "Key:\tA\tB\tC\tD" -> "A B C D" (and one value alone for the cap lines).
std::string FieldsOf(const std::string &report, const std::string &key)
{
	size_t at = report.find(key + ":\t");
	if (at == std::string::npos)
		return "";
	size_t end = report.find('\n', at);
	std::string v = report.substr(at + key.size() + 2, end - at - key.size() - 2);
	for (char &c : v)
		if (c == '\t')
			c = ' ';
	return v;
}

}  // namespace

ErrnoOr<ProbedIds> ExecProbe(int dirfd, const std::string &path, const std::function<int()> &before)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return ErrnoOr<ProbedIds>::Errno(errno);
	FileDescriptor rd(pipefd[0]), wr(pipefd[1]);
	Channel exec_error;
	ScopedChild child([&] {
		if (dup2(wr.get(), 1) < 0)
			return 126;
		if (before && before() != 0) {
			exec_error.Send(EPERM);
			return 125;
		}
		char *argv[] = {const_cast<char *>("userns-show-ids"), nullptr};
		char *envp[] = {nullptr};
		syscall(SYS_execveat, dirfd, path.c_str(), argv, envp, 0);
		exec_error.Send(errno);
		return 127;
	});
	wr.reset();
	exec_error.CloseWrite();
	std::string report;
	char buf[1024];
	ssize_t n;
	while ((n = read(rd.get(), buf, sizeof(buf))) > 0)
		report.append(buf, n);
	int status = child.Wait();
	if (status != 0) {
		int err = exec_error.Receive(0);
		return ErrnoOr<ProbedIds>::Errno(err > 0 ? err : EIO);
	}
	ProbedIds ids;
	ids.uid = FieldsOf(report, "Uid");
	ids.gid = FieldsOf(report, "Gid");
	std::string prm = FieldsOf(report, "CapPrm"), eff = FieldsOf(report, "CapEff");
	if (ids.uid.empty() || ids.gid.empty() || prm.empty() || eff.empty())
		return ErrnoOr<ProbedIds>::Errno(EIO);
	ids.permitted = strtoull(prm.c_str(), nullptr, 16);
	ids.effective = strtoull(eff.c_str(), nullptr, 16);
	return ids;
}

uint64_t AllCapabilities()
{
	ErrnoOr<std::string> last = ReadFile("/proc/sys/kernel/cap_last_cap");
	int n = last.ok() ? atoi(last.value().c_str()) : 40;
	return n >= 63 ? ~0ull : (1ull << (n + 1)) - 1;
}
