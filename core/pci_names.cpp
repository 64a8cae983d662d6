#include "core/pci_names.h"

#include <mutex>

extern "C" {
#include <pci/pci.h>
}

namespace pcie_bar {

namespace {

// pci.ids only: no udev hwdb (which would open a udev context), no numeric fallback.
constexpr int kFlags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;

// libpci reports a missing or broken pci.ids through this hook; names then stay empty.
void quiet(char*, ...) {}

}  // namespace

PciNames lookup_pci_names(const std::string& vendor_id, const std::string& device_id) {
  static std::mutex mu;  // the name cache inside pci_access is not thread-safe
  static pci_access* access = [] {
    pci_access* a = pci_alloc();  // no pci_init(): names only
    a->warning = quiet;
    a->debug = quiet;
    return a;
  }();
  PciNames names;
  unsigned vendor = 0, device = 0;
  try {
    vendor = static_cast<unsigned>(std::stoul(vendor_id, nullptr, 16));
    device = static_cast<unsigned>(std::stoul(device_id, nullptr, 16));
  } catch (...) {
    return names;
  }
  std::lock_guard lock(mu);
  char buf[256];
  if (const char* v = pci_lookup_name(access, buf, sizeof buf, PCI_LOOKUP_VENDOR | kFlags, vendor)) names.vendor = v;
  if (const char* d = pci_lookup_name(access, buf, sizeof buf, PCI_LOOKUP_DEVICE | kFlags, vendor, device))
    names.device = d;
  return names;
}

}  // namespace pcie_bar
