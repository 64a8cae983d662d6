#include "core/pci_sysfs.h"

#include "core/pci_names.h"
#include "core/timing_cpu.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pcie_bar {

namespace {

std::string link_basename(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string target(buf, static_cast<size_t>(n));
  return target.substr(target.rfind('/') + 1);
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  std::error_code ec;  // a directory that is missing or unreadable lists as empty
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) out.push_back(entry.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<unsigned> read_unsigned(const std::string& path) {
  auto t = read_text(path);
  if (!t) return std::nullopt;
  try {
    std::size_t used = 0;
    unsigned long v = std::stoul(*t, &used, 0);
    if (used == 0) return std::nullopt;
    return static_cast<unsigned>(v);
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  return t;
}

std::optional<double> parse_link_speed(const std::string& text) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used == 0 || text.find("GT/s") == std::string::npos) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<uint64_t> parse_aer_total(const std::string& text) {
  std::istringstream lines(text);
  uint64_t sum = 0, total = 0;
  bool any = false, has_total = false;
  for (std::string name; lines >> name;) {
    uint64_t n = 0;
    if (!(lines >> n)) return std::nullopt;
    any = true;
    if (name.rfind("TOTAL_ERR_", 0) == 0)
      has_total = true, total = n;
    else
      sum += n;
  }
  if (!any) return std::nullopt;
  return has_total ? total : sum;
}

bool PciSysfs::exists(const std::string& address) const { return access(device_dir(address).c_str(), F_OK) == 0; }

std::string PciSysfs::driver(const std::string& address) const {
  return link_basename(device_dir(address) + "/driver");
}

std::string PciSysfs::iommu_group(const std::string& address) const {
  return link_basename(device_dir(address) + "/iommu_group");
}

std::vector<std::string> PciSysfs::group_devices(const std::string& group) const {
  return list_dir(root_ + "/kernel/iommu_groups/" + group + "/devices");
}

bool PciSysfs::iommu_enabled() const { return !list_dir(root_ + "/kernel/iommu_groups").empty(); }

std::string PciSysfs::lockdown_mode() const {
  auto t = read_text(root_ + "/kernel/security/lockdown");  // "none [integrity] confidentiality"
  if (!t) return "";
  auto open = t->find('['), close = t->find(']');
  return open != std::string::npos && close > open ? t->substr(open + 1, close - open - 1) : "";
}

std::string PciSysfs::reset_methods(const std::string& address) const {
  return read_text(device_dir(address) + "/reset_method").value_or("");
}

std::vector<PciResource> PciSysfs::resources(const std::string& address) const {
  std::vector<PciResource> out;
  std::ifstream in(device_dir(address) + "/resource");
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string s, e, fl;
    f >> s >> e >> fl;
    PciResource r;
    try {
      r = {std::stoull(s, nullptr, 16), std::stoull(e, nullptr, 16), std::stoull(fl, nullptr, 16)};
    } catch (...) {
    }
    out.push_back(r);
  }
  return out;
}

PciInfo PciSysfs::info(const std::string& address) const {
  const std::string dir = device_dir(address);
  PciInfo i;
  i.vendor_id = read_text(dir + "/vendor").value_or("");
  i.device_id = read_text(dir + "/device").value_or("");
  i.subsystem_vendor_id = read_text(dir + "/subsystem_vendor").value_or("");
  i.subsystem_device_id = read_text(dir + "/subsystem_device").value_or("");
  i.class_code = read_text(dir + "/class").value_or("");
  i.revision = read_text(dir + "/revision").value_or("");
  PciNames names = lookup_pci_names(i.vendor_id, i.device_id);
  i.vendor_name = names.vendor;
  i.device_name = names.device;
  i.driver = driver(address);
  i.iommu_group = iommu_group(address);
  if (auto t = read_text(dir + "/current_link_speed")) i.link.current_speed_gts = parse_link_speed(*t);
  if (auto t = read_text(dir + "/max_link_speed")) i.link.max_speed_gts = parse_link_speed(*t);
  i.link.current_width = read_unsigned(dir + "/current_link_width");
  i.link.max_width = read_unsigned(dir + "/max_link_width");
  if (i.link.current_width == 0u) i.link.current_width.reset();  // "0": no link (conventional PCI)
  if (i.link.max_width == 0u) i.link.max_width.reset();
  auto cor = read_text(dir + "/aer_dev_correctable"), nf = read_text(dir + "/aer_dev_nonfatal"),
       fat = read_text(dir + "/aer_dev_fatal");
  if (cor && nf && fat) {
    i.aer = AerCounters{parse_aer_total(*cor).value_or(0), parse_aer_total(*nf).value_or(0),
                        parse_aer_total(*fat).value_or(0)};
  }
  // The command register (config space offset 4): bit 1 enables memory decoding.
  std::ifstream config(dir + "/config", std::ios::binary);
  unsigned char cmd[6] = {};
  if (config && config.read(reinterpret_cast<char*>(cmd), 6)) i.memory_decoding = (cmd[4] & 0x2) != 0;
  return i;
}

std::optional<int> PciSysfs::numa_node(const std::string& address) const {
  auto text = read_text(device_dir(address) + "/numa_node");
  if (!text) return std::nullopt;
  try {
    int node = std::stoi(*text);
    return node >= 0 ? std::optional<int>(node) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<int> PciSysfs::local_cpus(const std::string& address) const {
  auto text = read_text(device_dir(address) + "/local_cpulist");
  if (!text) return {};
  return parse_cpu_list(*text).value_or(std::vector<int>{});
}

}  // namespace pcie_bar
