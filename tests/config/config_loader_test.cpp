#include "config/config_loader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/timing_cpu.h"

namespace pcie_bar {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "t.yml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kGood = R"(devices:
  - name: sim0
    backend: sim
    sim: {size: 65536}
    window: {offset: 0x0, size: 0x4000}
    access: {width: 8, method: mmap}
    writes: {enabled: true, restore: true}
    sweep:
      interval: 60s
      block_sizes: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
      iterations: {read: 10000, write: 10000, rw: 5000}
    verify:
      - {offset: 0x0000, value: 0x1234567890abcdef, width: 8}
      - {offset: 0x4000}
)";

TEST(ConfigLoader, DecodesTheDocumentedExample) {
  Config c = parse_config(kGood, "t.yml");
  ASSERT_EQ(c.devices.size(), 1u);
  const DeviceSpec& d = c.devices[0];
  EXPECT_EQ(d.name, "sim0");
  EXPECT_EQ(d.backend, Backend::kSim);
  EXPECT_EQ(d.window.size, 0x4000u);
  EXPECT_EQ(d.sweep.interval, std::chrono::seconds(60));
  EXPECT_EQ(d.sweep.block_sizes.size(), 13u);
  EXPECT_EQ(d.sweep.iterations.rw, 5000u);
  ASSERT_EQ(d.verify.size(), 2u);
  EXPECT_EQ(d.verify[1].offset, 0x4000u);
  EXPECT_EQ(d.verify[1].value, 0x1234567890abcdefULL);
}

TEST(ConfigLoader, RealDevicesAcceptShortAddressesAndDefaultToNoWrites) {
  Config c = parse_config("devices:\n  - {name: fpga, backend: vfio, address: \"22:00.0\", bar: 2}\n", "t.yml");
  EXPECT_EQ(c.devices[0].address, "0000:22:00.0");
  EXPECT_EQ(c.devices[0].bar, 2u);
  EXPECT_FALSE(c.devices[0].writes.enabled);
  Config w =
      parse_config("devices:\n  - {name: f, backend: uio, address: 0000:01:00.0, writes: {enabled: true}}\n", "t.yml");
  EXPECT_TRUE(w.devices[0].writes.enabled);
}

TEST(ConfigLoader, SimulatedLinkDefaultsToItsMaximum) {
  Config c = parse_config(
      "devices:\n  - {name: s, backend: sim, sim: {link: {speed: 8, width: 4, max_speed: 16, max_width: 8}}}\n",
      "t.yml");
  EXPECT_EQ(c.devices[0].sim.link.speed_gts, 8.0);
  EXPECT_EQ(c.devices[0].sim.link.max_speed_gts, 16.0);
  EXPECT_EQ(c.devices[0].sim.link.max_width, 8u);
  Config d = parse_config("devices:\n  - {name: s, backend: sim, sim: {link: {speed: 2.5}}}\n", "t.yml");
  EXPECT_EQ(d.devices[0].sim.link.max_speed_gts, 2.5);
}

TEST(ConfigLoader, ThresholdsNameTheirCellsAndLimits) {
  Config c = parse_config(R"(devices:
  - name: fpga0
    backend: sim
    sweep: {block_sizes: [8, 4096]}
    thresholds:
      - {op: read, block_sizes: [4096], min_throughput: 200MB/s}
      - {max_p50: 1.5us, max_p99: 2us}
)",
                          "t.yml");
  const auto& t = c.devices[0].thresholds;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].op, Op::kRead);
  EXPECT_EQ(t[0].block_sizes, std::vector<uint64_t>{4096});
  EXPECT_DOUBLE_EQ(*t[0].min_throughput, 200e6);
  EXPECT_FALSE(t[0].max_p99);
  EXPECT_FALSE(t[1].op);  // every op
  EXPECT_TRUE(t[1].block_sizes.empty());
  EXPECT_DOUBLE_EQ(*t[1].max_p50, 1.5e-6);
  EXPECT_DOUBLE_EQ(*t[1].max_p99, 2e-6);
  EXPECT_TRUE(parse_config("devices:\n  - {name: s, backend: sim}\n", "t.yml").devices[0].thresholds.empty());
}

// A relative baseline is relative to the config file's directory, so the two can move together;
// where the key is set is kept for the errors of reading the report later.
TEST(ConfigLoader, BaselineIsAPathRelativeToTheConfigFile) {
  const std::string yaml =
      "devices:\n  - {name: a, backend: sim, baseline: saved/a.json}\n  - {name: b, backend: sim, "
      "baseline: /srv/b.json}\n  - {name: c, backend: sim}\n";
  Config c = parse_config(yaml, "/etc/pcie/t.yml");
  ASSERT_TRUE(c.devices[0].baseline);
  EXPECT_EQ(c.devices[0].baseline->path, "/etc/pcie/saved/a.json");
  EXPECT_EQ(c.devices[0].baseline->origin, "/etc/pcie/t.yml:2:39: devices[0].baseline");
  EXPECT_EQ(c.devices[1].baseline->path, "/srv/b.json");
  EXPECT_FALSE(c.devices[2].baseline);
  EXPECT_EQ(parse_config(yaml, "t.yml").devices[0].baseline->path,
            "saved/a.json");  // relative to the working directory
}

