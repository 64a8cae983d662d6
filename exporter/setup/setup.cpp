#include "exporter/setup/setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "config/config_error.h"
#include "core/bar.h"
#include "core/errno_text.h"
#include "core/pci_address.h"
#include "core/pci_sysfs.h"

namespace pcie_bar {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& why) { throw DeviceError("setup: " + why); }

// ---- Reading the host: sysfs links, /proc ----

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

std::string canonical_or_empty(const std::string& path) {
  std::error_code ec;
  auto p = fs::canonical(path, ec);
  return ec ? "" : p.string();
}

bool is_beneath(const std::string& path, const std::string& dir) {
  return !path.empty() && !dir.empty() && path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

std::string link_target(const std::string& path) {
  std::error_code ec;
  auto t = fs::read_symlink(path, ec);
  return ec ? "" : t.string();
}

// A path as the host's /dev resolves it (/dev/mapper/vg-root -> /dev/dm-0); unchanged when it
// does not exist here (a fake tree's names).
std::string resolved_dev_path(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

// /proc files escape blanks in paths as \040 (and tabs, newlines, backslashes likewise).
std::string unescape_octal(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s.find_first_not_of("01234567", i + 1) >= i + 4) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Process {
  std::string pid, comm;
  std::vector<std::string> fd_links;    // /proc/PID/fd/N paths (stat() reaches the open file)
  std::vector<std::string> fd_targets;  // what they point at: "/dev/vfio/5", "anon_inode:[vfio-device]"
  std::vector<std::string> mapped;      // file names in /proc/PID/maps
  std::string name() const { return "pid " + pid + " (" + comm + ")"; }
};

std::vector<Process> processes(const std::string& proc_root) {
  std::vector<Process> out;
  for (const auto& pid : entries(proc_root)) {
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    Process p{pid, read_text(proc_root + "/" + pid + "/comm").value_or("?"), {}, {}, {}};
    for (const auto& fd : entries(proc_root + "/" + pid + "/fd")) {
      p.fd_links.push_back(proc_root + "/" + pid + "/fd/" + fd);
      p.fd_targets.push_back(link_target(p.fd_links.back()));
    }
    std::ifstream maps(proc_root + "/" + pid + "/maps");
    for (std::string line; std::getline(maps, line);) {
      std::istringstream f(line);
      std::string range, perms, offset, dev, inode, path;
      if (f >> range >> perms >> offset >> dev >> inode && std::getline(f >> std::ws, path) && !path.empty())
        p.mapped.push_back(path);
    }
    out.push_back(std::move(p));
  }
  return out;
}

// ---- What the host depends on beneath a PCI device ----

struct BlockDevice {
  std::string name, dev;  // "nvme0n1", "259:0"
  std::string built_on;   // for a holder (dm-0, md0): the devices beneath it, "md0 on nvme0n1p1"
  std::string mapper;     // dm's name: /dev/mapper/<mapper>
  std::string describe() const { return name + (built_on.empty() ? "" : " (on " + built_on + ")"); }
  bool is(const std::string& dev_path) const {
    std::string p = resolved_dev_path(dev_path);
    return p == "/dev/" + name || (!mapper.empty() && p == "/dev/mapper/" + mapper);
  }
};

class HostDependencies {
 public:
  HostDependencies(const SetupOptions& o, const std::string& device_dir)
      : o_(o), device_(canonical_or_empty(device_dir)), block_(o.sysfs_root + "/class/block") {}

  // The first reason the host needs the device, or empty.
  std::string find() const {
    std::vector<BlockDevice> disks = block_devices();
    for (auto check : {&HostDependencies::mounted, &HostDependencies::swapped, &HostDependencies::opened}) {
      std::string why = (this->*check)(disks);
      if (!why.empty()) return why;
    }
    return default_route_interface();
  }

 private:
  // Block devices whose sysfs node sits beneath the PCI device (disks, partitions, NVMe
  // namespaces) or beneath an NVMe subsystem one of its controllers belongs to (multipath
  // heads live in /sys/devices/virtual/nvme-subsystem), then their holders, recursively.
  std::vector<BlockDevice> block_devices() const {
    std::vector<std::string> roots{device_};
    const std::string subsystems = o_.sysfs_root + "/devices/virtual/nvme-subsystem";
    for (const auto& s : entries(subsystems))
      for (const auto& e : entries(subsystems + "/" + s))
        if (is_beneath(canonical_or_empty(subsystems + "/" + s + "/" + e), device_))
          roots.push_back(canonical_or_empty(subsystems + "/" + s));
    std::vector<BlockDevice> out;
    for (const auto& name : entries(block_))
      for (const auto& root : roots)
        if (is_beneath(canonical_or_empty(block_ + "/" + name), root)) {
          add_with_holders(name, "", out);
          break;
        }
    return out;
  }

  void add_with_holders(const std::string& name, const std::string& built_on, std::vector<BlockDevice>& out) const {
    for (const auto& b : out)
      if (b.name == name) return;
    auto dev = read_text(block_ + "/" + name + "/dev");
    if (!dev) return;  // a hidden multipath path (nvme0c0n1) has no device node
    out.push_back({name, *dev, built_on, read_text(block_ + "/" + name + "/dm/name").value_or("")});
    const std::string chain = name + (built_on.empty() ? "" : " on " + built_on);
    for (const auto& holder : entries(block_ + "/" + name + "/holders")) add_with_holders(holder, chain, out);
  }

  // mountinfo's third field is the file system's major:minor, whatever name the source has
  // (/dev/mapper/..., /dev/disk/by-uuid/...); the source is compared too, for file systems
  // (btrfs) that report an anonymous device there.
  std::string mounted(const std::vector<BlockDevice>& disks) const {
    std::ifstream in(o_.proc_root + "/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
      std::istringstream f(line);
      std::string id, parent, dev, root, target, word, fstype, source;
      if (!(f >> id >> parent >> dev >> root >> target)) continue;
      while (f >> word && word != "-") {
      }
      f >> fstype >> source;
      for (const auto& d : disks)
        if (d.dev == dev || d.is(unescape_octal(source)))
          return "carries " + d.describe() + ", mounted on " + unescape_octal(target);
    }
    return "";
  }

  std::string swapped(const std::vector<BlockDevice>& disks) const {
    std::ifstream in(o_.proc_root + "/swaps");
    std::string line;
    std::getline(in, line);  // header
    for (std::string file; in >> file && std::getline(in, line);)
      for (const auto& d : disks)
        if (d.is(unescape_octal(file))) return "carries " + d.describe() + ", used as swap";
    return "";
  }

  // A process holding the block device open (a database on a raw device, an iSCSI target, a VM).
  std::string opened(const std::vector<BlockDevice>& disks) const {
    if (disks.empty()) return "";
    for (const auto& p : processes(o_.proc_root))
      for (std::size_t i = 0; i < p.fd_links.size(); ++i) {
        struct stat st {};
        std::string rdev;
        if (stat(p.fd_links[i].c_str(), &st) == 0 && S_ISBLK(st.st_mode))
          rdev = std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
        for (const auto& d : disks)
          if (d.dev == rdev || d.is(p.fd_targets[i])) return "carries " + d.describe() + ", open in " + p.name();
      }
    return "";
  }

  // The interface a default route leaves through, when it or a bridge/bond/VLAN built on it
  // belongs to the device.
  std::string default_route_interface() const {
    const std::string net = o_.sysfs_root + "/class/net";
    std::vector<std::string> ours;
    for (const auto& name : entries(net))
      if (is_beneath(canonical_or_empty(net + "/" + name), device_)) add_with_uppers(net, name, ours);
    for (const auto& iface : default_route_interfaces())
      if (std::find(ours.begin(), ours.end(), iface) != ours.end())
        return "carries network interface " + iface + ", which holds the default route";
    return "";
  }

  void add_with_uppers(const std::string& net, const std::string& name, std::vector<std::string>& out) const {
    if (std::find(out.begin(), out.end(), name) != out.end()) return;
    out.push_back(name);
    for (const auto& e : entries(net + "/" + name))
      if (e.rfind("upper_", 0) == 0) add_with_uppers(net, e.substr(6), out);
  }

  std::vector<std::string> default_route_interfaces() const {
    constexpr unsigned long kUp = 0x1, kReject = 0x200;  // RTF_UP, RTF_REJECT
    std::vector<std::string> out;
    std::ifstream v4(o_.proc_root + "/net/route");
    std::string line;
    std::getline(v4, line);  // header
    while (std::getline(v4, line)) {
      std::istringstream f(line);
      std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
      if (f >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask && dest == "00000000" &&
          mask == "00000000" && (std::stoul(flags, nullptr, 16) & kUp))
        out.push_back(iface);
    }
    std::ifstream v6(o_.proc_root + "/net/ipv6_route");
    while (std::getline(v6, line)) {
      std::istringstream f(line);
      std::string dest, plen, src, splen, next_hop, metric, refcnt, use, flags, iface;
      if (f >> dest >> plen >> src >> splen >> next_hop >> metric >> refcnt >> use >> flags >> iface &&
          dest == std::string(32, '0') && plen == "00" && iface != "lo" &&
          (std::stoul(flags, nullptr, 16) & (kUp | kReject)) == kUp)
        out.push_back(iface);
    }
    return out;
  }

  const SetupOptions& o_;
  std::string device_, block_;
};

// ---- Binding ----

void write_attribute(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category());
  const std::string line = value + "\n";
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size())) throw std::system_error(n < 0 ? err : EIO, std::generic_category());
}

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
  void refuse_if_host_depends_on_it() const;
  void refuse_if_open(const std::string& action) const;
  std::string process_holding_it() const;
  void refuse_if_group_not_viable(const std::string& group) const;
  void load_module() const;
  bool remember_driver(const std::string& current) const;
  void bind_to(const std::string& driver) const;
  std::string roll_back(const std::string& previous, bool forget) const;
  void explain_access(const std::string& group) const;

  const SetupOptions& o_;
  std::ostream& out_;
  PciSysfs sysfs_;
};

