#include "exporter/app/cli.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace pcie_bar {
namespace {

CliOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "pcie_bar_exporter");
  return parse_cli(static_cast<int>(args.size()), args.data());
}

std::string error_of(std::vector<const char*> args) {
  try {
    CliOptions cli = parse(args);
    devices_from(cli);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Cli, NoArgumentsMeansTheSimulatedDevice) {
  CliOptions cli = parse({"--once"});
  EXPECT_TRUE(cli.once);
  auto devices = devices_from(cli);
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].backend, Backend::kSim);
  EXPECT_EQ(devices[0].name, "sim0");
  EXPECT_TRUE(devices[0].writes.enabled);
}

TEST(Cli, PositionalDeviceAsInTheSeedDefaultsToVfioWithoutWrites) {
  auto devices = devices_from(parse({"--once", "22:00.0"}));
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].backend, Backend::kVfio);
  EXPECT_EQ(devices[0].address, "0000:22:00.0");
  EXPECT_EQ(devices[0].name, "0000:22:00.0");
  EXPECT_FALSE(devices[0].writes.enabled);
}

TEST(Cli, BackendAndWritesFlagsApplyToTheCommandLineDevice) {
  auto devices = devices_from(parse({"--device", "0000:01:00.0", "--backend", "sysfs", "--writes.enabled"}));
  EXPECT_EQ(devices[0].backend, Backend::kSysfs);
  EXPECT_TRUE(devices[0].writes.enabled);
}

TEST(Cli, OutputFormats) {
  EXPECT_EQ(parse({"--output", "json"}).output, OutputFormat::kJson);
  EXPECT_EQ(parse({"--output=csv"}).output, OutputFormat::kCsv);
  EXPECT_EQ(parse({"--output", "html"}).output, OutputFormat::kHtml);
  EXPECT_EQ(parse({}).output, OutputFormat::kTable);
}

TEST(Cli, BadInputGetsOneLineNamingTheFlag) {
  EXPECT_EQ(error_of({"--output", "xml"}), "--output: 'xml' is not a format (table, json, csv or html)");
  EXPECT_EQ(error_of({"--backend", "dpdk"}), "--backend: 'dpdk' is not a backend (sim, vfio, uio or sysfs)");
  EXPECT_EQ(error_of({"--device", "22:00"}), "--device: '22:00' is not a PCI address (e.g. 0000:22:00.0 or 22:00.0)");
  EXPECT_EQ(error_of({"--backend", "sim", "22:00.0"}),
            "--backend: sim takes no device address; drop --device or pick vfio, uio or sysfs");
  EXPECT_EQ(error_of({"--writes.enabled"}),
            "--writes.enabled: only for a device given with --device; in a config file use writes.enabled");
  EXPECT_EQ(error_of({"--bogus"}), "Option 'bogus' does not exist (see --help)");
  EXPECT_EQ(error_of({"22:00.0", "33:00.0"}), "unexpected argument '33:00.0' (see --help)");
  EXPECT_EQ(error_of({"--baseline", "a.json"}),
            "--baseline: only with --once; in service mode give each device a baseline in the config file");
}

// A device's baseline report is read with the config: a file that is not there is a config error
// naming the key (with file, line and column) and the path.
TEST(Cli, ABaselineThatCannotBeReadIsAConfigErrorNamingKeyAndPath) {
  std::string path = std::string(::testing::TempDir()) + "/cli-baseline-test.yml";
  FILE* f = fopen(path.c_str(), "w");
  fputs("devices:\n  - {name: a, backend: sim, baseline: /nonexistent-dir/a.json}\n", f);
  fclose(f);
  EXPECT_EQ(error_of({"--config.file", path.c_str()}),
            path +
                ":2:39: devices[0].baseline: /nonexistent-dir/a.json: cannot open the report: No such file or "
                "directory");
}

TEST(Cli, DeviceNarrowsAConfigFileToThatDevice) {
  std::string path = std::string(::testing::TempDir()) + "/cli-test.yml";
  FILE* f = fopen(path.c_str(), "w");
  fputs("devices:\n  - {name: a, backend: vfio, address: 01:00.0}\n  - {name: b, backend: uio, address: 02:00.0}\n", f);
  fclose(f);
  auto devices = devices_from(parse({"--config.file", path.c_str(), "02:00.0"}));
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].name, "b");
  EXPECT_EQ(error_of({"--config.file", path.c_str(), "03:00.0"}), "--device: 0000:03:00.0 is not a device in " + path);
}

}  // namespace
}  // namespace pcie_bar
