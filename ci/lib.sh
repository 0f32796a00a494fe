# SPDX-License-Identifier: GPL-2.0
# The harness's shell library: progress lines, errors, verbose runs, and the
# facts every script shares, each defined once (the series list, variant
# names, config fragments, stamp keys, the guest's machine and command
# line). Sourced, never executed; ci/harness.py reads the same facts here.

# The harness's folders: CI_DIR (this ci/ directory), TOP_DIR (the project).
CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(dirname "$CI_DIR")

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

# ARCH (make's knob, default x86_64): the guest's architecture, one
# declaration a file in qemu/arch/<arch>.sh: kbuild's ARCH and cross
# compiler, the boot image, the fragments only it merges, QEMU's binary,
# machine, CPU and base command line (qemu/run, ci/run/profile-fstat), the
# suite's cross build and the packages it needs. An architecture that is
# built but never booted (make build-matrix; make kernel takes it too) is
# declared in ci/build/arch/<arch>.sh with the kbuild names only, and
# GUEST_BOOTS empty.
GUEST_ARCH=${ARCH:-x86_64}
[ "$GUEST_ARCH" != x86 ] || GUEST_ARCH=x86_64
GUEST_BOOTS=1
if [ -f "$TOP_DIR/qemu/arch/$GUEST_ARCH.sh" ]; then
	# shellcheck source=../qemu/arch/x86_64.sh
	. "$TOP_DIR/qemu/arch/$GUEST_ARCH.sh"
elif [ -f "$CI_DIR/build/arch/$GUEST_ARCH.sh" ]; then
	# No guest: its names are empty.
	GUEST_BOOTS= QEMU_SYSTEM= GUEST_CMDLINE= GUEST_ICOUNT_CMDLINE= GUEST_HOST_MACHINE=
	SUITE_M32= GUEST_DEB_ARCH= GUEST_MACHINE=() GUEST_TCG_CPU=() SUITE_CMAKE_ARGS=()
	# shellcheck source=build/arch/i386.sh
	. "$CI_DIR/build/arch/$GUEST_ARCH.sh"
else
	printf 'error: ARCH=%s: no such architecture; the guests are: %s; built only: %s\n' "$GUEST_ARCH" \
		"$(cd "$TOP_DIR/qemu/arch" && ls | sed 's/\.sh$//' | tr '\n' ' ')" \
		"$(cd "$CI_DIR/build/arch" && ls | sed 's/\.sh$//' | tr '\n' ' ')" >&2
	exit 1
fi
# The default architecture's names carry no suffix.
DEFAULT_ARCH=x86_64

# arch_suffix: what the selected architecture adds to a variant's name,
# the suite's build directory and its initramfs ("" or "-arm64").
arch_suffix() { [ "$GUEST_ARCH" = "$DEFAULT_ARCH" ] || echo "-$GUEST_ARCH"; }

# kernel_image KBUILD: the boot image a kernel build directory holds.
kernel_image() { echo "$1/$KERNEL_IMAGE"; }

# LLVM (make's knob): empty for GCC; 1 for Debian 12's newest clang,
# clang-16 (kbuild's LLVM=-16), or -<version> for that one.
llvm_suffix() {
	case "${LLVM:-}" in
	'') ;;
	1) echo -16 ;;
	-[0-9]*) echo "$LLVM" ;;
	*) die "LLVM must be 1 (clang-16) or -<version>, not '$LLVM'" ;;
	esac
}

# toolchain_suffix: what the compiler adds to a variant's name ("" or -clang).
toolchain_suffix() { [ -z "${LLVM:-}" ] || echo -clang; }