void Binder::write(const std::string& path, const std::string& value) const {
  if (o_.verbose) out_ << "  echo " << (value.empty() ? "''" : value) << " > " << path << "\n";
  try {
    if (o_.sysfs_writer)
      o_.sysfs_writer(path, value);
    else
      write_attribute(path, value);
  } catch (const std::system_error& e) {
    refuse("cannot write '" + value + "' to " + path + ": " + errno_text(e.code().value()));
  }
}

void Binder::require_present() const {
  if (!sysfs_.exists(o_.address))
    refuse("no PCI device " + o_.address + " (not in " + o_.sysfs_root + "/bus/pci/devices)");
}

// Unbinding the driver takes away whatever the host runs on the device: its disks (and the
// dm/md devices on them), its network interface, its console.
void Binder::refuse_if_host_depends_on_it() const {
  std::string driver = sysfs_.driver(o_.address);
  if (read_text(dev_dir() + "/boot_vga").value_or("0") == "1" && !driver.empty())
    refuse(o_.address + " is the boot VGA device, driven by " + driver + " (the console); refusing to unbind it");
  std::string why = HostDependencies(o_, dev_dir()).find();
  if (!why.empty()) refuse(o_.address + " " + why + "; the host depends on it, refusing to unbind it");
}

// Who has the device itself open: the vfio group (or a vfio device fd whose group the process
// no longer holds, so it may be this one), its uio node, or its sysfs resourceN files.
std::string Binder::process_holding_it() const {
  const std::string driver = sysfs_.driver(o_.address), group = sysfs_.iommu_group(o_.address);
  const std::string resource_prefix = canonical_or_empty(dev_dir()) + "/resource";
  std::vector<std::string> uio_nodes;
  for (const auto& n : entries(dev_dir() + "/uio")) uio_nodes.push_back("/dev/" + n);
  for (const auto& p : processes(o_.proc_root)) {
    bool holds_a_group = false, holds_a_vfio_device = false;
    for (const auto& t : p.fd_targets) {
      if (!group.empty() && t == "/dev/vfio/" + group) return p.name() + " has /dev/vfio/" + group + " open";
      if (std::find(uio_nodes.begin(), uio_nodes.end(), t) != uio_nodes.end()) return p.name() + " has " + t + " open";
      if (t.rfind(resource_prefix, 0) == 0) return p.name() + " has " + t + " open";
      holds_a_group |= t.rfind("/dev/vfio/", 0) == 0 && t != "/dev/vfio/vfio";
      holds_a_vfio_device |= t == "anon_inode:[vfio-device]";
    }
    for (const auto& m : p.mapped) {
      if (std::find(uio_nodes.begin(), uio_nodes.end(), m) != uio_nodes.end()) return p.name() + " maps " + m;
      if (m.rfind(resource_prefix, 0) == 0) return p.name() + " maps " + m;
      holds_a_vfio_device |= m == "anon_inode:[vfio-device]";
    }
    if (driver == "vfio-pci" && holds_a_vfio_device && !holds_a_group)
      return p.name() + " holds a vfio device whose group it has closed (it may be this one)";
  }
  return "";
}

