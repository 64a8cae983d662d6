// Real kernel drivers: boots Debian's kernel in a QEMU guest (TCG, emulated Intel IOMMU,
// emulated PCI devices), where guest_init.sh runs pcie_bar_exporter through vfio-pci,
// uio_pci_generic and sysfs; this test parses what the guest printed on its serial console.
// One boot serves every test below (ctest runs this binary as the single test `vm`).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <sstream>

#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Scenario {
  int rc = -1;
  std::string out, err;
  json doc() const { return json::parse(out); }
};

class Vm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::create_directories(kWork);
    // The host's side of ivshmem's shared RAM: random bytes, kept to compare after the guest.
    std::vector<char> bytes(1 << 20);
    std::mt19937 rng(2026);
    for (char& b : bytes) b = static_cast<char>(rng());
    std::ofstream(std::string(kWork) + "/ivshmem.bin", std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ivshmem_before_ = new std::vector<char>(bytes);

    auto build = testing::run_command(
        {"/bin/bash", std::string(kScripts) + "/build_guest.sh", kWork, PCIE_BAR_EXPORTER_BIN, kPrivateLibs});
    build_log_ = new std::string(build.out + build.err);
    if (build.exit_code != 0) return;
    // A log left by an earlier boot must not pass for this one's when QEMU fails to start.
    fs::remove(std::string(kWork) + "/serial.log");
    auto boot = testing::run_command({"/bin/bash", std::string(kScripts) + "/run_guest.sh", kWork});
    boot_rc_ = boot.exit_code;
    build_log_->append(boot.out + boot.err);  // QEMU's own complaints, shown with any failure
    std::ifstream serial(std::string(kWork) + "/serial.log");
    std::stringstream s;
    s << serial.rdbuf();
    serial_ = new std::string(s.str());
    std::erase(*serial_, '\r');
    parse(*serial_);
  }

  // Blocks "@@BEGIN name\n@@STDOUT\n...@@STDERR\n...@@END name rc=N\n", found with plain
  // searches: std::regex recurses once per character of a lazy match, and a scenario's output of
  // a few hundred KiB overflowed the stack.
  static void parse(const std::string& log) {
    scenarios_ = new std::map<std::string, Scenario>;
    for (std::size_t at = log.find("@@BEGIN "); at != std::string::npos; at = log.find("@@BEGIN ", at + 1)) {
      const std::size_t name_end = log.find('\n', at);
      if (name_end == std::string::npos) break;
      const std::string name = log.substr(at + 8, name_end - at - 8);
      const std::string out_tag = "@@STDOUT\n", err_tag = "@@STDERR\n", end_tag = "@@END " + name + " rc=";
      if (log.compare(name_end + 1, out_tag.size(), out_tag) != 0) continue;
      const std::size_t out = name_end + 1 + out_tag.size();
      const std::size_t err = log.find(err_tag, out);
      const std::size_t end = err == std::string::npos ? err : log.find(end_tag, err);
      if (end == std::string::npos) continue;  // cut short: the guest died inside this scenario
      (*scenarios_)[name] = Scenario{std::atoi(log.c_str() + end + end_tag.size()), log.substr(out, err - out),
                                     log.substr(err + err_tag.size(), end - err - err_tag.size())};
    }
  }

  static const Scenario& scenario(const std::string& name) {
    static const Scenario missing;
    if (!scenarios_ || !scenarios_->count(name)) {
      ADD_FAILURE() << "scenario " << name << " did not run; build log:\n"
                    << (build_log_ ? *build_log_ : "") << "\nserial log tail:\n"
                    << (serial_ ? serial_->substr(serial_->size() > 3000 ? serial_->size() - 3000 : 0) : "");
      return missing;
    }
    return scenarios_->at(name);
  }

  // `ram`: a RAM-like BAR, which never reads all-ones; register BARs (edu, bochs registers) do
  // at offsets with no register behind them.
  static void expect_clean_sweep(const json& device, std::size_t results, bool ram = true) {
    EXPECT_TRUE(device["error"].is_null()) << device["error"];
    EXPECT_EQ(device["results"].size(), results);
    for (const auto& r : device["results"]) {
      EXPECT_EQ(r["mismatches"], 0) << r.dump();
      if (ram) {
        EXPECT_EQ(r["all_ones_reads"], 0) << r.dump();
      }
      EXPECT_GT(r["throughput_bytes_per_second"].get<double>(), 0);
    }
  }

  static constexpr const char* kWork = PCIE_BAR_VM_WORKDIR;
  static constexpr const char* kScripts = PCIE_BAR_VM_SCRIPTS;
  static constexpr const char* kPrivateLibs = PCIE_BAR_PRIVATE_LIBDIR;
  static inline std::map<std::string, Scenario>* scenarios_ = nullptr;
  static inline std::string* build_log_ = nullptr;
  static inline std::string* serial_ = nullptr;
  static inline std::vector<char>* ivshmem_before_ = nullptr;
  static inline int boot_rc_ = -1;
};