# kbuild_toolchain: the architecture and compiler arguments of every
# kbuild call, one a line: ARCH, CROSS_COMPILE, and GCC or LLVM=-<n>
# with clang, each compiler through ccache.
kbuild_toolchain() {
	printf '%s\n' "ARCH=$KERNEL_ARCH" "CROSS_COMPILE=$CROSS_COMPILE"
	if [ -n "${LLVM:-}" ]; then
		local v
		v=$(llvm_suffix)
		printf '%s\n' "LLVM=$v" "CC=ccache clang$v" "HOSTCC=ccache clang$v"
	else
		printf '%s\n' "CC=ccache ${CROSS_COMPILE}gcc" "HOSTCC=ccache gcc"
	fi
}
# Every run's: the console quiet below warnings (the suite's results and
# the kernel log come home on their own channel). The KVM probe keeps the
# base line: it waits for the banner, printed at KERN_NOTICE.
# shellcheck disable=SC2034
GUEST_RUN_CMDLINE="$GUEST_CMDLINE loglevel=5"
# QEMU's flags of a run under -icount: the guest clock counts instructions,
# so the benchmark's figures are deterministic run to run.
GUEST_ICOUNT_QEMU="-icount shift=0,sleep=off"

# guest_append MODE ICOUNT [ARG...]: the kernel command line of a guest run
# of harness.mode=MODE (qemu/init); ICOUNT 1 adds what the architecture's
# guest needs under -icount; the ARGs come last.
guest_append() {
	local mode=$1 icount=$2
	shift 2
	printf '%s\n' "$GUEST_RUN_CMDLINE$([ "$icount" != 1 ] || echo " $GUEST_ICOUNT_CMDLINE") harness.mode=$mode${*:+ $*}"
}

# guest_qemu KERNEL INITRD MEMORY_MB CPUS APPEND RESULTS: sets the array
# GUEST_QEMU to the QEMU command that boots a guest: the architecture's
# machine, KERNEL and INITRD with command line APPEND (guest_append), and
# the results channel (qemu/init) written to file RESULTS. The caller adds
# the console and the accelerator. $QEMU, when set, replaces the binary.
# One socket per CPU: the kernel has no ACPI and learns its CPUs from the
# firmware's MP table, which lists only the first CPU of each socket.
guest_qemu() {
	GUEST_QEMU=("${QEMU:-$QEMU_SYSTEM}" -nodefaults -no-user-config -no-reboot -display none
		"${GUEST_MACHINE[@]}" -m "$3M" -smp "$4,sockets=$4,cores=1,threads=1"
		-kernel "$1" -initrd "$2" -append "$5"
		-device virtio-serial-device -chardev "file,id=res,path=$6"
		-device virtserialport,chardev=res,name=results)
}

# bench_smoke_defaults, bench_defaults: the benchmark's sizes where the
# environment does not set them: make bench-smoke's (a few seconds in make
# test and the LAVA jobs), then make bench's.
bench_smoke_defaults() {
	: "${FILES:=2000}" "${PASSES:=2}" "${EXTENTS:=1,6,340}" "${COMMAND_FILES:=0}"
	: "${SHAPES:=rootless-owner-second}"
}
bench_defaults() {
	: "${FILES:=100000}" "${PASSES:=5}" "${EXTENTS:=1,5,6,64,340}" "${COMMAND_FILES:=10000}"
	: "${CALLS:=fstat,newfstatat,statx}"
}

# bench_args [--smoke]: the benchmark's harness.args= (userspace-tests/
# bench) from FILES, PASSES, EXTENTS, MAPS, CALLS, COMMAND_FILES and SHAPES
# (lists comma-separated; no SHAPES: every shape), with the defaults above.
# The guest init turns commas into blanks: lists travel with colons.
bench_args() (
	[ "${1:-}" != --smoke ] || bench_smoke_defaults
	bench_defaults
	a="harness.args=--files=$FILES,--passes=$PASSES,--extents=${EXTENTS//,/:}"
	a="$a,--maps=${MAPS:-both},--calls=${CALLS//,/:},--command-files=$COMMAND_FILES"
	[ -z "${SHAPES:-}" ] || a="$a,--shapes=${SHAPES//,/:}"
	printf '%s\n' "$a"
)