TEST(ConfigLoader, SizesAcceptBinarySuffixes) {
  Config c = parse_config("devices:\n  - {name: s, backend: sim, sim: {size: 1MiB}, window: {size: 64KiB}}\n", "t.yml");
  EXPECT_EQ(c.devices[0].sim.size, 1u << 20);
  EXPECT_EQ(c.devices[0].window.size, 64u << 10);
}

TEST(ConfigLoader, ShippedExampleConfigsAreValid) {
  for (const auto& entry : std::filesystem::directory_iterator(PCIE_BAR_SOURCE_DIR "/config/examples")) {
    EXPECT_NO_THROW(load_config_file(entry.path().string())) << entry.path();
  }
}

struct BadCase {
  const char* what;
  const char* yaml;
  const char* expected;  // the whole message after "t.yml:"
  friend void PrintTo(const BadCase& c, std::ostream* os) { *os << c.what; }
};

class BadConfigTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfigTest, FailsWithOneLineNamingWhereAndWhat) {
  std::string msg = error_of(GetParam().yaml);
  EXPECT_EQ(msg, std::string("t.yml:") + GetParam().expected);
  EXPECT_EQ(msg.find('\n'), std::string::npos);
}

const BadCase kBadCases[] = {
    {"syntax", "devices: [\n  - name: a\n", "2:3: YAML syntax error: illegal block entry"},
    {"empty", "", " the file is empty; it needs a 'devices' list"},
    {"unknown top key", "device: []\n", "1:1: device: unknown key (did you mean 'devices'?); known keys: devices"},
    {"unknown device key", "devices:\n  - {name: a, backend: sim, windw: {size: 64}}\n",
     "2:29: devices[0].windw: unknown key (did you mean 'window'?); known keys: name, backend, address, bar, sim, "
     "window, access, writes, sweep, verify, thresholds, metrics, baseline"},
    {"duplicate key", "devices:\n  - name: a\n    name: b\n    backend: sim\n",
     "3:5: devices[0].name: key given twice"},
    {"missing name", "devices:\n  - {backend: sim}\n", "2:5: devices[0].name: required: a string"},
    {"missing backend", "devices:\n  - {name: a}\n", "2:5: devices[0].backend: required: a string"},
    {"bad backend", "devices:\n  - {name: a, backend: dpdk}\n",
     "2:24: devices[0].backend: 'dpdk' is not a backend (sim, vfio, uio or sysfs)"},
    {"missing address", "devices:\n  - {name: a, backend: vfio}\n", "2:5: devices[0].address: required: a string"},
    {"bad address", "devices:\n  - {name: a, backend: vfio, address: 22:00}\n",
     "2:39: devices[0].address: '22:00' is not a PCI address (e.g. 0000:22:00.0 or 22:00.0)"},
    {"wrong type", "devices:\n  - {name: a, backend: sim, window: {size: [1]}}\n",
     "2:44: devices[0].window.size: expected a size in bytes, got a list"},
    {"negative", "devices:\n  - {name: a, backend: sim, sweep: {iterations: {read: -5}}}\n",
     "2:56: devices[0].sweep.iterations.read: '-5' is not a non-negative integer that fits in 64 bits"},
    {"hex overflow", "devices:\n  - {name: a, backend: sim, window: {offset: 0x10000000000000000}}\n",
     "2:46: devices[0].window.offset: '0x10000000000000000' is not a size (an integer, or an integer with KiB, MiB or "
     "GiB)"},
    {"huge iterations", "devices:\n  - {name: a, backend: sim, sweep: {iterations: {rw: 99999999999}}}\n",
     "2:54: devices[0].sweep.iterations.rw: 99999999999 is too large (at most 1000000000)"},
    {"window outside bar", "devices:\n  - {name: a, backend: sim, window: {offset: 0x10000}}\n",
     "2:46: devices[0].window.offset: 0x10000 is outside the BAR0 size 0x10000"},
    {"window too big", "devices:\n  - {name: a, backend: sim, sim: {size: 4096}, verify: [], window: {size: 8192}}\n",
     "2:75: devices[0].window.size: window 0x0+0x2000 ends beyond the BAR0 size 0x1000"},
    {"verify outside bar", "devices:\n  - {name: a, backend: sim, verify: [{offset: 0x10000}]}\n",
     "2:47: devices[0].verify[0].offset: probe 0x10000 (8 bytes) is outside the BAR0 size 0x10000"},
    {"window misaligned", "devices:\n  - {name: a, backend: sim, window: {offset: 4}}\n",
     "2:46: devices[0].window.offset: 0x4 is not aligned to the access width 8"},
    {"verify misaligned", "devices:\n  - {name: a, backend: sim, verify: [{offset: 6, width: 4}]}\n",
     "2:47: devices[0].verify[0].offset: 0x6 is not aligned to the probe width 4"},
    {"block not power of two", "devices:\n  - {name: a, backend: sim, sweep: {block_sizes: [1, 24]}}\n",
     "2:54: devices[0].sweep.block_sizes[1]: 24 is not a power of two"},
    {"block exceeds window",
     "devices:\n  - {name: a, backend: sim, window: {size: 1024}, sweep: {block_sizes: [4096]}}\n",
     "2:73: devices[0].sweep.block_sizes[0]: block size 4096 exceeds the window size 1024"},
    // Found by the fuzzer: the default block sizes exceed a tiny window and there is no sweep key.
    {"window smaller than default blocks", "devices:\n  - {name: a, backend: sim, window: {size: 1}}\n",
     "2:44: devices[0].window.size: block size 2 exceeds the window size 1"},
    // A default probe (verify[1] at 0x4000) beyond a small simulated BAR, with no verify key.
    {"default probe beyond bar", "devices:\n  - {name: a, backend: sim, sim: {size: 0x4004}}\n",
     "2:5: devices[0].verify[1].offset: probe 0x4000 (8 bytes) is outside the BAR0 size 0x4004"},
    {"bad width", "devices:\n  - {name: a, backend: sim, access: {width: 3}}\n",
     "2:45: devices[0].access.width: 3 is not an access width (1, 2, 4, 8, or 16, 32, 64 for vector accesses)"},
    {"bad mapping", "devices:\n  - {name: a, backend: sim, access: {mapping: wb}}\n",
     "2:47: devices[0].access.mapping: 'wb' is not a mapping (uc or wc)"},
    {"bad method", "devices:\n  - {name: a, backend: sim, access: {method: dma}}\n",
     "2:46: devices[0].access.method: 'dma' is not an access method (mmap or syscall)"},
    {"duplicate names", "devices:\n  - {name: a, backend: sim}\n  - {name: a, backend: sim}\n",
     "3:12: devices[1].name: device name 'a' is used twice"},
    {"bad duration", "devices:\n  - {name: a, backend: sim, sweep: {interval: 10 minutes}}\n",
     "2:47: devices[0].sweep.interval: '10 minutes' is not a duration (e.g. 500ms, 60s, 5m, 1h)"},
    {"value too wide", "devices:\n  - {name: a, backend: sim, verify: [{offset: 0, width: 2, value: 0x12345}]}\n",
     "2:67: devices[0].verify[0].value: 0x12345 does not fit in 2 bytes"},
    {"bad bool", "devices:\n  - {name: a, backend: sim, writes: {enabled: yes please}}\n",
     "2:47: devices[0].writes.enabled: 'yes please' is not true or false"},
    {"sim keys on vfio", "devices:\n  - {name: a, backend: vfio, address: 01:00.0, sim: {size: 1}}\n",
     "2:53: devices[0].sim: only for backend sim"},
    {"bad sim link speed", "devices:\n  - {name: a, backend: sim, sim: {link: {speed: 7}}}\n",
     "2:49: devices[0].sim.link.speed: '7' is not a PCIe speed in GT/s (2.5, 5, 8, 16, 32 or 64)"},
    {"sim link above max", "devices:\n  - {name: a, backend: sim, sim: {link: {width: 8, max_width: 4}}}\n",
     "2:49: devices[0].sim.link.width: exceeds max_width"},
    {"bar out of range", "devices:\n  - {name: a, backend: sim, bar: 6}\n",
     "2:34: devices[0].bar: 6 is too large (at most 5)"},
    {"devices not a list", "devices: {name: a}\n", "1:10: devices: expected a list, got a mapping"},
    {"no devices", "devices: []\n", "1:10: devices: must list at least one device"},
    {"bad model preset", "devices:\n  - {name: a, backend: sim, sim: {model: warp}}\n",
     "2:42: devices[0].sim.model: 'warp' is not a model preset (fpga-gen3x1, gpu-bar1, nic-low-latency, "
     "switch-window)"},
    {"bad latency", "devices:\n  - {name: a, backend: sim, sim: {model: {read_latency: fast}}}\n",
     "2:57: devices[0].sim.model.read_latency: 'fast' is not a latency (e.g. 60ns, 1.2us, 9.3us, 1ms)"},
    {"empty model", "devices:\n  - {name: a, backend: sim, sim: {model: {jitter: 0.1}}}\n",
     "2:42: devices[0].sim.model: a model needs a read_latency or a write_latency above 0 (or a preset)"},
    {"budget over half the timeout", "devices:\n  - {name: a, backend: sim, sweep: {interval: 10s, budget: 6s}}\n",
     "2:60: devices[0].sweep.budget: 6s is more than half of sweep.timeout (10s): a run planned to its budget must "
     "end well before the timeout cuts it"},
    {"zero repetitions", "devices:\n  - {name: a, backend: sim, sweep: {repetitions: 0}}\n",
     "2:50: devices[0].sweep.repetitions: must be at least 1"},
    {"bad cpu", "devices:\n  - {name: a, backend: sim, sweep: {cpu: fastest}}\n",
     "2:42: devices[0].sweep.cpu: 'fastest' is not a CPU (auto, none or a CPU number)"},
};

