// SPDX-License-Identifier: GPL-2.0
#include "program.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "child.h"
#include "fd.h"
#include "userns.h"

ErrnoOr<ProgramRun> RunProgram(const std::vector<std::string> &argv,
			       const std::function<int()> &before)
{
	if (argv.empty() || access(argv[0].c_str(), X_OK) != 0)
		return ErrnoOr<ProgramRun>::Errno(argv.empty() ? EINVAL : errno);
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return ErrnoOr<ProgramRun>::Errno(errno);
	FileDescriptor rd(pipefd[0]), wr(pipefd[1]);
	ScopedChild child([&] {
		if (dup2(wr.get(), 1) < 0 || dup2(wr.get(), 2) < 0)
			return 126;
		if (before) {
			int rc = before();
			if (rc)
				return rc;
		}
		std::vector<char *> args;
		for (const std::string &a : argv)
			args.push_back(const_cast<char *>(a.c_str()));
		args.push_back(nullptr);
		char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		char *envp[] = {path, nullptr};
		execve(args[0], args.data(), envp);
		return 127;
	});
	wr.reset();
	ProgramRun run;
	char buf[4096];
	ssize_t n;
	while ((n = read(rd.get(), buf, sizeof(buf))) > 0)
		run.output.append(buf, n);
	run.status = child.Wait();
	return run;
}

int AsTestUser()
{
	return BecomeUser(kTestUid, kTestGid).ok() ? 0 : 125;
}

std::function<int()> AsMemberOf(pid_t pid)
{
	return [pid] {
		FileDescriptor ns(open(ProcPath(pid, "ns/user").c_str(), O_RDONLY | O_CLOEXEC));
		return ns.valid() && setns(ns.get(), CLONE_NEWUSER) == 0 ? 0 : 124;
	};
}

std::function<int()> AsRootOf(pid_t pid)
{
	return [pid] {
		if (int rc = AsMemberOf(pid)())
			return rc;
		return BecomeRootInNamespace().ok() && setgroups(0, nullptr) == 0 ? 0 : 125;
	};
}
