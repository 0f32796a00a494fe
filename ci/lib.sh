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

# The guest's machine and base command line (qemu/run, ci/profile-fstat):
# QEMU's microvm, with no PCI bus and no firmware tables to walk, so the
# kernel needs neither PCI nor ACPI (kernel-config/base.config). Its virtio
# devices (virtio-*-device) sit on MMIO and QEMU appends where they are to
# the command line (virtio_mmio.device=); qboot's MP table lists the CPUs.
# reboot=t: no reset that the kernel's default reboot methods reach exists
# on microvm, so the guest's power-off (qemu/init) and a panic triple-fault,
# which -no-reboot turns into QEMU exiting.
# shellcheck disable=SC2034 # used by the scripts that source this file
GUEST_MACHINE=(-machine microvm,acpi=off)
# shellcheck disable=SC2034
GUEST_CMDLINE="console=ttyS0 panic=-1 reboot=t"

# hash_of FILE...: a short content hash used for stamps.
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# tree_key SRC FILE...: a stamp key for a build from kernel tree SRC (its
# commit and the content of local changes) and FILEs (.config, script...).
tree_key() {
	local src=$1
	shift
	{ git -C "$src" rev-parse "HEAD^{tree}"; git -C "$src" diff HEAD; cat "$@"; } |
		sha256sum | cut -c1-16
}

# pack_cpio DIR [FIND-ARG...]: DIR's tree as a newc cpio on stdout, owned
# by root. Fixed mtimes keep the archive byte-identical for identical
# inputs. FIND-ARGs (-mindepth 1: no entry for DIR itself) go to find.
pack_cpio() {
	local dir=$1
	shift
	find "$dir" -exec touch -h -d '2000-01-01 00:00:00Z' {} +
	(cd "$dir" && find . "$@" | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet)
}

# kernel_make SRC KBUILD TARGET...: kbuild out of tree (O=KBUILD) through
# ccache, with the build identity fixed so an unchanged tree relinks
# nothing. ci/build-kernel and ci/storage-modules share it.
kernel_make() {
	local src=$1 kbuild=$2 ci
	shift 2
	ci=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	local verbose=()
	[ "${V:-0}" = 1 ] && verbose=(V=1)
	# Paths below $O are hashed relative, so ref and ours trees share hits.
	# Depend mode (through ci/ccache-shim, which keeps .incbin sources out
	# of the cache): a miss costs one compile, not a preprocessor run plus
	# a compile (kbuild passes -Wp,-MMD, which it needs). A cold build of
	# the three make test kernels has nothing to hit; this takes ccache's
	# cost on it from about 10% to about 2%.
	CCACHE_DIR=${CCACHE_DIR:-$O/ccache} CCACHE_BASEDIR=$O CCACHE_NOHASHDIR=1 \
		CCACHE_DEPEND=${CCACHE_DEPEND:-1} PATH="$ci/ccache-shim:$PATH" \
		KBUILD_BUILD_USER=userns KBUILD_BUILD_HOST=harness \
		KBUILD_BUILD_TIMESTAMP='Sat Jan  1 00:00:00 UTC 2000' \
		make -C "$src" O="$kbuild" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"${JOBS:-$(nproc)}" "${verbose[@]}" "$@"
}
