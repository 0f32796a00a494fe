# SPDX-License-Identifier: GPL-2.0
# riscv64, built with Debian's cross compiler and never booted (make
# build-matrix, make kernel ARCH=riscv64). The kbuild names of a guest's
# declaration (qemu/arch/x86_64.sh).
KERNEL_ARCH=riscv
CROSS_COMPILE=riscv64-linux-gnu-
KERNEL_TARGET=Image
KERNEL_IMAGE=arch/riscv/boot/Image
ARCH_FRAGMENTS=""
ARCH_PACKAGES="gcc-riscv64-linux-gnu"