void Binder::refuse_if_open(const std::string& action) const {
  std::string who = process_holding_it();
  if (!who.empty())
    refuse(o_.address + " is in use: " + who + "; stop that process first (" + action +
           " under it would block in "
           "the kernel with vfio, or leave its uio/sysfs mapping live on the device)");
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

// True when this call wrote the file (a device set up before keeps its first original).
bool Binder::remember_driver(const std::string& current) const {
  if (access(state_file().c_str(), F_OK) == 0) return false;
  fs::create_directories(o_.state_dir);
  std::ofstream(state_file()) << current << "\n";
  return true;
}

void Binder::bind_to(const std::string& driver) const {
  write(dev_dir() + "/driver_override", driver);
  if (!sysfs_.driver(o_.address).empty()) write(dev_dir() + "/driver/unbind", o_.address);
  if (driver.empty()) return;
  write(o_.sysfs_root + "/bus/pci/drivers/" + driver + "/bind", o_.address);
  if (sysfs_.driver(o_.address) != driver)
    refuse("binding " + o_.address + " to " + driver + " did not take effect (see dmesg)");
}

// After a failed bind: clears the override and binds the driver the device had before; returns
// what the operator reads after the error.
std::string Binder::roll_back(const std::string& previous, bool forget) const {
  const std::string was = previous.empty() ? "no driver" : previous;
  try {
    write(dev_dir() + "/driver_override", "");
    std::string now = sysfs_.driver(o_.address);
    if (!now.empty() && now != previous) write(dev_dir() + "/driver/unbind", o_.address);
    if (!previous.empty() && sysfs_.driver(o_.address) != previous)
      write(o_.sysfs_root + "/bus/pci/drivers/" + previous + "/bind", o_.address);
    if (sysfs_.driver(o_.address) == previous) {
      if (forget) fs::remove(state_file());
      return "rolled back: " + o_.address + " is bound to " + was + " again";
    }
  } catch (const DeviceError& e) {
    return std::string("rolling back to ") + was + " failed too (" + e.what() +
           "); recover with "
           "'pcie_bar_exporter setup --restore " +
           o_.address + "' (original driver: " + was + ")";
  }
  return "rolling back to " + was + " did not take effect; recover with 'pcie_bar_exporter setup --restore " +
         o_.address + "' (original driver: " + was + ")";
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
            "--device /dev/vfio/"
         << group << "\n";
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
    refuse(o_.address +
           " has no IOMMU group: the IOMMU is off; enable VT-d/AMD-Vi in the firmware and, on Intel, "
           "boot with intel_iommu=on (AMD-Vi is on by default unless amd_iommu=off or iommu=off is given)");
  if (current == o_.driver) {
    out_ << o_.address << " is already bound to " << o_.driver << "\n";
    explain_access(group);
    return;
  }
  refuse_if_host_depends_on_it();
  refuse_if_open("rebinding");
  if (o_.driver == "vfio-pci") refuse_if_group_not_viable(group);
  load_module();
  bool remembered_now = remember_driver(current);
  try {
    bind_to(o_.driver);
  } catch (const DeviceError& e) {
    throw DeviceError(std::string(e.what()) + "; " + roll_back(current, remembered_now));
  }
  out_ << o_.address << " bound to " << o_.driver << " (was: " << (current.empty() ? "no driver" : current)
       << "; undo with: pcie_bar_exporter setup --restore " << o_.address << ")\n";
  explain_access(group);
}

void Binder::restore() {
  require_present();
  auto original = read_text(state_file());
  if (!original) refuse("nothing to restore for " + o_.address + " (no " + state_file() + ")");
  refuse_if_open("restoring");
  write(dev_dir() + "/driver_override", "");
  if (!sysfs_.driver(o_.address).empty()) write(dev_dir() + "/driver/unbind", o_.address);
  if (!original->empty()) {
    write(o_.sysfs_root + "/bus/pci/drivers/" + *original + "/bind", o_.address);
    if (sysfs_.driver(o_.address) != *original)
      refuse("rebinding " + o_.address + " to " + *original + " did not take effect");
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
    if (a == "-h" || a == "--help")
      o.help = true;
    else if (a == "--restore")
      o.restore = true;
    else if (a == "-v" || a == "--verbose")
      o.verbose = true;
    else if (a == "--driver" && i + 1 < args.size())
      o.driver = args[++i];
    else if (a.rfind("--driver=", 0) == 0)
      o.driver = a.substr(9);
    else if (!a.empty() && a[0] != '-' && address.empty())
      address = a;
    else
      throw ConfigError("setup: unexpected argument '" + a +
                        "' (usage: setup ADDR [--driver vfio-pci|uio_pci_generic] [-v] | setup --restore ADDR)");
  }
  if (o.help) return o;
  if (address.empty())
    throw ConfigError("setup: which device? (usage: setup ADDR [--driver vfio-pci|uio_pci_generic] [-v])");
  auto canonical = canonical_pci_address(address);
  if (!canonical) throw ConfigError("setup: '" + address + "' is not a PCI address (e.g. 0000:22:00.0 or 22:00.0)");
  o.address = *canonical;
  if (o.driver != "vfio-pci" && o.driver != "uio_pci_generic")
    throw ConfigError("setup: --driver '" + o.driver + "' is not vfio-pci or uio_pci_generic");
  return o;
}

const char* const kSetupUsage =
    "Binds a PCI device to the driver a backend needs, remembering its driver so it can be restored.\n"
    "Usage:\n"
    "  pcie_bar_exporter setup ADDR [--driver vfio-pci|uio_pci_generic] [-v]\n"
    "  pcie_bar_exporter setup --restore ADDR\n"
    "\n"
    "  ADDR                PCI address, 0000:22:00.0 or 22:00.0\n"
    "  --driver DRIVER     vfio-pci (default) or uio_pci_generic\n"
    "  --restore           rebind the device to the driver it had before setup\n"
    "  -v, --verbose       print every sysfs write\n"
    "  -h, --help          show this help and exit\n"
    "\n"
    "It refuses devices the host depends on (disks in use, the default route's interface, the boot\n"
    "console) and rolls a failed bind back to the original driver.\n";

void run_setup(const SetupOptions& options, std::ostream& out) {
  if (options.help) {
    out << kSetupUsage;
    return;
  }
  Binder b(options, out);
  if (options.restore)
    b.restore();
  else
    b.bind();
}

}  // namespace pcie_bar
