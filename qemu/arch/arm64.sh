# SPDX-License-Identifier: GPL-2.0
# The arm64 guest (ARCH=arm64): the names qemu/arch/x86_64.sh sets, for a
# kernel and suite cross-built by Debian's aarch64-linux-gnu compilers and
# booted on QEMU's virt machine.
# shellcheck shell=bash disable=SC2034 # read by the scripts that source ci/lib.sh

KERNEL_ARCH=arm64
CROSS_COMPILE=aarch64-linux-gnu-
KERNEL_TARGET=Image
KERNEL_IMAGE=arch/arm64/boot/Image
ARCH_FRAGMENTS="arch-arm64"
# virt describes its devices in a device tree (the kernel needs no
# platform code), among them 32 virtio-mmio transports that take QEMU's
# virtio-*-device. A PSCI power-off ends the guest; a panic reboots
# (panic=-1), which -no-reboot turns into QEMU exiting.
QEMU_SYSTEM=qemu-system-aarch64
GUEST_MACHINE=(-machine virt,gic-version=3)
# An ARMv8.0 core: -cpu max would emulate pointer authentication in
# software on every return.
GUEST_TCG_CPU=(-cpu cortex-a57)
GUEST_CMDLINE="console=ttyAMA0 panic=-1"
# Under -icount: the generic timer needs nothing.
GUEST_ICOUNT_CMDLINE=
GUEST_HOST_MACHINE=aarch64
SUITE_CMAKE_ARGS=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64
	-DCMAKE_C_COMPILER=aarch64-linux-gnu-gcc -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++)
# No 32-bit suite: the AArch32 compat ABI would need a 32-bit Arm
# toolchain and COMPAT kernels.
SUITE_M32=
# The arm64 packages taken from the archive (ci/build/guest-packages):
# busybox-static, and what the selftests link (libcap-ng) and run (mke2fs).
GUEST_DEB_ARCH=arm64
ARCH_PACKAGES="qemu-system-arm gcc-aarch64-linux-gnu g++-aarch64-linux-gnu"