TEST_F(Vm, GuestBootsWithTheIommuAndLoadsVfioAndUio) {
  ASSERT_TRUE(serial_) << *build_log_;
  EXPECT_EQ(boot_rc_, 0);
  EXPECT_TRUE(std::regex_search(*serial_, std::regex("@@GUEST-UP iommu_groups=[1-9]")));
  EXPECT_EQ(serial_->find("@@INSMOD-FAILED"), std::string::npos);
  EXPECT_NE(serial_->find("@@ALL-DONE"), std::string::npos);
}

TEST_F(Vm, SetupBindsToVfioAndNamesTheGroupNode) {
  const Scenario& s = scenario("setup_vfio_bochs");
  EXPECT_EQ(s.rc, 0) << s.err;
  EXPECT_NE(s.out.find("0000:00:12.0 bound to vfio-pci (was: no driver"), std::string::npos) << s.out;
  EXPECT_TRUE(std::regex_search(s.out, std::regex("Device node: /dev/vfio/[0-9]+")));
  EXPECT_NE(s.out.find("echo vfio-pci > /sys/bus/pci/devices/0000:00:12.0/driver_override"), std::string::npos);
}

TEST_F(Vm, VfioMmapSweepsARamBarCleanly) {
  const Scenario& s = scenario("vfio_mmap_bochs");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  json d = s.doc()["devices"][0];
  EXPECT_EQ(d["bar_size"], 16 << 20);
  EXPECT_NE(d["bar_description"].get<std::string>().find(", mmap"), std::string::npos) << d["bar_description"];
  expect_clean_sweep(d, 39);
  for (const auto& v : d["verify"]) EXPECT_EQ(v["status"], "ok") << v.dump();
  EXPECT_TRUE(d["window_restored"].get<bool>());
  EXPECT_EQ(d["pci"]["vendor_id"], "0x1234");
  EXPECT_EQ(d["pci"]["device_id"], "0x1111");
  EXPECT_EQ(d["pci"]["driver"], "vfio-pci");
}

TEST_F(Vm, VfioSyscallSweepsTheSameBarThroughPreadPwrite) {
  const Scenario& s = scenario("vfio_syscall_bochs");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  json d = s.doc()["devices"][0];
  EXPECT_NE(d["bar_description"].get<std::string>().find("pread/pwrite"), std::string::npos);
  expect_clean_sweep(d, 15);
  for (const auto& v : d["verify"]) EXPECT_EQ(v["status"], "ok");
}

TEST_F(Vm, AccessPathsAreMeasuredOnTheSameBarsForComparison) {
  // What scripts/bench.sh turns into mmap/syscall/uio/sysfs ratios: every path ran cleanly, with
  // the same block sizes, so the ratios compare like with like.
  const Scenario& vfio = scenario("bench_paths_vfio");
  const Scenario& uio = scenario("bench_paths_uio");
  ASSERT_EQ(vfio.rc, 0) << vfio.err;
  ASSERT_EQ(uio.rc, 0) << uio.err;
  std::map<std::string, json> devices;
  for (const Scenario* s : {&vfio, &uio}) {
    const json doc = s->doc();
    for (const auto& d : doc["devices"]) devices[d["name"].get<std::string>()] = d;
  }
  for (const char* path : {"vfio-mmap", "vfio-syscall", "sysfs-mmap"}) {
    SCOPED_TRACE(path);
    expect_clean_sweep(devices.at(std::string(path) + "-bar0"), 12);        // 4 sizes x read, write, rw
    expect_clean_sweep(devices.at(std::string(path) + "-bar2"), 4, false);  // registers: reads only
  }
  expect_clean_sweep(devices.at("uio-mmap-bar2"), 4, false);
  EXPECT_NE(devices.at("vfio-syscall-bar0")["bar_description"].get<std::string>().find("pread/pwrite"),
            std::string::npos)
      << devices.at("vfio-syscall-bar0")["bar_description"];
}