INSTANTIATE_TEST_SUITE_P(Kinds, BadConfigTest, ::testing::ValuesIn(kBadCases), [](const auto& info) {
  std::string n = info.param.what;
  for (char& c : n)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

TEST(ConfigLoader, SimModelIsAPresetOrValuesAndBudgetDefaultsToOneSecondOrHalfTheTimeout) {
  auto first = [](const std::string& yaml) { return parse_config("devices:\n" + yaml, "t.yml").devices[0]; };
  DeviceSpec preset = first("  - {name: a, backend: sim, sim: {model: gpu-bar1}}\n");
  EXPECT_EQ(preset.sim.model.preset, "gpu-bar1");
  EXPECT_EQ(preset.sim.model.read_latency, std::chrono::nanoseconds(900));
  DeviceSpec custom = first(
      "  - {name: a, backend: sim, sim: {model: {preset: gpu-bar1, read_latency: 1.5us, write_latency: 60ns, "
      "jitter: 0.1, tail: {probability: 0.001, latency: 2ms}}}}\n");
  EXPECT_EQ(custom.sim.model.read_latency, std::chrono::nanoseconds(1500));
  EXPECT_EQ(custom.sim.model.write_latency, std::chrono::nanoseconds(60));
  EXPECT_DOUBLE_EQ(custom.sim.model.jitter, 0.1);
  EXPECT_DOUBLE_EQ(custom.sim.model.tail_probability, 0.001);
  EXPECT_EQ(custom.sim.model.tail_latency, std::chrono::nanoseconds(2'000'000));
  EXPECT_FALSE(first("  - {name: a, backend: sim}\n").sim.model.active());
  EXPECT_EQ(first("  - {name: a, backend: sim}\n").sweep.effective_budget(), std::chrono::milliseconds(1000));
  EXPECT_EQ(first("  - {name: a, backend: sim, sweep: {interval: 1s}}\n").sweep.effective_budget(),
            std::chrono::milliseconds(500));
  EXPECT_EQ(first("  - {name: a, backend: sim, sweep: {budget: 250ms}}\n").sweep.effective_budget(),
            std::chrono::milliseconds(250));
}

TEST(ConfigLoader, SweepCpuIsAutoNoneOrACpuThisProcessMayUse) {
  auto cpu = [](const std::string& value) {
    return parse_config("devices:\n  - {name: a, backend: sim, sweep: {cpu: " + value + "}}\n", "t.yml")
        .devices[0]
        .sweep.cpu;
  };
  EXPECT_EQ(parse_config("devices:\n  - {name: a, backend: sim}\n", "t.yml").devices[0].sweep.cpu.mode,
            CpuSetting::Mode::kAuto);
  EXPECT_EQ(cpu("auto").mode, CpuSetting::Mode::kAuto);
  EXPECT_EQ(cpu("none").mode, CpuSetting::Mode::kNone);
  const int last = allowed_cpus().back();
  EXPECT_EQ(cpu(std::to_string(last)).mode, CpuSetting::Mode::kFixed);
  EXPECT_EQ(cpu(std::to_string(last)).cpu, static_cast<unsigned>(last));
  EXPECT_EQ(error_of("devices:\n  - {name: a, backend: sim, sweep: {cpu: 1023}}\n"),
            "t.yml:2:42: devices[0].sweep.cpu: CPU 1023 is not one this process may run on (" +
                std::to_string(allowed_cpus().size()) + " allowed: " + cpu_list_text(allowed_cpus()) + ")");
}

TEST(ConfigLoader, MissingFileNamesThePath) {
  try {
    load_config_file("/nonexistent/pcie.yml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/pcie.yml: cannot open the config file: No such file or directory");
  }
}

}  // namespace
}  // namespace pcie_bar
