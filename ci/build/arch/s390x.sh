# SPDX-License-Identifier: GPL-2.0
# s390x, big-endian, built with Debian's cross compiler and never booted
# (make build-matrix, make kernel ARCH=s390x). The kbuild names of a
# guest's declaration (qemu/arch/x86_64.sh).
KERNEL_ARCH=s390
CROSS_COMPILE=s390x-linux-gnu-
KERNEL_TARGET=bzImage
KERNEL_IMAGE=arch/s390/boot/bzImage
ARCH_FRAGMENTS="matrix/s390x"
ARCH_PACKAGES="gcc-s390x-linux-gnu"
