#!/bin/sh
# /init of the test guest: loads vfio and uio, then runs pcie_bar_exporter the way a user would.
# Each scenario's output is bracketed on the serial console for the host test to parse:
#   @@BEGIN name / @@STDOUT / ... / @@STDERR / ... / @@END name rc=N
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in irqbypass vfio vfio_virqfd vfio_iommu_type1 vfio-pci-core vfio-pci uio uio_pci_generic; do
  insmod /mods/$m.ko || echo "@@INSMOD-FAILED $m"
done
# NVMe and minix, for setup's refusals.
for m in crc64 crc64-rocksoft crct10dif_common crc-t10dif t10-pi nvme-core nvme minix; do
  insmod /mods/$m.ko || echo "@@INSMOD-FAILED $m"
done
echo "@@GUEST-UP iommu_groups=$(ls /sys/kernel/iommu_groups | wc -l)"

run() {  # run NAME COMMAND...
  name=$1; shift
  echo "@@BEGIN $name"
  "$@" >/tmp/out 2>/tmp/err
  rc=$?
  echo "@@STDOUT"; cat /tmp/out
  echo "@@STDERR"; cat /tmp/err
  echo "@@END $name rc=$rc"
}
x=/bin/pcie_bar_exporter
EDU=0000:00:10.0 BOCHS=0000:00:12.0 IVSHMEM=0000:00:13.0 TESTDEV=0000:00:14.0

