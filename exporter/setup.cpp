#include "exporter/setup.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_error.h"
#include "core/bar.h"
#include "core/pci_address.h"
#include "core/pci_sysfs.h"

namespace pcie_bar {

namespace fs = std::filesystem;

namespace {

class Binder {
 public:
  Binder(const SetupOptions& o, std::ostream& out) : o_(o), out_(out), sysfs_(o.sysfs_root) {}

  void bind();
  void restore();

 private:
  std::string dev_dir() const { return sysfs_.device_dir(o_.address); }
  std::string state_file() const { return o_.state_dir + "/" + o_.address + ".driver"; }
  void write(const std::string& path, const std::string& value) const;
  void require_present() const;
  void refuse_if_in_use() const;
  void refuse_if_group_not_viable(const std::string& group) const;
  void load_module() const;
  void remember_driver(const std::string& current) const;
  void bind_to(const std::string& driver) const;
  void explain_access(const std::string& group) const;

  const SetupOptions& o_;
  std::ostream& out_;
  PciSysfs sysfs_;
};

[[noreturn]] void refuse(const std::string& why) { throw DeviceError("setup: " + why); }

void Binder::write(const std::string& path, const std::string& value) const {
  if (o_.verbose) out_ << "  echo " << (value.empty() ? "''" : value) << " > " << path << "\n";
  std::ofstream f(path);
  f << value << "\n";
  f.flush();
  if (!f) refuse("cannot write '" + value + "' to " + path + ": " + std::strerror(errno));
}

void Binder::require_present() const {
  if (!sysfs_.exists(o_.address)) refuse("no PCI device " + o_.address + " (not in " + o_.sysfs_root + "/bus/pci/devices)");
}

// A device carrying a mounted file system, or the boot console, must not lose its driver.
void Binder::refuse_if_in_use() const {
  std::string driver = sysfs_.driver(o_.address);
  if (read_text(dev_dir() + "/boot_vga").value_or("0") == "1" && !driver.empty())
    refuse(o_.address + " is the boot VGA device, driven by " + driver + " (the console); refusing to unbind it");
  std::vector<std::string> disks;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dev_dir(), ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec || it.depth() > 4) { it.disable_recursion_pending(); continue; }
    if (it->path().filename() == "block" && it->is_directory(ec))
      for (const auto& b : fs::directory_iterator(it->path(), ec)) disks.push_back(b.path().filename());
    if (it->is_symlink(ec)) it.disable_recursion_pending();
  }
  std::ifstream mounts(o_.mounts_file);
  for (std::string source, target, rest; mounts >> source >> target && std::getline(mounts, rest);) {
    for (const auto& disk : disks)
      if (source.rfind("/dev/" + disk, 0) == 0)
        refuse(o_.address + " carries " + source + ", mounted on " + target + "; refusing to unbind it");
  }
}

void Binder::refuse_if_group_not_viable(const std::string& group) const {
  std::string blockers;
  for (const auto& dev : sysfs_.group_devices(group)) {
    std::string drv = sysfs_.driver(dev);
    if (dev == o_.address || drv.empty() || drv == "vfio-pci" || drv == "pcieport") continue;
    blockers += (blockers.empty() ? "" : ", ") + dev + " (" + drv + ")";
  }
  if (!blockers.empty())
    refuse("IOMMU group " + group + " also holds " + blockers + "; bind those to vfio-pci or unbind them first");
}

