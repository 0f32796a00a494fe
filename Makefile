# SPDX-License-Identifier: GPL-2.0
# userns-idmap: our user-namespace ID-mapping series on a pinned kernel,
# proven in QEMU. The stages, in the order data flows:
#   fetch -> tree -> config -> kernel;  suite -> initramfs;  both -> run
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := all
MAKEFLAGS += --no-print-directory

TOP := $(CURDIR)
CI := $(TOP)/ci
# ARCH=<arch>: the guest's architecture, one declaration a file in
# qemu/arch/<arch>.sh (x86_64, the default, or arm64); or one that is
# built and never booted, declared in ci/build/arch/<arch>.sh, which only
# the build stages take.
ARCH ?= x86_64
override ARCH := $(patsubst x86,x86_64,$(ARCH))
GUEST_ARCHS := $(basename $(notdir $(wildcard $(TOP)/qemu/arch/*.sh)))
BUILD_ONLY_ARCHS := $(basename $(notdir $(wildcard $(CI)/build/arch/*.sh)))
ifeq ($(filter $(ARCH),$(GUEST_ARCHS) $(BUILD_ONLY_ARCHS)),)
$(error no ARCH=$(ARCH); the guests are: $(GUEST_ARCHS); built only: $(BUILD_ONLY_ARCHS))
endif
BUILD_ONLY_GOALS := help lines deps fetch tree config kernel clean-kernels build-matrix print-%
ifneq ($(filter $(ARCH),$(BUILD_ONLY_ARCHS)),)
ifneq ($(filter-out $(BUILD_ONLY_GOALS),$(or $(MAKECMDGOALS),all)),)
$(error ARCH=$(ARCH) is built, never booted (ci/build/arch/$(ARCH).sh): only $(BUILD_ONLY_GOALS) take it; make build-matrix builds every architecture)
endif
endif
export ARCH
# lib <function> <args>: a fact from ci/lib.sh, the one place each is defined,
# for this ARCH and (once known) this line's PATCH_DIR.
lib = $(shell ARCH='$(ARCH)'; LLVM='$(LLVM)'; $(if $(PATCH_DIR),PATCH_DIR='$(PATCH_DIR)';) . $(CI)/lib.sh && $(1))

# LINE=<version>: the kernel line, each with its own queue and pin in
# patches/<line>/ (ci/lib.sh; the default line is 6.12). A line's builds and results go to
# $(O)/line-<line>; the default line's to $(O) itself.
LINES := $(call lib,kernel_lines)
LINE ?= $(firstword $(LINES))
# The lines other than the default (CI runs make test on each).
OTHER_LINES := $(wordlist 2,$(words $(LINES)),$(LINES))
ifeq ($(filter $(LINES),$(LINE)),)
$(error no kernel line '$(LINE)'; the lines are: $(LINES))
endif
include $(call lib,line_lock $(LINE))
PATCH_DIR := $(call lib,line_patch_dir $(LINE))
export KERNEL_PKG KERNEL_DEB_VERSION KERNEL_DEB_SHA256 KERNEL_TARBALL KERNEL_SUITE KERNEL_FOLLOW LINE PATCH_DIR

O ?= out
override O := $(call lib,line_out $(abspath $(O)) $(LINE))
# What every line shares: the compiler cache and the suite's builds (the
# suite does not depend on the kernel it tests).
SUITE_OUT := $(call lib,suite_dir $(O))
# What the architecture adds to the names of its builds ("" or -arm64).
ARCH_SUFFIX := $(call lib,arch_suffix)
export CCACHE_DIR ?= $(SUITE_OUT)/ccache
PATCHES ?= series
USERNS ?= y
V ?= 0
JOBS ?= $(shell nproc)
FILTER ?=
ACCEL ?= auto
BOOT_TIMEOUT ?= 60
RUN_TIMEOUT ?= 900
export O V JOBS
# A dry run (make -n) and the targets that only print write nothing.
DRY_RUN := $(findstring n,$(firstword -$(filter-out --%,$(MAKEFLAGS))))
PRINT_ONLY_GOALS := help lines mutate-list
WRITING_GOALS := $(filter-out $(PRINT_ONLY_GOALS),$(or $(MAKECMDGOALS),all))
ifeq ($(DRY_RUN),)
ifneq ($(WRITING_GOALS),)
$(shell mkdir -p $(O))
endif
endif
# $(MAKE) on a recipe line makes `make -n` run that line. A line that runs a
# script which calls make itself names make through SUBMAKE instead, so
# that a dry run prints it.
SUBMAKE = $(MAKE)

ifeq ($(filter y n,$(USERNS)),)
$(error USERNS must be y or n, not '$(USERNS)')
endif
# Spellings of a knob that are easy to reach for stop here, naming the knob.
ifeq ($(origin USER_NS),command line)
$(error USER_NS is not a knob: write USERNS=y or USERNS=n (it sets CONFIG_USER_NS))
endif
ifeq ($(origin TEST),command line)
$(error TEST is not a knob: the gtest filter is FILTER='<filter>', for runs and bisects alike)
endif
# The suite's build targets were once `tests` and `tests-m32`, one letter
# from `test`, which runs everything.
ifneq ($(filter tests tests-m32,$(MAKECMDGOALS)),)
$(error make $(filter tests tests-m32,$(MAKECMDGOALS)) is now make $(patsubst tests%,suite%,$(filter tests tests-m32,$(MAKECMDGOALS))): it builds the suite; make test runs everything)
endif
# LLVM=1: the kernels built with clang-16, Debian 12's newest (kbuild's
# LLVM=-16), or LLVM=-<version>; their names end in -clang.
LLVM ?=
ifneq ($(filter-out 1 -%,$(LLVM)),)
$(error LLVM must be 1 (clang-16) or -<version> (LLVM=-16), not '$(LLVM)')
endif
export LLVM
# OPT=s: -Os (tinyconfig's default); OPT=2: -O2, as distributions build.
OPT ?= s
ifeq ($(filter s 2,$(OPT)),)
$(error OPT must be s (-Os) or 2 (-O2), not '$(OPT)')
endif
ifeq ($(filter auto kvm tcg,$(ACCEL)),)
$(error ACCEL must be auto, kvm or tcg, not '$(ACCEL)')
endif

comma := ,

ifeq ($(V),1)
Q :=
else
Q := @
endif

DEBUG ?= 0
ifeq ($(filter 0 1 faults kcsan,$(DEBUG)),)
$(error DEBUG must be 0, 1, faults (debug and fault injection) or kcsan, not '$(DEBUG)')
endif
# KERNEL_SRC=<kernel tree>: build and run that tree (a stable branch, a
# distribution tree, ...) instead of the pinned source; PATCHES is ignored.
KERNEL_SRC ?=
ifneq ($(KERNEL_SRC),)
override KERNEL_SRC := $(abspath $(KERNEL_SRC))
TREE := ext-$(notdir $(KERNEL_SRC))-$(shell printf '%s' '$(KERNEL_SRC)' | sha256sum | cut -c1-8)
SRC := $(KERNEL_SRC)
# A tree that carries our series (its stamp) must skip nothing either.
STAMPED := $(if $(wildcard $(KERNEL_SRC)/localversion-userns-idmap),1,0)
else
TREE := $(call lib,tree_name $(PATCHES))
SRC := $(O)/src/$(TREE)
endif
VARIANT := $(call lib,variant_name $(TREE) $(USERNS) $(OPT) $(DEBUG))
KBUILD := $(O)/kbuild/$(VARIANT)
# The boot image (bzImage; arm64's Image).
IMAGE := $(KBUILD)/$(call lib,echo $$KERNEL_IMAGE)
# The suite's cross build, for a guest of another architecture.
SUITE_CMAKE_ARGS := $(call lib,echo "$${SUITE_CMAKE_ARGS[*]}")
# 1 when the architecture has a 32-bit suite (make test-m32).
SUITE_M32 := $(call lib,echo $$SUITE_M32)
TESTS_BUILD ?= $(SUITE_OUT)/tests$(ARCH_SUFFIX)
TESTBIN := $(TESTS_BUILD)/userns-tests
BENCHBIN := $(TESTS_BUILD)/userns-bench
FUZZBIN := $(TESTS_BUILD)/userns-fuzz
PROGFUZZBIN := $(TESTS_BUILD)/userns-progfuzz
IDPROBE := $(TESTS_BUILD)/userns-show-ids
FUZZ_WRITES ?= 100000
FUZZ_SEED ?=
FUZZ_JOBS ?=
INITRAMFS ?= $(SUITE_OUT)/initramfs$(ARCH_SUFFIX).cpio
# The suite's runs add the non-GPL ABI test module, built for each kernel.
# Not on a lockdep kernel (DEBUG=1, faults): there current_user_ns()'s
# rcu_dereference() calls the GPL-only debug_lockdep_rcu_enabled(), so no
# non-GPL module builds (OpenZFS cannot either); its runs leave the
# AbiModule areas out.
ABI_CPIO := $(KBUILD)/abi-module.cpio
RUN_INITRAMFS := $(KBUILD)/initramfs.cpio
LOCKDEP := $(filter 1 faults,$(DEBUG))
# The disk drivers, modules that the benchmark, the selftests and (below)
# the suite's runs on an old line load.
STORAGE_CPIO := $(KBUILD)/storage-modules.cpio
# Where tmpfs takes no idmapped mount (before Linux 6.3), the suite's
# idmapped-mount tests make their files on an ext4 loop mount the guest
# prepares: its disk drivers and mke2fs join the run (ci/lib.sh
# idmap_scratch_fs).
IDMAP_FS := $(call lib,idmap_scratch_fs $(SRC) $(LINE))
MKE2FS_CPIO := $(O)/mke2fs.cpio
RUN_PARTS := $(INITRAMFS) $(if $(LOCKDEP),,$(ABI_CPIO)) $(if $(IDMAP_FS),$(STORAGE_CPIO) $(MKE2FS_CPIO))
RUN_FILTER := $(if $(LOCKDEP),$(or $(FILTER),*)$(if $(findstring -,$(FILTER)),:,-)AbiModule*,$(FILTER))
# Each architecture's runs apart: make test on one does not remove the other's
# (ci/run/make-test names the same directory).
RESULTS ?= $(O)/results$(ARCH_SUFFIX)
# The suite built for the i386 ABI (make test-m32): its binaries replace
# the 64-bit ones in an initramfs of their own, booted on the same kernel
# (every variant has IA32_EMULATION: kernel-config/compat32.config).
TESTS32_BUILD ?= $(SUITE_OUT)/tests-m32$(ARCH_SUFFIX)
TESTBIN32 := $(TESTS32_BUILD)/userns-tests
IDPROBE32 := $(TESTS32_BUILD)/userns-show-ids
INITRAMFS32 ?= $(SUITE_OUT)/initramfs-m32$(ARCH_SUFFIX).cpio
export TESTS_BUILD INITRAMFS TESTS32_BUILD INITRAMFS32
RUN_INITRAMFS32 := $(KBUILD)/initramfs-m32.cpio
VARIANT32 := $(VARIANT)-m32
# EXTRA_FRAGMENTS=<files>: more config fragments merged after ours.
EXTRA_FRAGMENTS ?=
FRAGMENTS := $(call lib,config_fragments $(USERNS) $(OPT) $(DEBUG)) $(EXTRA_FRAGMENTS)
# A skip on our kernel with user namespaces on hides a missing feature.
STRICT_SKIPS := $(if $(and $(or $(filter ours,$(TREE)),$(filter 1,$(STAMPED))),$(filter y,$(USERNS))),1,0)

.PHONY: all help lines compare deps fetch tree config kernel suite initramfs abi-module storage-modules abi-check run test bench bench-smoke \
	apply lock-update test-short kselftest test-clients test-faults test-kcsan host-tests-only lava-jobs lava-artifacts lava-run test-host test-m32 suite-m32 test-slow mutate mutate-list reference profile-fstat progfuzz progfuzz-smoke progfuzz-check check-series build-matrix shell gdb bisect-series bisect fuzz fuzz-smoke test-debug check-patches checkpatch clean clean-kernels distclean FORCE

##@ Run
all: run ## Build everything for PATCHES/USERNS, boot it and run the suite

# suite_guest LABEL,INITRD,APPEND: the suite's guest on this kernel, booted
# with INITRD and APPEND before the harness's own arguments, its results
# in $(RESULTS)/LABEL; rc set when it fails. summary_of LABEL: its summary
# (unless SUMMARY=0).
suite_guest = STRICT_SKIPS=$(STRICT_SKIPS) $(TOP)/qemu/run --label $(1) \
	--kernel $(IMAGE) --initrd $(2) --out $(RESULTS)/$(1) \
	--accel $(ACCEL) --boot-timeout $(BOOT_TIMEOUT) --timeout $(RUN_TIMEOUT) \
	--expect-release "$$(cat $(KBUILD)/include/config/kernel.release)" \
	--append "$(3)harness.userns=$(USERNS)$(if $(IDMAP_FS), harness.idmapfs=$(IDMAP_FS))$(if $(RUN_FILTER), harness.filter=$(RUN_FILTER))" || rc=$$?
summary_of = $(if $(filter 0,$(SUMMARY)),,$(CI)/report/summarize --only $(1) $(RESULTS);)

run: $(IMAGE) $(RUN_INITRAMFS) ## Boot the kernel and run the suite (FILTER=, KERNEL_SRC=<tree>)
	$(Q)$(CI)/build/check-stamp $(SRC) $(KBUILD)
	$(Q)$(call suite_guest,$(VARIANT),$(RUN_INITRAMFS),); \
	$(if $(KERNEL_SRC),$(SUBMAKE) kselftest || rc=1;) \
	$(call summary_of,$(VARIANT)) exit $${rc:-0}

# shell_guest EXTRA: the suite's guest with a shell on this terminal instead
# of the suite (qemu/run --interactive), its own results directory.
shell_guest = $(TOP)/qemu/run --interactive $(1) --label $(VARIANT)-shell \
	--kernel $(IMAGE) --initrd $(RUN_INITRAMFS) --out $(RESULTS)/$(VARIANT)-shell \
	--accel $(ACCEL) --mode shell \
	--append "harness.userns=$(USERNS)$(if $(IDMAP_FS), harness.idmapfs=$(IDMAP_FS))"

shell: $(IMAGE) $(RUN_INITRAMFS) ## A shell in the guest of make run, the suite at hand (PATCHES=, USERNS=; exit powers off)
	$(Q)$(call shell_guest,)

gdb: $(IMAGE) $(RUN_INITRAMFS) ## make shell held at the first instruction for gdb (QEMU's stub on :1234, KASLR off)
	@echo "  GDB      from another terminal: gdb $(KBUILD)/vmlinux -ex 'target remote :1234'"
	@echo "  GDB      (symbols only: EXTRA_FRAGMENTS=<a fragment with CONFIG_DEBUG_INFO_DWARF5=y> for source lines)"
	$(Q)$(call shell_guest,--gdb)

reference: ## Run the suite on the unpatched pinned kernel (same as PATCHES=none)
	$(Q)$(MAKE) run PATCHES=none

BASE ?=
compare: ## Cases whose status changed from BASE=<results dir> to RESULTS= (default: out/results)
	$(Q)test -n "$(BASE)" || { echo "usage: make compare BASE=<results dir> [RESULTS=<results dir>]"; exit 2; }
	$(Q)$(CI)/report/compare "$(BASE)" "$(RESULTS)"

##@ Test
# make test's pipeline is ci/run/make-test: the fetch, the first tree and
# the suite's build side by side; the host tests in the background; each
# kernel built and its guest run beside the next build; then abi-check,
# lava-jobs, bench-smoke and fuzz-smoke. It times itself
# ($(O)/make-test-times.jsonl) and ends with the closing line.
# The reference builds first: ours, a few files and one option apart, is
# then seeded from its objects (ci/build/seed-kbuild), and USERNS=n from ours.
TEST_KERNELS := none:y series:y series:n
test: deps ## Host tests; suite on ours (USERNS=y, =n) and reference; ABI; LAVA jobs; bench/fuzz/progfuzz-smoke
	$(Q)MAKE="$(SUBMAKE)" $(CI)/run/make-test $(TEST_KERNELS)

# What CI runs on each line other than the default: ours with user
# namespaces on and the reference (first, as for make test), then the ABI
# check.
TEST_SHORT_KERNELS := none:y series:y
test-short: deps ## What CI runs on a non-default line: suite on ours (USERNS=y) and the reference; ABI; progfuzz-smoke
	$(Q)MAKE="$(SUBMAKE)" $(CI)/run/make-test --short $(TEST_SHORT_KERNELS)

test-m32: $(IMAGE) $(RUN_INITRAMFS32) ## The suite built -m32 (i386 ABI: compat and 16-bit id calls, Abi32) on the kernel (FILTER=)
	$(Q)$(CI)/build/check-stamp $(SRC) $(KBUILD)
	$(Q)$(call suite_guest,$(VARIANT32),$(RUN_INITRAMFS32),kunit.enable=0 ); \
	$(call summary_of,$(VARIANT32)) exit $${rc:-0}

kselftest: deps ## The kernel's user-namespace selftests in the guest, ours vs the reference (KERNEL_SRC=)
	$(Q)KERNEL_SRC="$(KERNEL_SRC)" ACCEL=$(ACCEL) BOOT_TIMEOUT=$(BOOT_TIMEOUT) RUN_TIMEOUT=$(RUN_TIMEOUT) \
		$(CI)/run/kselftest

test-clients: deps ## Real clients in the guest (newuidmap, unshare, setfacl, setcap, chattr), ours vs the reference
	$(Q)ACCEL=$(ACCEL) BOOT_TIMEOUT=$(BOOT_TIMEOUT) RUN_TIMEOUT=$(RUN_TIMEOUT) FILTER="$(FILTER)" \
		$(CI)/run/test-clients

# The debug kernels of test-debug, test-faults and test-kcsan boot and run slower: their
# timeouts default longer, and BOOT_TIMEOUT=/RUN_TIMEOUT= given still win.
SLOW_BOOT_TIMEOUT := $(if $(filter file,$(origin BOOT_TIMEOUT)),300,$(BOOT_TIMEOUT))
SLOW_RUN_TIMEOUT := $(if $(filter file,$(origin RUN_TIMEOUT)),3600,$(RUN_TIMEOUT))

test-faults: deps ## Every allocation of the map writes, unshare, clone, setns, map reads failed in turn, ours vs the reference
	$(Q)ACCEL=$(ACCEL) BOOT_TIMEOUT=$(SLOW_BOOT_TIMEOUT) RUN_TIMEOUT=$(SLOW_RUN_TIMEOUT) FILTER="$(FILTER)" \
		$(CI)/run/test-faults

test-kcsan: deps ## The racing tests and concurrent fuzzing under KCSAN, ours vs the reference
	$(Q)ACCEL=$(ACCEL) BOOT_TIMEOUT=$(SLOW_BOOT_TIMEOUT) RUN_TIMEOUT=$(SLOW_RUN_TIMEOUT) $(CI)/run/test-kcsan

# KUnit ran when the suite booted this kernel; here it would only add boot time.
fuzz: $(IMAGE) $(INITRAMFS) ## Differential map-write fuzzing in the guest (FUZZ_WRITES=, FUZZ_SEED=, FUZZ_JOBS=)
	$(Q)$(TOP)/qemu/run --mode fuzz --label fuzz-$(VARIANT) \
		--kernel $(IMAGE) --initrd $(INITRAMFS) --out $(O)/fuzz/$(VARIANT) \
		--accel $(ACCEL) --timeout $(RUN_TIMEOUT) \
		--append "kunit.enable=0 harness.args=--writes=$(FUZZ_WRITES)$(if $(FUZZ_SEED),$(comma)--seed=$(FUZZ_SEED))$(if $(FUZZ_JOBS),$(comma)--jobs=$(FUZZ_JOBS))"

# The program fuzzer's budget and seed (make progfuzz: 1000 programs;
# make mutate: 1000 a mutant, 10000 with MUTATE_BY=progfuzz).
PROGRAMS ?=
PROGFUZZ_SEED ?= 1
MUTATE_BY ?=
PROGFUZZ_JOBS ?= 2
progfuzz: deps ## Generated namespace programs on ours and the reference, traces compared; a difference shrunk to a reproducer (PROGRAMS=, PROGFUZZ_SEED=, PROGFUZZ_JOBS=)
	$(Q)ACCEL=$(ACCEL) BOOT_TIMEOUT=$(BOOT_TIMEOUT) RUN_TIMEOUT=$(SLOW_RUN_TIMEOUT) PATCHES=$(PATCHES) \
		$(CI)/run/progfuzz --programs=$(or $(PROGRAMS),1000) --seed=$(PROGFUZZ_SEED) --jobs=$(PROGFUZZ_JOBS)

progfuzz-smoke: ## 300 programs of seed 1 on ours and the reference (part of make test and test-short)
	$(Q)$(MAKE) progfuzz PROGRAMS=300 PROGFUZZ_SEED=1

progfuzz-check: deps ## Replay REPRO=<reproducer> on this kernel (PATCHES=) against the reference's trace it carries
	$(Q)test -n "$(REPRO)" || { echo "usage: make progfuzz-check REPRO=<file from make progfuzz> [PATCHES=...]"; exit 2; }
	$(Q)ACCEL=$(ACCEL) BOOT_TIMEOUT=$(BOOT_TIMEOUT) RUN_TIMEOUT=$(RUN_TIMEOUT) PATCHES=$(PATCHES) \
		$(CI)/run/progfuzz --check=$(abspath $(REPRO))

fuzz-smoke: ## 5000 fuzzed writes (part of make test)
	$(Q)$(MAKE) fuzz FUZZ_WRITES=5000

test-debug: deps ## The suite and 5000 fuzzed writes on the debug kernel (KASAN, lockdep, ...)
	$(Q)rc=0; \
	$(MAKE) run DEBUG=1 BOOT_TIMEOUT=$(SLOW_BOOT_TIMEOUT) RUN_TIMEOUT=$(SLOW_RUN_TIMEOUT) || rc=1; \
	$(MAKE) fuzz DEBUG=1 FUZZ_WRITES=$${FUZZ_WRITES:-5000} RUN_TIMEOUT=$(SLOW_RUN_TIMEOUT) || rc=1; \
	exit $$rc

mutate: deps ## Mutation testing of the series: each of ci/series/mutants.json built, booted, tested (MUTANT=a,b; MUTATE_BY=progfuzz)
	$(Q)$(MAKE) tree PATCHES=series
	$(Q)$(MAKE) initramfs $(if $(SUITE_M32),$(INITRAMFS32))
	$(Q)MUTATE_BY=$(MUTATE_BY) PROGRAMS=$(PROGRAMS) PROGFUZZ_SEED=$(PROGFUZZ_SEED) $(CI)/series/mutate $(if $(MUTANT),--only $(MUTANT))

mutate-list: ## The mutants of ci/series/mutants.json, each with the behaviour it breaks
	$(Q)O=$(O) $(CI)/series/mutate --list

test-host: $(TESTBIN) fetch ## Host-side tests of the harness itself (ctest)
	$(Q)$(MAKE) host-tests-only

# The host tests alone: the suite binary is built and the kernel fetched.
# make test runs them in the background, beside the guests: they mostly wait.
# They test the harness with its default knobs (GCC's variant names), also
# when make test LLVM=1 runs them.
host-tests-only:
	$(Q)$(call cmake_dir,$(CI)/tests,$(O)/host-tests)
	$(Q)cmake -S $(CI)/tests -B $(O)/host-tests -DSUITE_BIN=$(TESTBIN) -DPROGFUZZ_BIN=$(PROGFUZZBIN) -DKERNEL_GIT=$(O)/src/linux.git >$(O)/host-tests.log
	$(Q)LLVM= ctest --test-dir $(O)/host-tests --output-on-failure -j$(JOBS) $(if $(filter 1,$(V)),-V) \
		--output-junit $(O)/host-tests/junit.xml

test-slow: ## Slow host tests: bisects, a foreign tree, lava-run, ABI checks on the old series (~45 min)
	$(Q)for t in $(CI)/tests/slow/*; do echo "  SLOW     $$(basename $$t)"; $$t || exit 1; done

##@ Build stages
deps: ## Install the Debian packages the harness needs (as root)
	$(Q)$(CI)/build/deps

fetch: deps ## Download and verify the pinned kernel source, import it into git
	$(Q)$(CI)/build/fetch-kernel

tree: fetch ## Check out the source tree and apply PATCHES (none|series|N)
	$(Q)$(CI)/build/prepare-tree $(TREE) $(PATCHES)

config: $(if $(KERNEL_SRC),deps,tree) ## Merge the kernel-config/ fragments onto tinyconfig and verify them
	$(Q)$(CI)/build/kernel-config $(SRC) $(KBUILD) $(FRAGMENTS)

kernel: $(IMAGE) ## Build the kernel image (bzImage; arm64: Image), out of tree, ccache

$(IMAGE): FORCE
	$(Q)$(MAKE) config
	$(Q)$(CI)/build/build-kernel $(SRC) $(KBUILD)

suite: $(TESTBIN) ## Build the suite: the static GoogleTest binary for the guest

# cmake_dir SRC BUILD: a cmake build directory belongs to one source
# directory; when another checkout's (a clone sharing O=) holds BUILD,
# start it over rather than fail. ccache keeps the rebuild cheap.
cmake_dir = if [ -f $(2)/CMakeCache.txt ] && \
	! grep -qxF 'CMAKE_HOME_DIRECTORY:INTERNAL=$(1)' $(2)/CMakeCache.txt; then \
	echo "  CMAKE    $(2) was configured for another checkout: starting it over"; rm -rf $(2); fi

# suite_build BUILD,CMAKE-ARGS,TARGETS: configure and build the suite's
# cmake tree in BUILD (every target when TARGETS is empty). Every line
# shares BUILD: a lock keeps two lines' makes from building it at once.
suite_build = exec 9>$(1).lock; flock 9; \
	$(call cmake_dir,$(TOP)/userspace-tests,$(1)); \
	cmake -S $(TOP)/userspace-tests -B $(1) -DCMAKE_CXX_COMPILER_LAUNCHER=ccache $(2) \
		>$(1)-cmake.log || { cat $(1)-cmake.log; exit 1; }; \
	CCACHE_DIR=$(CCACHE_DIR) CCACHE_BASEDIR=$(TOP) CCACHE_SLOPPINESS=pch_defines,time_macros \
		cmake --build $(1) -j$(JOBS) $(if $(3),--target $(3)) \
		$(if $(filter 1,$(V)),-v) 2>&1 | { grep -v -e '^\[' -e 'statically linked' -e 'getaddrinfo' -e 'MakeConnection' || true; }

$(TESTBIN): FORCE | deps
	$(Q)$(call suite_build,$(TESTS_BUILD),$(SUITE_CMAKE_ARGS),)

suite-m32: $(TESTBIN32) ## Build the suite and the set-id probe for the i386 ABI (-m32)

$(TESTBIN32): FORCE | deps
	$(Q)$(if $(SUITE_M32),,echo "error: the suite built -m32 is x86_64's i386 ABI; ARCH=$(ARCH) has none here" >&2; exit 2)
	$(Q)$(call suite_build,$(TESTS32_BUILD),-DUSERNS_M32=ON,userns-tests userns-show-ids)

$(IDPROBE32): $(TESTBIN32)

initramfs: $(INITRAMFS) ## Pack busybox, the guest init, the suite, set-id probe, bench and fuzzer

storage-modules: $(STORAGE_CPIO) ## Build the disk drivers (ext4, loop, virtio_blk modules) for bench/kselftest

$(STORAGE_CPIO): $(IMAGE) FORCE
	$(Q)$(CI)/build/storage-modules $(SRC) $(KBUILD)

$(ABI_CPIO): $(IMAGE) FORCE
	$(Q)$(CI)/build/abi-module $(SRC) $(KBUILD)

$(MKE2FS_CPIO): $(CI)/build/mke2fs-cpio FORCE
	$(Q)$(CI)/build/mke2fs-cpio $@

$(RUN_INITRAMFS): $(RUN_PARTS)
	$(Q)cat $^ >$@.tmp && mv $@.tmp $@

$(RUN_INITRAMFS32): $(INITRAMFS32) $(filter-out $(INITRAMFS),$(RUN_PARTS))
	$(Q)cat $^ >$@.tmp && mv $@.tmp $@

$(INITRAMFS32): $(TESTBIN32) $(IDPROBE32) $(TOP)/qemu/init $(TOP)/qemu/mkinitramfs
	$(Q)$(TOP)/qemu/mkinitramfs $@ $(TESTBIN32) $(IDPROBE32)

$(BENCHBIN) $(FUZZBIN) $(PROGFUZZBIN) $(IDPROBE): $(TESTBIN)

$(INITRAMFS): $(TESTBIN) $(BENCHBIN) $(FUZZBIN) $(PROGFUZZBIN) $(IDPROBE) $(TOP)/qemu/init $(TOP)/qemu/mkinitramfs
	$(Q)$(TOP)/qemu/mkinitramfs $@ $(TESTBIN) $(BENCHBIN) $(FUZZBIN) $(PROGFUZZBIN) $(IDPROBE)

##@ ABI
abi-module: $(ABI_CPIO) ## Build the non-GPL (CDDL) test module against the kernel

abi-check: deps ## Exports of ours vs the reference (Module.symvers, USERNS=y): none lost or relicensed
	$(Q)$(MAKE) kernel PATCHES=series USERNS=y
	$(Q)$(MAKE) kernel PATCHES=none USERNS=y
	$(Q)$(CI)/series/abi-check $(O)/kbuild/$(call lib,variant_name ref y)/Module.symvers \
		$(O)/kbuild/$(call lib,variant_name ours y)/Module.symvers \
		| tee $(O)/abi-check$(ARCH_SUFFIX).txt | grep -v '^  ADDED' || { echo "  (whole report: $(O)/abi-check$(ARCH_SUFFIX).txt)"; exit 1; }
	$(Q)echo "  ABI      added exports listed in $(O)/abi-check$(ARCH_SUFFIX).txt"

##@ Benchmark
bench: deps ## stat matrix: ref/ours x USERNS=n/y x -Os/-O2, fstat/newfstatat/statx, 1..340 extents and runtime map shapes, ls -ln (FILES=, PASSES=, MAPS=uid)
	$(Q)$(CI)/run/bench

bench-smoke: deps ## A tiny stat benchmark on our kernel (runs in make test; out/bench-smoke/)
	$(Q)$(CI)/run/bench --smoke

profile-fstat: $(IMAGE) $(INITRAMFS) ## Instructions per kernel function in one stat call (EXTENTS=0|N, CALL=fstat|newfstatat|statx)
	$(Q)$(CI)/run/profile-fstat $(KBUILD) $(or $(EXTENTS),0) $(or $(CALL),fstat)

##@ Series
check-series: deps ## Every prefix of the series: build (USERNS=y/n), boot, test; a table (FROM=N: from prefix N on)
	$(Q)$(CI)/series/check-series

MATRIX_ARCHS ?= x86_64 i386 arm64 riscv64 s390x
MATRIX_COMPILERS ?= gcc
MATRIX_PREFIXES ?= all
RANDCONFIG_SEEDS ?= 1
build-matrix: fetch ## The build robot's view: every arch x USERNS x prefix, W=1 and sparse, config corners; a table (MATRIX_ARCHS=, MATRIX_COMPILERS=gcc clang, MATRIX_PREFIXES=all|final, RANDCONFIG_SEEDS=)
	$(Q)MATRIX_ARCHS="$(MATRIX_ARCHS)" MATRIX_COMPILERS="$(MATRIX_COMPILERS)" MATRIX_PREFIXES="$(MATRIX_PREFIXES)" \
		RANDCONFIG_SEEDS="$(RANDCONFIG_SEEDS)" $(CI)/series/build-matrix

bisect-series: deps ## First patch of the series failing FILTER='<gtest filter>', or REPRO=<progfuzz reproducer>
	$(Q)FILTER="$(FILTER)" REPRO="$(if $(REPRO),$(abspath $(REPRO)))" $(CI)/series/bisect-series

bisect: deps ## git bisect KERNEL_SRC=<git tree> GOOD=<rev> BAD=<rev> FILTER=<filter>
	$(Q)test -n "$(KERNEL_SRC)" -a -n "$(GOOD)" -a -n "$(BAD)" -a -n "$(FILTER)" || \
		{ echo "usage: make bisect KERNEL_SRC=<tree> GOOD=<rev> BAD=<rev> FILTER=<filter>"; exit 2; }
	$(Q)cd $(KERNEL_SRC) && git bisect start $(BAD) $(GOOD) && \
		FILTER="$(FILTER)" O=$(O) git bisect run $(CI)/series/bisect-run; \
		git bisect log | tail -n 3; git bisect reset >/dev/null

apply: ## Apply the series onto KERNEL_SRC=<git tree> (git am -3); each patch: clean, 3-way or failed
	$(Q)test -n "$(KERNEL_SRC)" || { echo "usage: make apply KERNEL_SRC=<kernel git tree>"; exit 2; }
	$(Q)$(CI)/series/apply "$(KERNEL_SRC)"

lines: ## The kernel lines, each with its queue and pinned kernel (LINE= selects one)
	$(Q). $(CI)/lib.sh; for l in $(LINES); do ( . "$$(line_lock $$l)"; \
		printf '  %-6s %-22s %-34s %s\n' "$$l$$([ $$l = $(firstword $(LINES)) ] && echo '*')" \
		"$$(line_patch_dir $$l | sed 's|^$(TOP)/||')/series" "$$KERNEL_PKG=$$KERNEL_DEB_VERSION" \
		"$${KERNEL_SUITE:-apt sources}$${KERNEL_FOLLOW:+ (follows the line)}" ); done

lock-update: deps ## Pin the newest linux-source of LINE= the archive has (VERSION= another) in its kernel.lock
	$(Q)$(CI)/build/fetch-kernel --update-lock $(call lib,line_lock $(LINE)) $(VERSION)

check-patches: ## Series file vs patches/: missing files, unlisted patches, headers
	$(Q)$(CI)/series/check-patches

checkpatch: tree ## checkpatch.pl --strict from the pinned tree on every patch; fails on errors
	$(Q)$(CI)/series/checkpatch $(SRC)

##@ LAVA
LAVA_DIR := $(O)/lava
LAVA_ARTIFACTS_URL ?= file://$(LAVA_DIR)/artifacts
LAVA_LAST := ours-p$(shell printf %02d $(words $(call lib,series_patches)))-userns-y
JOB ?= suite-$(LAVA_LAST)

lava-jobs: deps ## LAVA jobs for the run matrix in out/lava/jobs, schema-checked (LAVA_ARTIFACTS_URL=)
	$(Q)$(CI)/lab/lava-jobs --out $(LAVA_DIR)/jobs --url $(LAVA_ARTIFACTS_URL)

lava-artifacts: deps ## Build the matrix's kernels into out/lava/artifacts/<name>/ (LAVA_KERNELS="a b")
	$(Q)$(CI)/lab/lava-artifacts $(LAVA_DIR)/artifacts $(LAVA_KERNELS)

lava-run: deps ## Run one job here with lava-run, artifacts from file:// (JOB=suite-ours-pNN-userns-y)
	$(Q)$(CI)/build/deps lava-dispatcher
	$(Q)$(CI)/lab/lava-jobs --out $(LAVA_DIR)/local-jobs --url file://$(LAVA_DIR)/artifacts >/dev/null
	$(Q)test -f $(LAVA_DIR)/local-jobs/$(JOB).yaml || \
		{ echo "error: no job $(JOB); the jobs are: $$(cd $(LAVA_DIR)/local-jobs && ls | sed 's/.yaml$$//' | tr '\n' ' ')"; exit 2; }
	$(Q)$(CI)/lab/lava-artifacts $(LAVA_DIR)/artifacts $$(sed -n 's/^  kernel: //p' $(LAVA_DIR)/local-jobs/$(JOB).yaml)
	$(Q)$(CI)/lab/lava-local $(LAVA_DIR)/local-jobs/$(JOB).yaml $(LAVA_DIR)/run/$(JOB)

##@ Housekeeping
clean: ## Remove LINE's results and the suite's builds, shared by every line (keeps kernels, source)
	$(Q)rm -rf $(RESULTS) $(TESTS_BUILD) $(INITRAMFS) $(TESTS32_BUILD) $(INITRAMFS32) $(O)/host-tests

clean-kernels: ## Remove LINE's kernel sources and builds (keeps downloads, results, the suite)
	$(Q)rm -rf $(O)/src $(O)/kbuild
	$(Q)echo "  CLEAN    $(O)/src $(O)/kbuild (make fetch imports the kept download again)"

distclean: ## Remove everything under O= (source, kernels, ccache)
	$(Q)rm -rf $(O)

# The knobs, one a line: `make help` prints them.
#: LINE=<line>             the kernel line: its queue, pin and build directory (make lines)
#: ARCH=x86_64|arm64       the guest's architecture (qemu/arch/<arch>.sh; arm64 cross-built, TCG);
#:                         i386|riscv64|s390x are built only (ci/build/arch/): config, kernel
#: LLVM=1                  the kernels built with clang-16 instead of GCC (variants end in -clang)
#: PATCHES=none|series|N   the reference, the whole series (default), or its first N patches
#: USERNS=y|n              CONFIG_USER_NS (default y)
#: OPT=s|2                 -Os (tinyconfig's default) or -O2, as distributions build
#: DEBUG=0|1|faults|kcsan  the debug kernel (KASAN, lockdep, kmemleak, hung-task panics),
#:                         it with fault injection, or the KCSAN kernel
#: KERNEL_SRC=<tree>       build and run that kernel tree instead of the pinned one
#: KERNEL_DEB_VERSION=...  another version of the line's linux-source from the archive (KERNEL_DEB_SHA256= to pin)
#: VERSION=<version>       make lock-update: pin that version, not the archive's newest
#: EXTRA_FRAGMENTS=<files> more kernel config fragments, merged after ours
#: FILTER=<gtest filter>   the tests a guest run runs; the filter a bisect judges by
#: ACCEL=auto|kvm|tcg      the accelerator (auto: KVM only when it really boots Linux)
#: BOOT_TIMEOUT=S RUN_TIMEOUT=S  seconds to "guest up" (60) and for the whole run (900;
#:                         300 and 3600 for test-debug, test-faults and test-kcsan)
#: SUMMARY=0               make run: no per-area table after the run
#: O=<dir> V=1 JOBS=N      build directory (out/), verbose commands, parallel jobs (nproc)
#: FUZZ_WRITES= FUZZ_SEED= FUZZ_JOBS=  make fuzz: writes, seed, workers
#: FILES= PASSES= EXTENTS= MAPS=uid SHAPES= COMMAND_FILES= CALLS= BENCH_VARIANTS="tree:userns[:O2] ..."  make bench
#: EXTENTS= CALL=fstat|newfstatat|statx  make profile-fstat
#: MUTANT=a,b              make mutate: only these mutants (MUTATE_BY=progfuzz: the program fuzzer alone)
#: PROGRAMS= PROGFUZZ_SEED= PROGFUZZ_JOBS=  make progfuzz, mutate: programs, seed, guest workers
#: REPRO=<file>            make progfuzz-check, bisect-series: a program fuzzer reproducer
#: SEED=0                  a new build directory built from scratch, not seeded from a finished sibling
#: MATRIX_ARCHS= MATRIX_COMPILERS= MATRIX_PREFIXES= RANDCONFIG_SEEDS=  make build-matrix
#: GOOD= BAD=              make bisect: the good and bad revisions (with FILTER=)
#: BASE=<results dir>      make compare: the earlier run (RESULTS= the later, default out/results)
#: LAVA_ARTIFACTS_URL= LAVA_KERNELS="a b" JOB=  the LAVA targets
help: ## Show this help
	@echo "usage: make [target] [KNOB=value ...]"
	@awk 'BEGIN {FS = ":.*## "} \
		/^##@/ {printf "\n%s\n", substr($$0, 5)} \
		/^[a-z][a-zA-Z0-9_-]*:.*## / {printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Knobs"
	@sed -n 's/^#: /  /p' $(MAKEFILE_LIST)
	@echo
	@echo "Results: $(RESULTS)/summary.json, gtest.xml, results.ktap, results.json, console.log"
	@echo "         (per run in $(RESULTS)/<variant>/)"

# make -s print-VARIANT [PATCHES=...] [KERNEL_SRC=...]: a variable's value,
# for scripts that need the harness's names (build directory, variant).
print-%: FORCE
	@echo '$($*)'

FORCE:
