# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the harness scripts: progress lines, errors, verbose runs.
# Sourced, never executed.

# step WHAT DETAIL: one progress line per long step, kbuild style.
step() { printf '  %-8s %s\n' "$1" "$2"; }

die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# run_logged LOG CMD...: run CMD with its output in LOG (or on the terminal
# with V=1); on failure show the log's tail and say where the whole log is.
run_logged() {
	local log=$1
	shift
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	if ! "$@" >"$log" 2>&1; then
		echo "----- last lines of $log -----" >&2
		tail -n 40 "$log" >&2
		echo "----- (whole log: $log) -----" >&2
		return 1
	fi
}

# hash_of FILE...: a short content hash used for stamps.
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
