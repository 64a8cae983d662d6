#!/usr/bin/env bash
# Boots the test guest under TCG (KVM does not run stock kernels here) with an emulated Intel
# IOMMU, so vfio-pci works, and emulated PCI devices at fixed addresses:
#   00:10.0 edu            BAR0 1 MiB registers (0x0 reads 0x010000ed; 0x4 returns ~written)
#   00:12.0 bochs-display  BAR0 16 MiB framebuffer (64-bit prefetchable), BAR2 4 KiB registers
#   00:13.0 ivshmem-plain  BAR2 1 MiB shared RAM, backed by WORKDIR/ivshmem.bin on the host
#   00:14.0 pci-testdev    BAR0 4 KiB MMIO, BAR1 I/O ports
#   00:15.0 nvme           a plain NVMe controller, disk WORKDIR/nvme.img (8 MiB minix, made here)
#   00:16.0 nvme           a controller in an NVMe subsystem (multipath head), disk WORKDIR/nvme_mp.img
#   00:17.0 pcie-root-port an empty PCIe root port (pcieport), which vfio-pci refuses to bind
#   00:18.0/.1 edu x2      one multi-function device: two functions in one IOMMU group (no ACS)
# Usage: run_guest.sh WORKDIR   (writes WORKDIR/serial.log; exits with qemu's status)
# no_timer_check: under TCG on a busy host the kernel's early check that the timer interrupt
# arrives through the remapped IO-APIC can time out, and with interrupt remapping on, that is a
# panic ("timer doesn't work through Interrupt-remapped IO-APIC"); the emulated timer does work.
set -uo pipefail
work=$1
rm -f "$work/nvme.img" "$work/nvme_mp.img"
truncate -s 8M "$work/nvme.img" "$work/nvme_mp.img"
# minix: util-linux (essential in Debian) makes it, and the guest needs one module to mount it.
for img in nvme nvme_mp; do PATH=$PATH:/sbin:/usr/sbin mkfs.minix "$work/$img.img" >/dev/null; done
timeout -k 5 "${PCIE_BAR_VM_TIMEOUT:-480}" qemu-system-x86_64 \
  -machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m 512M \
  -nodefaults -no-user-config -display none -no-reboot -serial "file:$work/serial.log" \
  -kernel "$work/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
  -device intel-iommu,intremap=on \
  -device edu,addr=0x10 \
  -device bochs-display,vgamem=16777216,addr=0x12 \
  -object "memory-backend-file,id=shm0,mem-path=$work/ivshmem.bin,size=1M,share=on" \
  -device ivshmem-plain,memdev=shm0,addr=0x13 \
  -device pci-testdev,addr=0x14 \
  -drive "file=$work/nvme.img,if=none,format=raw,id=nvm" -device nvme,serial=pcie-bar-test,drive=nvm,addr=0x15 \
  -device nvme-subsys,id=nvmsubsys,nqn=pcie-bar-multipath \
  -drive "file=$work/nvme_mp.img,if=none,format=raw,id=nvm_mp" -device nvme,serial=pcie-bar-mp,subsys=nvmsubsys,addr=0x16 \
  -device nvme-ns,drive=nvm_mp \
  -device pcie-root-port,id=rootport,chassis=1,addr=0x17 \
  -device edu,addr=0x18.0,multifunction=on -device edu,addr=0x18.1 \
  -append "console=ttyS0 quiet loglevel=1 panic=-1 intel_iommu=on no_timer_check"