void Binder::load_module() const {
  const std::string drv_dir = o_.sysfs_root + "/bus/pci/drivers/" + o_.driver;
  if (access(drv_dir.c_str(), F_OK) == 0) return;
  if (o_.verbose) out_ << "  modprobe " << o_.driver << "\n";
  pid_t pid = fork();
  if (pid == 0) {
    execlp("modprobe", "modprobe", o_.driver.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (pid > 0) waitpid(pid, &status, 0);
  if (access(drv_dir.c_str(), F_OK) != 0)
    refuse("driver " + o_.driver + " is not loaded and 'modprobe " + o_.driver + "' did not load it");
}

void Binder::remember_driver(const std::string& current) const {
  if (access(state_file().c_str(), F_OK) == 0) return;  // set up before: keep the first original
  fs::create_directories(o_.state_dir);
  std::ofstream(state_file()) << current << "\n";
}

void Binder::bind_to(const std::string& driver) const {
  write(dev_dir() + "/driver_override", driver);
  if (!sysfs_.driver(o_.address).empty()) write(dev_dir() + "/driver/unbind", o_.address);
  if (driver.empty()) return;
  write(o_.sysfs_root + "/bus/pci/drivers/" + driver + "/bind", o_.address);
  if (sysfs_.driver(o_.address) != driver) refuse("binding " + o_.address + " to " + driver + " did not take effect (see dmesg)");
}

void Binder::explain_access(const std::string& group) const {
  if (o_.driver == "vfio-pci") {
    out_ << "Device node: /dev/vfio/" << group << " (with /dev/vfio/vfio)\n";
    std::string others;
    for (const auto& d : sysfs_.group_devices(group))
      if (d != o_.address) others += " " + d;
    out_ << "Other devices in IOMMU group " << group << ":" << (others.empty() ? " none" : others) << "\n";
    out_ << "For a non-root user: read/write on /dev/vfio/vfio and /dev/vfio/" << group
         << " (udev: SUBSYSTEM==\"vfio\", GROUP=\"vfio\", MODE=\"0660\"); in a container: --device /dev/vfio/vfio "
            "--device /dev/vfio/" << group << "\n";
  } else {
    std::string node;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dev_dir() + "/uio", ec)) node = e.path().filename();
    out_ << "Device node: /dev/" << (node.empty() ? "uio?" : node) << "\n";
    out_ << "For a non-root user: read/write on /dev/" << (node.empty() ? "uioN" : node)
         << " (udev: SUBSYSTEM==\"uio\", GROUP=\"uio\", MODE=\"0660\")\n";
  }
}

void Binder::bind() {
  require_present();
  std::string current = sysfs_.driver(o_.address), group = sysfs_.iommu_group(o_.address);
  if (o_.driver == "vfio-pci" && group.empty())
    refuse(o_.address + " has no IOMMU group: the IOMMU is off; boot with intel_iommu=on (or amd_iommu=on) and "
           "enable VT-d/AMD-Vi in the firmware");
  if (current == o_.driver) {
    out_ << o_.address << " is already bound to " << o_.driver << "\n";
    explain_access(group);
    return;
  }
  refuse_if_in_use();
  if (o_.driver == "vfio-pci") refuse_if_group_not_viable(group);
  load_module();
  remember_driver(current);
  bind_to(o_.driver);
  out_ << o_.address << " bound to " << o_.driver << " (was: " << (current.empty() ? "no driver" : current)
       << "; undo with: pcie_bar_exporter setup --restore " << o_.address << ")\n";
  explain_access(group);
}

void Binder::restore() {
  require_present();
  auto original = read_text(state_file());
  if (!original) refuse("nothing to restore for " + o_.address + " (no " + state_file() + ")");
  write(dev_dir() + "/driver_override", "");
  if (!sysfs_.driver(o_.address).empty()) write(dev_dir() + "/driver/unbind", o_.address);
  if (!original->empty()) {
    write(o_.sysfs_root + "/bus/pci/drivers/" + *original + "/bind", o_.address);
    if (sysfs_.driver(o_.address) != *original) refuse("rebinding " + o_.address + " to " + *original + " did not take effect");
  }
  fs::remove(state_file());
  out_ << o_.address << " restored to " << (original->empty() ? "no driver" : *original) << "\n";
}

}  // namespace

SetupOptions parse_setup_cli(const std::vector<std::string>& args) {
  SetupOptions o;
  std::string address;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--restore") o.restore = true;
    else if (a == "-v" || a == "--verbose") o.verbose = true;
    else if (a == "--driver" && i + 1 < args.size()) o.driver = args[++i];
    else if (a.rfind("--driver=", 0) == 0) o.driver = a.substr(9);
    else if (!a.empty() && a[0] != '-' && address.empty()) address = a;
    else throw ConfigError("setup: unexpected argument '" + a + "' (usage: setup ADDR [--driver vfio-pci|uio_pci_generic] [-v] | setup --restore ADDR)");
  }
  if (address.empty()) throw ConfigError("setup: which device? (usage: setup ADDR [--driver vfio-pci|uio_pci_generic] [-v])");
  auto canonical = canonical_pci_address(address);
  if (!canonical) throw ConfigError("setup: '" + address + "' is not a PCI address (e.g. 0000:22:00.0 or 22:00.0)");
  o.address = *canonical;
  if (o.driver != "vfio-pci" && o.driver != "uio_pci_generic")
    throw ConfigError("setup: --driver '" + o.driver + "' is not vfio-pci or uio_pci_generic");
  return o;
}

void run_setup(const SetupOptions& options, std::ostream& out) {
  Binder b(options, out);
  if (options.restore) b.restore();
  else b.bind();
}

}  // namespace pcie_bar