# stamp_key WORD... [-- FILE...]: the short hash every stamp is keyed by:
# the WORDs, one a line, then the content of the FILEs.
stamp_key() {
	{
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			printf '%s\n' "$1"
			shift
		done
		[ $# -eq 0 ] || shift
		[ $# -eq 0 ] || cat "$@" 2>/dev/null
	} | sha256sum | cut -c1-16
}

# tree_key SRC FILE...: the stamp key of a build from kernel tree SRC (its
# commit and the content of local changes) and FILEs (.config, script...).
tree_key() {
	local src=$1
	shift
	stamp_key "$(git -C "$src" rev-parse "HEAD^{tree}")" "$(git -C "$src" diff HEAD)" -- "$@"
}

# build_key SRC KBUILD: the stamp key of KBUILD's build from SRC, which
# ci/build/build-kernel writes to KBUILD/.build.key once kbuild succeeded.
build_key() { tree_key "$1" "$2/.config" "$CI_DIR/build/build-kernel"; }

# Kernel lines: the series is kept as one queue per kernel line, each with
# its own pin, all alike: patches/LINE/ holds LINE's series, its patches
# and its kernel.lock. A line is named by its VERSION.PATCHLEVEL, as in 6.1.
# The default line is the one a bare `make` builds, and the one whose
# make test CI runs in full (make kselftest, make test-clients beside it).
DEFAULT_LINE=6.12

# default_line: the line a bare make selects.
default_line() { echo "$DEFAULT_LINE"; }

# kernel_lines: every line, the default first, then the others by version.
kernel_lines() {
	local d
	default_line
	for d in "$TOP_DIR"/patches/*/; do
		if [ -f "$d/series" ] && [ -f "$d/kernel.lock" ]; then basename "$d"; fi
	done | grep -vxF "$DEFAULT_LINE" | sort -V || true
}

# line_patch_dir LINE: the directory holding LINE's series and patches.
line_patch_dir() { echo "$TOP_DIR/patches/$1"; }

# line_lock LINE: LINE's pin (KERNEL_PKG, KERNEL_DEB_VERSION, ...).
line_lock() { echo "$TOP_DIR/patches/$1/kernel.lock"; }

# line_out OUT LINE: where LINE's builds and results go under the build
# directory OUT: OUT itself for the default line, OUT/line-LINE for another
# (given OUT/line-LINE already, that again).
line_out() {
	local out=${1%/}
	out=${out%/line-"$2"}
	if [ "$2" = "$(default_line)" ]; then echo "$out"; else echo "$out/line-$2"; fi
}

# suite_dir OUT: where the builds every line shares go (the suite, its
# initramfs, the compiler cache): OUT itself, or the directory above it
# when OUT is a line's own (.../line-<line>).
suite_dir() {
	local out=${1%/}
	case ${out##*/} in
	line-*) echo "${out%/*}" ;;
	*) echo "$out" ;;
	esac
}

# suite_paths: export TESTS_BUILD, INITRAMFS, TESTS32_BUILD and INITRAMFS32
# (the suite's builds, shared by every line: make sets them) unless set.
suite_paths() {
	local dir
	dir=$(suite_dir "${O:?}")
	local a
	a=$(arch_suffix)
	export TESTS_BUILD=${TESTS_BUILD:-$dir/tests$a} INITRAMFS=${INITRAMFS:-$dir/initramfs$a.cpio} \
		TESTS32_BUILD=${TESTS32_BUILD:-$dir/tests-m32} INITRAMFS32=${INITRAMFS32:-$dir/initramfs-m32.cpio}
}

# tree_before SRC LINE M.m: true when kernel tree SRC is older than Linux
# M.m. The tree's own Makefile says its version; without one (not fetched
# yet), LINE (a VERSION.PATCHLEVEL) does.
tree_before() {
	local version=$2
	if [ -f "$1/Makefile" ]; then
		version=$(sed -n -e 's/^VERSION = \([0-9]*\)$/\1/p' -e 's/^PATCHLEVEL = \([0-9]*\)$/.\1/p' \
			"$1/Makefile" | head -n 2 | tr -d '\n')
	fi
	local major=${version%%.*} minor=${version#*.} want_major=${3%%.*} want_minor=${3#*.}
	case "$major.$minor" in
	[0-9]*.[0-9]*) [ $((major * 100 + minor)) -lt $((want_major * 100 + want_minor)) ] ;;
	*) return 1 ;;
	esac
}

