#!/usr/bin/env bash
# Gathers, on a real Linux machine, exactly the dumps `checker import` and `checker validate` read:
#
#   lspci-tree.txt     lspci -tvnn                          (--lspci: domains, buses, bridges, functions, PCI IDs)
#   lspci-verbose.txt  lspci -vvvnnk                        (--lspci again: PCIe types, ACS, SR-IOV, drivers in use)
#   iommu-groups.txt   find /sys/kernel/iommu_groups/ -type l  (--iommu-groups: the kernel's groups)
#   dmesg.txt          dmesg                                (--dmesg: driver order, group lines, SR-IOV time)
#
# Run it as root: lspci shows the ACS and SR-IOV capabilities only to root, and dmesg may be
# restricted (kernel.dmesg_restrict). Run it soon after boot, before the kernel's ring buffer has
# overwritten the boot lines. Nothing is sent anywhere; the files are plain text to read first.
#
# Usage: sudo scripts/collect-machine.sh [DIR]     (default DIR: ./checker-dumps-HOSTNAME)
# Then, on any machine with checker:
#   checker import --lspci DIR/lspci-tree.txt --lspci DIR/lspci-verbose.txt \
#       --dmesg DIR/dmesg.txt --iommu-groups DIR/iommu-groups.txt -o my-machine.yaml
#   checker validate my-machine.yaml --iommu-groups DIR/iommu-groups.txt
set -euo pipefail

dir=${1:-checker-dumps-$(hostname -s 2>/dev/null || echo machine)}

if ! command -v lspci >/dev/null 2>&1; then
  echo "collect-machine: lspci not found: install pciutils (apt-get install pciutils, dnf install pciutils)" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "collect-machine: run as root (sudo $0 ${1:-}): lspci hides ACS and SR-IOV capabilities from other users" >&2
  exit 2
fi
if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
  echo "collect-machine: $dir exists and is not empty; give another directory" >&2
  exit 2
fi
mkdir -p "$dir"

lspci -tvnn > "$dir/lspci-tree.txt"
lspci -vvvnnk > "$dir/lspci-verbose.txt"
if [ -d /sys/kernel/iommu_groups ]; then
  find /sys/kernel/iommu_groups/ -type l > "$dir/iommu-groups.txt"
else
  : > "$dir/iommu-groups.txt"
fi
dmesg > "$dir/dmesg.txt"

# What the dumps cannot say, for the import's --arch and --firmware.
case "$(uname -m)" in
  aarch64) arch=arm64 ;;
  armv7l | armv6l | arm*) arch=arm ;;
  x86_64 | i?86) arch=x86 ;;
  *) arch="$(uname -m)" ;;
esac
if [ -d /sys/firmware/acpi/tables ]; then firmware=acpi; else firmware=dt; fi

echo "collect-machine: wrote $dir/{lspci-tree,lspci-verbose,iommu-groups,dmesg}.txt (kernel $(uname -r), $arch, $firmware)"
if [ ! -s "$dir/iommu-groups.txt" ]; then
  echo "collect-machine: note: no IOMMU groups (no IOMMU, or it is off: intel_iommu=on / iommu.passthrough)" >&2
fi
if ! grep -q "iommu group" "$dir/dmesg.txt"; then
  echo "collect-machine: note: dmesg has no 'Adding to iommu group' line: the boot lines may have been overwritten; reboot and run again early" >&2
fi
echo "next: checker import --lspci $dir/lspci-tree.txt --lspci $dir/lspci-verbose.txt --dmesg $dir/dmesg.txt --iommu-groups $dir/iommu-groups.txt --arch $arch --firmware $firmware -o my-machine.yaml"