# vfio on a RAM-like BAR (bochs-display framebuffer), mmap and syscall.
run setup_vfio_bochs $x setup $BOCHS --driver vfio-pci -v
run vfio_mmap_bochs $x --config.file /cfg/vfio_mmap_bochs.yml --once --output json
run vfio_syscall_bochs $x --config.file /cfg/vfio_syscall_bochs.yml --once --output json
run vfio_table_bochs $x --config.file /cfg/vfio_mmap_bochs.yml --once
# Access paths on the same BARs, for scripts/bench.sh's ratios (vfio mmap/syscall, sysfs; uio below).
run bench_paths_vfio $x --config.file /cfg/bench_paths_vfio.yml --once --output json
# vfio on ivshmem's shared RAM: the host checks its backing file is byte-identical afterwards.
run setup_vfio_ivshmem $x setup $IVSHMEM --driver vfio-pci
run vfio_ivshmem_restore $x --config.file /cfg/vfio_ivshmem.yml --once --output json
# vfio on edu: read-only sweep, the id register, and a failing write-verify on the liveness register.
run setup_vfio_edu $x setup $EDU
run vfio_edu_readonly $x --config.file /cfg/vfio_edu_readonly.yml --once --output json
run vfio_edu_liveness $x --config.file /cfg/vfio_edu_liveness.yml --once --output json
run vfio_edu_cli_defaults $x --once --output json 00:10.0
# Errors a user can run into.
run error_wrong_driver $x --once --output json --backend uio $EDU
run error_not_present $x --once --output json 00:1e.5
run error_absent_bar $x --config.file /cfg/error_absent_bar.yml --once --output json
run error_window_beyond_bar $x --config.file /cfg/error_window_beyond_bar.yml --once --output json
run error_io_bar $x --config.file /cfg/error_io_bar.yml --once --output json
run error_setup_missing_device $x setup 00:1e.5
# setup refuses what the host depends on: a mounted NVMe namespace, plain and multipath (whose
# head sits in /sys/devices/virtual/nvme-subsystem); a bind the kernel refuses (vfio-pci on a
# bridge) is rolled back; --restore refuses while a process holds the vfio group.
NVME=0000:00:15.0 NVME_MP=0000:00:16.0 ROOTPORT=0000:00:17.0
nvme_disk() {  # the namespace of controller $1: beneath it, or its subsystem's multipath head
  ctrl=$(ls /sys/bus/pci/devices/$1/nvme)
  for d in /sys/bus/pci/devices/$1/nvme/$ctrl/nvme*n1 /sys/devices/virtual/nvme-subsystem/*/nvme*n1; do
    [ -e "$d/dev" ] && [ -e "$d/../$ctrl" -o "$(basename $(dirname $d))" = "$ctrl" ] && basename "$d"
  done | head -1
}
mkdir -p /mnt/nvme /mnt/nvme_mp
for pair in "$NVME /mnt/nvme" "$NVME_MP /mnt/nvme_mp"; do
  set -- $pair
  disk=$(nvme_disk $1)
  mount -t minix /dev/$disk $2 || echo "@@NVME-MOUNT-FAILED $1 $disk"
done
run setup_refuses_mounted_nvme $x setup $NVME
run setup_refuses_mounted_nvme_multipath $x setup $NVME_MP --driver uio_pci_generic
run nvme_after_refusal sh -c "cut -d' ' -f2 /proc/mounts | grep /mnt/nvme; for d in $NVME $NVME_MP; do basename \$(readlink /sys/bus/pci/devices/\$d/driver); done"
run setup_rolls_back_bridge $x setup $ROOTPORT
run rootport_after_rollback sh -c "basename \$(readlink /sys/bus/pci/devices/$ROOTPORT/driver); cat /sys/bus/pci/devices/$ROOTPORT/driver_override; ls /run/pcie_bar_exporter/$ROOTPORT.driver 2>/dev/null || echo no-state"
EDU_GROUP=$(basename $(readlink /sys/bus/pci/devices/$EDU/iommu_group))
sleep 600 < /dev/vfio/$EDU_GROUP &
holder=$!
run restore_refused_while_held $x setup --restore $EDU
kill $holder; wait $holder
run held_pid echo "$holder"
# uio: BAR2 is uio map0 (the map index is not the BAR index); BAR0 has no map and goes through sysfs.
run restore_bochs $x setup --restore $BOCHS
run setup_uio_bochs $x setup $BOCHS --driver uio_pci_generic
run uio_bochs_bar2 $x --config.file /cfg/uio_bochs_bar2.yml --once --output json
run uio_bochs_bar0 $x --config.file /cfg/uio_bochs_bar0.yml --once --output json
run bench_paths_uio $x --config.file /cfg/bench_paths_uio.yml --once --output json
# sysfs resourceN on a device with no driver, and on the edu while vfio-pci holds it.
run sysfs_testdev $x --config.file /cfg/sysfs_testdev.yml --once --output json
# --- Issue 19 (access): one service measures both functions of a multi-function device (one
# IOMMU group, one container), a read-only run holds only r--s BAR mappings on vfio, sysfs and uio,
# sysfs on a BAR vfio-pci has claimed is refused with the reason (CONFIG_IO_STRICT_DEVMEM), and
# sysfs on a BAR a live driver owns comes with a warning. Runs while edu is on vfio-pci and
# bochs-display on uio_pci_generic.
MF0=0000:00:18.0 MF1=0000:00:18.1
run mf_groups sh -c "basename \$(readlink /sys/bus/pci/devices/$MF0/iommu_group); basename \$(readlink /sys/bus/pci/devices/$MF1/iommu_group)"
run setup_vfio_mf0 $x setup $MF0 --driver vfio-pci
run setup_vfio_mf1 $x setup $MF1 --driver vfio-pci
ifconfig lo 127.0.0.1 up
$x --config.file /cfg/readonly_service.yml --web.listen-address=127.0.0.1:9842 >/tmp/svc.out 2>/tmp/svc.err &
svc=$!
run service_ready sh -c 'for i in $(seq 1 120); do wget -q -O /dev/null http://127.0.0.1:9842/-/ready 2>/dev/null && break; sleep 1; done; wget -q -O- http://127.0.0.1:9842/metrics | grep "^pcie_bar_device_up"'
run service_maps sh -c "grep -E 'resource|uio|vfio' /proc/$svc/maps"
run sysfs_on_claimed_bar $x --once --output json --backend sysfs $MF0
run sysfs_driver_owned $x --once --output json --backend sysfs $EDU
kill $svc; wait $svc
run service_log cat /tmp/svc.err
# --- end of issue 19 (access) block
run restore_edu $x setup --restore $EDU
run driver_after_restore sh -c "basename \$(readlink /sys/bus/pci/devices/$EDU/driver 2>/dev/null) 2>/dev/null || echo none"
# sweep.budget on a real register BAR: the run is planned to the budget.
run budget_edu_sysfs $x --config.file /cfg/budget_edu.yml --once --output json
# --- Issue 19 (access): under kernel lockdown every resourceN mmap is refused (EPERM). Lockdown
# cannot be lifted once set, so this block must stay the last one before @@ALL-DONE.
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
run lockdown_on sh -c "echo integrity > /sys/kernel/security/lockdown; cat /sys/kernel/security/lockdown"
run sysfs_under_lockdown $x --once --output json --backend sysfs $TESTDEV
# --- end of issue 19 (access) lockdown block
echo "@@ALL-DONE"
poweroff -f
