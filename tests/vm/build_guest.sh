#!/usr/bin/env bash
# Builds the test guest: Debian's own kernel (downloaded with apt, unpacked, never installed) and a
# busybox initramfs holding pcie_bar_exporter, its shared libraries and the vfio/uio modules.
# Usage: build_guest.sh WORKDIR BINARY PRIVATE_LIBDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$1 binary=$(realpath "$2") private_libs=$(realpath "$3")
cache=${PCIE_BAR_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pcie_bar_exporter/kernel}
mkdir -p "$work" "$cache"

# 1. The kernel package, once per machine.
if [ ! -d "$cache/pkg/boot" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$pkg" ]; then apt-get update -qq; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); fi
  # apt-get download as root warns that its sandbox user cannot write here: harmless, so it is
  # dropped; any other message is shown, and a failed download stops the build with it.
  if ! (cd "$cache" && rm -f ./*.deb && apt-get download "$pkg" 2> >(grep -v "_apt" >&2) && dpkg -x "$pkg"_*.deb pkg && rm -f ./*.deb); then
    echo "build_guest.sh: could not download or unpack the kernel package '$pkg' (see above)" >&2
    exit 1
  fi
fi
kver=$(ls "$cache/pkg/lib/modules" | head -1)
cp "$cache/pkg/boot/vmlinuz-$kver" "$work/vmlinuz"
mods=$cache/pkg/lib/modules/$kver/kernel

# 2. The root file system.
root=$work/root
rm -rf "$root" && mkdir -p "$root"/{bin,proc,sys,dev,tmp,run,mods,lib/pcie_bar_exporter,cfg}
cp /bin/busybox "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
for m in virt/lib/irqbypass drivers/vfio/vfio drivers/vfio/vfio_virqfd drivers/vfio/vfio_iommu_type1 \
         drivers/vfio/pci/vfio-pci-core drivers/vfio/pci/vfio-pci drivers/uio/uio drivers/uio/uio_pci_generic; do
  b=$(basename "$m")
  if [ -f "$mods/$m.ko" ]; then cp "$mods/$m.ko" "$root/mods/$b.ko"
  elif [ -f "$mods/$m.ko.xz" ]; then xz -dc "$mods/$m.ko.xz" > "$root/mods/$b.ko"
  else echo "build_guest.sh: kernel $kver has no module $m" >&2; exit 1; fi
done
# NVMe disks with a minix file system, for setup's refusals (nvme-core needs t10-pi and its CRCs).
for m in lib/crc64 lib/crc64-rocksoft crypto/crct10dif_common lib/crc-t10dif block/t10-pi \
         drivers/nvme/host/nvme-core drivers/nvme/host/nvme fs/minix/minix; do
  b=$(basename "$m")
  if [ -f "$mods/$m.ko" ]; then cp "$mods/$m.ko" "$root/mods/$b.ko"
  elif [ -f "$mods/$m.ko.xz" ]; then xz -dc "$mods/$m.ko.xz" > "$root/mods/$b.ko"
  else echo "build_guest.sh: kernel $kver has no module $m" >&2; exit 1; fi
done
cp "$binary" "$root/bin/pcie_bar_exporter"
cp "$private_libs"/*.so "$root/lib/pcie_bar_exporter/"   # found through the binary's RPATH
for lib in $(ldd "$binary" | grep -o '/[^ ]*'); do mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; done
cp "$here"/configs/*.yml "$root/cfg/"
cp "$here/guest_init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) > "$work/initramfs.cpio.gz"
echo "build_guest.sh: kernel $kver, initramfs $(du -h "$work/initramfs.cpio.gz" | cut -f1)"