# idmap_scratch_fs SRC LINE: the filesystem the suite's idmapped-mount tests
# make their files on, when it is not tmpfs. tmpfs takes idmapped mounts
# from Linux 6.3 on; before, the guest gives the suite an ext4 loop mount
# ("ext4": its disk drivers and mke2fs join the initramfs).
idmap_scratch_fs() {
	! tree_before "$1" "$2" 6.3 || echo ext4
}

# PATCH_DIR: the queue of the selected line, LINE (the default line's
# when unset). The Makefile exports both.
PATCH_DIR=${PATCH_DIR:-$(line_patch_dir "${LINE:-$(default_line)}")}

# series_patches [DIR]: the patch files DIR/series (default $PATCH_DIR)
# lists, in order: '#' starts a comment, blank lines are ignored.
series_patches() {
	sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "${1:-$PATCH_DIR}/series" |
		grep -v '^$' || true
}

# tree_name PATCHES: the source tree a PATCHES value (none, series or N)
# checks out under $O/src: the reference or ours.
tree_name() { if [ "$1" = none ]; then echo ref; else echo ours; fi; }

# debug_suffix DEBUG: a variant name's checker suffix. DEBUG is 0 (none),
# 1 (the debug kernel), faults (it, with fault injection) or kcsan.
debug_suffix() {
	case "${1:-0}" in
	0) ;;
	1) echo -debug ;;
	faults | kcsan) echo "-$1" ;;
	*) die "DEBUG must be 0, 1, faults or kcsan, not '$1'" ;;
	esac
}

# variant_name TREE USERNS [OPT [DEBUG]]: the name of one kernel build, its
# directory under $O/kbuild and its results under $O/results.
variant_name() {
	printf '%s-userns-%s%s%s%s%s\n' "$1" "$2" "$([ "${3:-s}" = 2 ] && echo -O2)" \
		"$(debug_suffix "${4:-0}")" "$(toolchain_suffix)" "$(arch_suffix)"
}

# config_fragments USERNS [OPT [DEBUG]]: the kernel-config/ fragments of a
# variant, in merge order. A line whose Kconfig differs overrides a
# fragment's options with a file of the same name in PATCH_DIR/kernel-config/,
# merged right after it (7.3 made the BOOTPARAM_*_PANIC options ints).
config_fragments() {
	local d=$TOP_DIR/kernel-config f
	for f in base $ARCH_FRAGMENTS kselftest consumers \
		$(if [ "$1" = y ]; then echo userns-on kunit; else echo userns-off; fi) \
		$([ "${2:-s}" != 2 ] || echo optimize-O2) \
		$(case "${3:-0}" in
		1) echo debug ;;
		faults) echo debug faults ;;
		kcsan) echo kcsan ;;
		esac); do
		echo "$d/$f.config"
		[ ! -f "$PATCH_DIR/kernel-config/$f.config" ] || echo "$PATCH_DIR/kernel-config/$f.config"
	done
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