TEST_F(Vm, TableReportNamesTheRealDevice) {
  const Scenario& s = scenario("vfio_table_bochs");
  EXPECT_EQ(s.rc, 0) << s.err;
  EXPECT_EQ(s.out.rfind("Device bochs-fb: PCI 0000:00:12.0 BAR0 via backend vfio\n", 0), 0u) << s.out.substr(0, 300);
  EXPECT_NE(s.out.find("  Device:     0x1234:0x1111 class 0x038000"), std::string::npos);
  EXPECT_NE(s.out.find("Result: OK"), std::string::npos);
}

TEST_F(Vm, SweepWithRestoreLeavesTheSharedRamByteIdenticalOnTheHost) {
  const Scenario& s = scenario("vfio_ivshmem_restore");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  json d = s.doc()["devices"][0];
  expect_clean_sweep(d, 39, /*ram=*/false);  // the host's random bytes include some 0xff
  EXPECT_TRUE(d["window_restored"].get<bool>());
  std::ifstream f(std::string(kWork) + "/ivshmem.bin", std::ios::binary);
  std::vector<char> after((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_EQ(after.size(), ivshmem_before_->size());
  EXPECT_TRUE(after == *ivshmem_before_) << "the guest's sweep left the host's file changed";
}

TEST_F(Vm, EduReadOnlySweepAndItsIdRegister) {
  const Scenario& s = scenario("vfio_edu_readonly");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  json d = s.doc()["devices"][0];
  expect_clean_sweep(d, 6, /*ram=*/false);
  for (const auto& r : d["results"]) EXPECT_EQ(r["op"], "read");
  EXPECT_EQ(d["verify"][0]["status"], "skipped");
  EXPECT_EQ(d["verify"][0]["original"], "0x10000ed");
}

TEST_F(Vm, EduLivenessRegisterFailsWriteVerifyWithExitCode1) {
  const Scenario& s = scenario("vfio_edu_liveness");
  EXPECT_EQ(s.rc, 1) << s.err << s.out;
  json v = s.doc()["devices"][0]["verify"][0];
  EXPECT_EQ(v["status"], "mismatch");
  EXPECT_EQ(v["written"], "0x12345678");
  EXPECT_EQ(v["read_back"], "0xedcba987");  // edu returns the inverse
  EXPECT_EQ(v["mismatch_bits"], "0xffffffff");
}

TEST_F(Vm, SeedStyleCommandLineDeviceIsReadOnlyByDefault) {
  const Scenario& s = scenario("vfio_edu_cli_defaults");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  json d = s.doc()["devices"][0];
  EXPECT_EQ(d["backend"], "vfio");
  EXPECT_EQ(d["writes_enabled"], false);
  expect_clean_sweep(d, 13, /*ram=*/false);
  EXPECT_LE(d["sweep_wall_seconds"].get<double>(), 1.0 * 1.1);  // the default sweep.budget, +10 %
}

TEST_F(Vm, ARunOnARegisterBarIsPlannedToItsBudget) {
  const Scenario& s = scenario("budget_edu_sysfs");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  json d = s.doc()["devices"][0];
  EXPECT_LE(d["sweep_wall_seconds"].get<double>(), 0.150 * 1.1) << d.dump();
  ASSERT_EQ(d["results"].size(), 13u);
  bool planned_down = false;
  for (const auto& r : d["results"]) {
    EXPECT_GE(r["ops"].get<uint64_t>(), 1u) << r.dump();
    planned_down |= r["budget_limited"].get<bool>();
  }
  EXPECT_TRUE(planned_down) << "150 ms is far below what 13 cells of 10000 ops need under TCG";
}

TEST_F(Vm, ErrorsSayWhatIsWrong) {
  struct Case {
    const char* name;
    int rc;
    const char* text;
  };
  for (const Case& c : {Case{"error_wrong_driver", 3, "uio: 0000:00:10.0 is bound to vfio-pci, not uio_pci_generic"},
                        Case{"error_not_present", 3, "vfio: no PCI device 0000:00:1e.5"},
                        Case{"error_absent_bar", 3, "0000:00:10.0 has no BAR1"},
                        Case{"error_window_beyond_bar", 3, "window.offset: 0x200000 is outside the BAR0 size 0x100000"},
                        Case{"error_io_bar", 3, "BAR1 of 0000:00:14.0 is an I/O-port BAR"},
                        Case{"error_setup_missing_device", 3, "setup: no PCI device 0000:00:1e.5"}}) {
    const Scenario& s = scenario(c.name);
    EXPECT_EQ(s.rc, c.rc) << c.name;
    EXPECT_NE((s.out + s.err).find(c.text), std::string::npos) << c.name << ": " << s.out << s.err;
  }
}

TEST_F(Vm, UioFindsTheMapByAddressAndFallsBackToSysfsWithoutOne) {
  EXPECT_EQ(scenario("setup_uio_bochs").rc, 0) << scenario("setup_uio_bochs").err;
  const Scenario& bar2 = scenario("uio_bochs_bar2");
  ASSERT_EQ(bar2.rc, 0) << bar2.err << bar2.out;
  json d2 = bar2.doc()["devices"][0];
  EXPECT_TRUE(
      std::regex_search(d2["bar_description"].get<std::string>(), std::regex("^/dev/uio[0-9]+ map0 \\(BAR2 at ")))
      << d2["bar_description"];
  expect_clean_sweep(d2, 3, /*ram=*/false);
  const Scenario& bar0 = scenario("uio_bochs_bar0");
  ASSERT_EQ(bar0.rc, 0) << bar0.err << bar0.out;
  json d0 = bar0.doc()["devices"][0];
  EXPECT_EQ(d0["bar_description"].get<std::string>().rfind("BAR0 has no uio map", 0), 0u) << d0["bar_description"];
  expect_clean_sweep(d0, 6);
  EXPECT_EQ(d0["verify"][0]["status"], "ok");
}

TEST_F(Vm, SysfsResourceWorksWithNoDriverBound) {
  const Scenario& s = scenario("sysfs_testdev");
  ASSERT_EQ(s.rc, 0) << s.err << s.out;
  expect_clean_sweep(s.doc()["devices"][0], 3, /*ram=*/false);
}

TEST_F(Vm, RestoreReturnsTheDeviceToItsOriginalDriver) {
  EXPECT_EQ(scenario("restore_bochs").rc, 0) << scenario("restore_bochs").err;
  const Scenario& edu = scenario("restore_edu");
  EXPECT_EQ(edu.rc, 0) << edu.err;
  EXPECT_NE(edu.out.find("0000:00:10.0 restored to no driver"), std::string::npos) << edu.out;
  EXPECT_EQ(scenario("driver_after_restore").out, "none\n");
}

// setup and what the host depends on (issue 19): the guest mounts the minix file system of each
// emulated NVMe disk, a plain namespace and a multipath head, before running setup on them.
TEST_F(Vm, SetupRefusesAMountedNvmeDiskAndLeavesItMounted) {
  const Scenario& plain = scenario("setup_refuses_mounted_nvme");
  EXPECT_EQ(plain.rc, 3) << plain.out << plain.err;
  EXPECT_TRUE(
      std::regex_search(plain.err, std::regex("setup: 0000:00:15\\.0 carries nvme[0-9]+n1, mounted on /mnt/nvme; "
                                              "the host depends on it, refusing to unbind it")))
      << plain.err;
  const Scenario& multipath = scenario("setup_refuses_mounted_nvme_multipath");
  EXPECT_EQ(multipath.rc, 3) << multipath.out << multipath.err;
  EXPECT_TRUE(std::regex_search(multipath.err, std::regex("setup: 0000:00:16\\.0 carries nvme[0-9]+n1, mounted on "
                                                          "/mnt/nvme_mp; the host depends on it")))
      << multipath.err;
  EXPECT_EQ(serial_ ? serial_->find("@@NVME-MOUNT-FAILED") : 0, std::string::npos);
  EXPECT_EQ(scenario("nvme_after_refusal").out, "/mnt/nvme\n/mnt/nvme_mp\nnvme\nnvme\n");
}

TEST_F(Vm, AFailedBindRollsBackToTheOriginalDriver) {
  // vfio-pci's probe refuses a bridge (-EINVAL) after setup has unbound pcieport from it.
  const Scenario& s = scenario("setup_rolls_back_bridge");
  EXPECT_EQ(s.rc, 3) << s.out << s.err;
  EXPECT_NE(s.err.find("setup: cannot write '0000:00:17.0' to /sys/bus/pci/drivers/vfio-pci/bind: Invalid argument; "
                       "rolled back: 0000:00:17.0 is bound to pcieport again"),
            std::string::npos)
      << s.err;
  EXPECT_EQ(scenario("rootport_after_rollback").out, "pcieport\n(null)\nno-state\n");
}

TEST_F(Vm, RestoreRefusesWhileAProcessHoldsTheVfioGroup) {
  const Scenario& s = scenario("restore_refused_while_held");
  EXPECT_EQ(s.rc, 3) << s.out << s.err;
  std::string pid = scenario("held_pid").out;
  if (!pid.empty()) pid.pop_back();
  EXPECT_TRUE(std::regex_search(s.err, std::regex("setup: 0000:00:10\\.0 is in use: pid " + pid +
                                                  " \\(sleep\\) has /dev/vfio/[0-9]+ open; stop that process first")))
      << s.err;
}

// --- Issue 19 (access): the scenarios of guest_init.sh's issue 19 blocks.

TEST_F(Vm, TwoFunctionsOfOneIommuGroupAreMeasuredInOneService) {
  const Scenario& groups = scenario("mf_groups");
  std::istringstream g(groups.out);
  std::string g0, g1;
  g >> g0 >> g1;
  ASSERT_FALSE(g0.empty()) << groups.out << groups.err;
  EXPECT_EQ(g0, g1) << "00:18.0 and 00:18.1 should share an IOMMU group";
  EXPECT_EQ(scenario("setup_vfio_mf0").rc, 0) << scenario("setup_vfio_mf0").err;
  EXPECT_EQ(scenario("setup_vfio_mf1").rc, 0) << scenario("setup_vfio_mf1").err;
  const Scenario& up = scenario("service_ready");
  for (const char* device : {"mf0", "mf1", "testdev", "bochs-regs"})
    EXPECT_NE(up.out.find("pcie_bar_device_up{device=\"" + std::string(device) + "\"} 1"), std::string::npos)
        << device << ":\n"
        << up.out << up.err << scenario("service_log").out;
  const std::string& log = scenario("service_log").out;
  EXPECT_EQ(log.find("cannot open device"), std::string::npos) << log;
}

TEST_F(Vm, AReadOnlyServiceHoldsOnlyReadOnlyBarMappings) {
  const Scenario& s = scenario("service_maps");
  std::map<std::string, int> seen;  // backend -> mappings
  std::istringstream lines(s.out);
  for (std::string line; std::getline(lines, line);) {
    const std::string kind = line.find("vfio") != std::string::npos        ? "vfio"
                             : line.find("/dev/uio") != std::string::npos  ? "uio"
                             : line.find("/resource") != std::string::npos ? "sysfs"
                                                                           : "";
    if (kind.empty()) continue;
    ++seen[kind];
    EXPECT_NE(line.find(" r--s "), std::string::npos) << line;
  }
  EXPECT_EQ(seen["vfio"], 2) << s.out;  // one per edu function
  EXPECT_EQ(seen["sysfs"], 1) << s.out;
  EXPECT_EQ(seen["uio"], 1) << s.out;
}

TEST_F(Vm, VfioSaysItResetTheDevice) {
  const std::string& log = scenario("service_log").out;
  EXPECT_TRUE(
      std::regex_search(log, std::regex("level=warn msg=\"device warning\" device=mf0 warning=\"vfio-pci [a-z -]+ "
                                        "0000:00:18.0 when it was opened")))
      << log;
}

TEST_F(Vm, SysfsOnABarVfioHasClaimedSaysWhyAndWhatToDo) {
  const Scenario& s = scenario("sysfs_on_claimed_bar");
  EXPECT_EQ(s.rc, 3) << s.out << s.err;
  const std::string text = s.out + s.err;
  EXPECT_NE(text.find("Invalid argument (the kernel refuses to map a BAR whose memory a driver has claimed "
                      "(CONFIG_IO_STRICT_DEVMEM"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0000:00:18.0 is bound to vfio-pci: boot the host with iomem=relaxed"), std::string::npos)
      << text;
}

TEST_F(Vm, SysfsOnABarALiveDriverOwnsWarns) {
  const Scenario& s = scenario("sysfs_driver_owned");
  EXPECT_EQ(s.rc, 0) << s.out << s.err;
  EXPECT_NE(s.err.find("BAR0 of 0000:00:10.0 belongs to the live driver vfio-pci"), std::string::npos) << s.err;
}

TEST_F(Vm, SysfsUnderLockdownSaysSo) {
  EXPECT_NE(scenario("lockdown_on").out.find("[integrity]"), std::string::npos)
      << scenario("lockdown_on").out << scenario("lockdown_on").err;
  const Scenario& s = scenario("sysfs_under_lockdown");
  EXPECT_EQ(s.rc, 3) << s.out << s.err;
  EXPECT_NE((s.out + s.err).find("Operation not permitted (the kernel is in lockdown mode 'integrity'"),
            std::string::npos)
      << s.out << s.err;
}

}  // namespace
}  // namespace pcie_bar
