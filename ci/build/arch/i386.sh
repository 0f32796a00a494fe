# SPDX-License-Identifier: GPL-2.0
# i386, a 32-bit x86 kernel, built and never booted (make build-matrix,
# make kernel ARCH=i386): the 16-bit id syscalls of kernel/uid16.c as
# native calls, the old struct stat. The kbuild names of a guest's
# declaration (qemu/arch/x86_64.sh).
KERNEL_ARCH=i386
CROSS_COMPILE=
KERNEL_TARGET=bzImage
KERNEL_IMAGE=arch/x86/boot/bzImage
ARCH_FRAGMENTS="matrix/i386"
ARCH_PACKAGES=""