# bundle_program PROGRAM ROOT [DEST]: a Debian program into the tree ROOT
# that becomes a cpio, at DEST (default: its own path) with its mode, and
# the shared libraries it loads (ldd), at their paths.
bundle_program() {
	local prog=$1 root=$2 dest=${3:-$1} lib
	[ -x "$prog" ] || die "$prog is missing: make deps installs its package"
	mkdir -p "$root$(dirname "$dest")"
	cp -L --preserve=mode "$prog" "$root$dest"
	for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# sysroot_path SYSROOT PATH: PATH with its symbolic links followed inside
# SYSROOT, a tree of another architecture's packages (an absolute link
# there names a file of SYSROOT, not of the host).
sysroot_path() {
	local root=$1 path=$2 link n=0
	while [ -L "$root$path" ]; do
		[ $((n += 1)) -le 16 ] || die "$root$path: too many levels of symbolic links"
		link=$(readlink "$root$path")
		case $link in
		/*) path=$link ;;
		*) path=$(dirname "$path")/$link ;;
		esac
	done
	echo "$path"
}

# bundle_guest_program SYSROOT PROGRAM ROOT DEST: bundle_program for a
# program of the guest's architecture, unpacked in SYSROOT
# (ci/build/guest-packages), where ldd cannot run it: its ELF interpreter
# and the libraries it needs (readelf's NEEDED, followed), taken from
# SYSROOT's multiarch and plain library directories to the same paths
# under ROOT.
bundle_guest_program() {
	local sysroot=$1 prog=$2 root=$3 dest=$4 triplet=${CROSS_COMPILE%-}
	local file lib dir found interp
	local -a todo
	local -A seen=()
	mkdir -p "$root$(dirname "$dest")"
	file=$sysroot$(sysroot_path "$sysroot" "$prog")
	[ -f "$file" ] || die "$prog is not in $sysroot: add its package to ci/build/guest-packages' list"
	cp --preserve=mode "$file" "$root$dest"
	interp=$(readelf -l "$file" | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
	if [ -n "$interp" ]; then
		mkdir -p "$root$(dirname "$interp")"
		cp "$sysroot$(sysroot_path "$sysroot" "$interp")" "$root$interp" ||
			die "$prog's interpreter $interp is not in $sysroot (libc6:$GUEST_DEB_ARCH)"
	fi
	todo=("$file")
	while [ ${#todo[@]} -gt 0 ]; do
		file=${todo[0]}
		todo=("${todo[@]:1}")
		for lib in $(readelf -d "$file" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
			[ -z "${seen[$lib]:-}" ] || continue
			seen[$lib]=1
			found=
			for dir in "/lib/$triplet" "/usr/lib/$triplet" /lib /usr/lib; do
				[ -e "$sysroot$dir/$lib" ] && found=$dir/$lib && break
			done
			[ -n "$found" ] || die "$lib, which $prog needs, is not in $sysroot: add its package to ci/build/guest-packages' list"
			mkdir -p "$root$(dirname "$found")"
			cp "$sysroot$(sysroot_path "$sysroot" "$found")" "$root$found"
			todo+=("$root$found")
		done
	done
}

# The files the harness keeps at the top of a kernel build directory beside
# kbuild's, as patterns: logs, stamps, the modules it builds (abi-module/,
# storage-modules/) and the archives it packs for that kernel. kbuild names
# none of its own files so. ci/build/seed-kbuild leaves them out when it
# seeds a directory from another.
# shellcheck disable=SC2034
HARNESS_KBUILD_FILES=('*.log' '*.log.*' '*.key' '*.cpio' abi-module storage-modules)

# kernel_make SRC KBUILD TARGET...: kbuild out of tree (O=KBUILD) through
# ccache, with the build identity fixed (user, host, time, build number) so
# an unchanged tree relinks nothing and a seeded build (ci/build/seed-kbuild)
# gives the image a cold one does. ci/build/build-kernel and
# ci/build/storage-modules share it.
kernel_make() {
	local src=$1 kbuild=$2
	shift 2
	local verbose=() toolchain
	[ "${V:-0}" = 1 ] && verbose=(V=1)
	mapfile -t toolchain < <(kbuild_toolchain)
	# Paths below $O are hashed relative, so a build directory rebuilt
	# from scratch hits. (Ours and the reference do not share hits: their
	# command lines name their own trees, and autoconf.h differs;
	# ci/build/seed-kbuild shares their objects.) Depend mode (through
	# ci/build/ccache-shim, which keeps .incbin sources out of the
	# cache): a miss costs one compile, not a preprocessor run plus
	# a compile (kbuild passes -Wp,-MMD, which it needs). A cold build of
	# the three make test kernels has nothing to hit; this takes ccache's
	# cost on it from about 10% to about 2%.
	CCACHE_DIR=${CCACHE_DIR:-$O/ccache} CCACHE_BASEDIR=$O CCACHE_NOHASHDIR=1 \
		CCACHE_DEPEND=${CCACHE_DEPEND:-1} PATH="$CI_DIR/build/ccache-shim:$PATH" \
		KBUILD_BUILD_USER=userns KBUILD_BUILD_HOST=harness \
		KBUILD_BUILD_TIMESTAMP='Sat Jan  1 00:00:00 UTC 2000' KBUILD_BUILD_VERSION=1 \
		make -C "$src" O="$kbuild" "${toolchain[@]}" \
		-j"${JOBS:-$(nproc)}" "${verbose[@]}" "$@"
}
