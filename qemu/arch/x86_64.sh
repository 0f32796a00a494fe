# SPDX-License-Identifier: GPL-2.0
# The x86_64 guest (ARCH=x86_64, the default): what builds its kernel and
# suite and what starts it, read by ci/lib.sh. Every architecture's file
# sets the same names; qemu/arch/arm64.sh is the other.
# shellcheck shell=bash disable=SC2034 # read by the scripts that source ci/lib.sh

# kbuild's ARCH and CROSS_COMPILE, and the boot image kbuild makes.
KERNEL_ARCH=x86_64
CROSS_COMPILE=
KERNEL_TARGET=bzImage
KERNEL_IMAGE=arch/x86/boot/bzImage
# The fragments only this architecture merges (kernel-config/).
ARCH_FRAGMENTS="arch-x86_64 compat32"
# QEMU's microvm, with no PCI bus and no firmware tables to walk, so the
# kernel needs neither PCI nor ACPI (kernel-config/base.config). Its virtio
# devices (virtio-*-device) sit on MMIO and QEMU appends where they are to
# the command line (virtio_mmio.device=); qboot's MP table lists the CPUs.
# reboot=t: no reset that the kernel's default reboot methods reach exists
# on microvm, so the guest's power-off (qemu/init) and a panic triple-fault,
# which -no-reboot turns into QEMU exiting.
QEMU_SYSTEM=qemu-system-x86_64
GUEST_MACHINE=(-machine microvm,acpi=off)
# The CPU under TCG (QEMU's default here); under KVM it is always -cpu host.
GUEST_TCG_CPU=()
GUEST_CMDLINE="console=ttyS0 panic=-1 reboot=t"
# Under -icount, calibrating the local APIC timer against the PIT took 19 of
# the 21 s a guest needed to boot (each PIT read ends a translation block);
# without the APIC timer the PIT drives the tick, and the guest is up in 3 s.
# Figures stay deterministic run to run, and comparable within one bench.
GUEST_ICOUNT_CMDLINE=noapictimer
# KVM can run this guest only on a host of the same architecture.
GUEST_HOST_MACHINE=x86_64
# The suite: built by the host's compiler, busybox from the host's package.
SUITE_CMAKE_ARGS=()
# The suite also built -m32, for the i386 ABI (make test-m32).
SUITE_M32=1
# Packages for a guest of another architecture (ci/build/guest-packages):
# none, the host's own serve this one.
GUEST_DEB_ARCH=
# Debian packages this architecture adds to ci/build/deps'.
ARCH_PACKAGES="qemu-system-x86"
