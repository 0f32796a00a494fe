// SPDX-License-Identifier: GPL-2.0
// ExecSecurebits: the exec-restriction securebits (SECBIT_EXEC_RESTRICT_FILE,
// SECBIT_EXEC_DENY_INTERACTIVE) and their locks across a change of user
// namespace. They grant nothing: they are restrictions a task placed on
// itself, so a new user namespace (unshare or clone with CLONE_NEWUSER)
// and setns() into one keep them, while every other securebit is reset to
// the namespace's default, as before.
//
// Per line: the exec securebits exist from Linux 6.14 on; before that
// PR_SET_SECUREBITS refuses them (EPERM), the rule checked on the 6.1 and
// 6.12 lines. The 7.3 line keeps them across a new namespace; for a
// kernel between the two no rule is stated here, and the tests fail
// saying so.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include <gtest/gtest.h>

#include "child.h"
#include "errno_matchers.h"
#include "fd.h"
#include "kernel_release.h"
#include "userns.h"

namespace {

// <linux/securebits.h> as Linux 7.3 has it; the C library's predates it.
constexpr int kNoRoot = 1 << 0;
constexpr int kNoRootLocked = 1 << 1;
constexpr int kKeepCaps = 1 << 4;
constexpr int kNoCapAmbientRaise = 1 << 6;
constexpr int kExecRestrictFile = 1 << 8;
constexpr int kExecRestrictFileLocked = 1 << 9;
constexpr int kExecDenyInteractive = 1 << 10;
constexpr int kExecDenyInteractiveLocked = 1 << 11;
constexpr int kExecBits =
	kExecRestrictFile | kExecRestrictFileLocked | kExecDenyInteractive | kExecDenyInteractiveLocked;
constexpr int kOtherBits = kNoRoot | kNoRootLocked | kKeepCaps | kNoCapAmbientRaise;

// For a test of the exec securebits: on a line that has none, checks that
// setting them is refused and returns true (the test ends there); on a
// kernel with no stated rule, skips; elsewhere returns false.
bool LineHasNoExecSecurebits()
{
	if (KernelAtLeast(7, 3))
		return false;
	if (KernelAtLeast(6, 14)) {
		ADD_FAILURE() << "no rule stated for this kernel: between 6.14 and the 7.3 line";
		return true;
	}
	int status = RunInChild([] {
		CHILD_CHECK_ERRNO(prctl(PR_SET_SECUREBITS, kExecRestrictFile), EPERM);
		return 0;
	});
	EXPECT_EQ(status, 0) << "PR_SET_SECUREBITS takes no exec securebit before Linux 6.14";
	return true;
}

// In a child: set bits, then run enter (which moves the task to another
// user namespace) and check the securebits it then has are want.
int SecurebitsAcross(int bits, const std::function<int()> &enter, int want)
{
	return RunInChild([bits, &enter, want] {
		CHILD_CHECK_EQ(prctl(PR_SET_SECUREBITS, bits), 0);
		CHILD_CHECK_EQ(prctl(PR_GET_SECUREBITS), bits);
		CHILD_CHECK_EQ(enter(), 0);
		CHILD_CHECK_EQ(prctl(PR_GET_SECUREBITS), want);
		return 0;
	});
}

int UnshareUserNamespace() { return unshare(CLONE_NEWUSER); }

}  // namespace

USERNS_AREA(ExecSecurebits);

TEST_F(ExecSecurebits, ExecBitsAndTheirLocksSurviveUnshare)
{
	if (LineHasNoExecSecurebits())
		return;
	EXPECT_EQ(SecurebitsAcross(kExecBits, UnshareUserNamespace, kExecBits), 0);
}

TEST_F(ExecSecurebits, ExecBitWithoutItsLockSurvivesUnshareUnlocked)
{
	if (LineHasNoExecSecurebits())
		return;
	EXPECT_EQ(SecurebitsAcross(kExecDenyInteractive, UnshareUserNamespace, kExecDenyInteractive), 0);
}

// clone(CLONE_NEWUSER) creates the namespace for the new task: the task
// starts with the exec bits its parent had.
TEST_F(ExecSecurebits, ExecBitsSurviveCloneIntoANewNamespace)
{
	if (LineHasNoExecSecurebits())
		return;
	EXPECT_EQ(RunInChild([] {
		CHILD_CHECK_EQ(prctl(PR_SET_SECUREBITS, kExecBits | kKeepCaps), 0);
		// A fork-like clone: no stack given, the child returns here.
		long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, 0);
		if (pid == 0)
			_exit(prctl(PR_GET_SECUREBITS) == kExecBits ? 0 : 1);
		CHILD_CHECK(pid > 0);
		int status = 0;
		CHILD_CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHILD_CHECK_EQ(DecodeWaitStatus(status), 0);
		return 0;
	}), 0);
}

// Only the exec bits are carried: every other securebit, locked or not,
// is reset in the new namespace, as it always was.
TEST_F(ExecSecurebits, OtherBitsAreStillResetByANewNamespace)
{
	if (LineHasNoExecSecurebits())
		return;
	EXPECT_EQ(SecurebitsAcross(kOtherBits | kExecRestrictFile, UnshareUserNamespace,
				   kExecRestrictFile),
		  0);
}

// setns() into a user namespace resets the task's credentials to that
// namespace's as a new namespace does, and keeps the exec bits the same way.
TEST_F(ExecSecurebits, ExecBitsSurviveSetnsIntoAUserNamespace)
{
	if (LineHasNoExecSecurebits())
		return;
	NamespaceFile ns("ns/user", O_RDONLY);
	ASSERT_THAT(ns.status(), ErrnoIs(0));
	int fd = ns.fd();
	EXPECT_EQ(SecurebitsAcross(kExecBits | kKeepCaps, [fd] { return setns(fd, CLONE_NEWUSER); },
				   kExecBits),
		  0);
}
