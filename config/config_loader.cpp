#include "config/config_loader.h"

#include <sched.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "config/duration.h"
#include "config/metrics_section.h"
#include "config/throughput.h"
#include "config/yaml_scalar.h"
#include "core/errno_text.h"
#include "core/hex.h"
#include "core/pci_address.h"
#include "core/sim_model.h"
#include "core/spec_check.h"
#include "core/timing_cpu.h"
#include "core/wide_mmio.h"

namespace pcie_bar {

namespace {

constexpr uint64_t kMaxIterations = 1'000'000'000;
constexpr uint64_t kMaxSimSize = 1ull << 30;

bool is_access_width(uint64_t w) { return w == 1 || w == 2 || w == 4 || w == 8; }

Backend decode_backend(const YamlField& f) {
  std::string s = f.str();
  if (auto b = from_name<Backend>(s)) return *b;
  f.fail("'" + s + "' is not a backend (" + names_text<Backend>() + ")");
}

void decode_window(const YamlField& f, Window& w) {
  f.expect_keys({"offset", "size"});
  if (f["offset"].present()) w.offset = f["offset"].size();
  if (f["size"].present()) w.size = f["size"].size();
  if (w.size == 0) f["size"].fail("must be greater than 0");
}

void decode_access(const YamlField& f, AccessSpec& a) {
  f.expect_keys({"width", "method", "mapping"});
  if (f["mapping"].present()) {
    std::string m = f["mapping"].str();
    if (m != "uc" && m != "wc") f["mapping"].fail("'" + m + "' is not a mapping (uc or wc)");
    a.write_combining = m == "wc";
  }
  if (f["width"].present()) {
    uint64_t w = f["width"].u64();
    if (!is_access_width(w) && !is_wide_width(static_cast<unsigned>(w)))
      f["width"].fail(std::to_string(w) + " is not an access width (1, 2, 4, 8, or 16, 32, 64 for vector accesses)");
    a.width = static_cast<unsigned>(w);
    if (is_wide_width(a.width)) {
      std::string why = wide_width_unsupported(a.width);
      if (!why.empty()) f["width"].fail(why);
    }
  }
  if (f["method"].present()) {
    std::string m = f["method"].str();
    auto method = from_name<AccessMethod>(m);
    if (!method) f["method"].fail("'" + m + "' is not an access method (" + names_text<AccessMethod>() + ")");
    a.method = *method;
  }
}

// 10000 ms -> "10s", 1500 ms -> "1500ms".
std::string duration_text(std::chrono::milliseconds d) {
  return d.count() % 1000 == 0 ? std::to_string(d.count() / 1000) + "s" : std::to_string(d.count()) + "ms";
}

// auto, none, or a CPU this process may run on.
void decode_cpu(const YamlField& f, CpuSetting& c) {
  std::string text = f.str();
  if (text == "auto" || text == "none") {
    c.mode = text == "auto" ? CpuSetting::Mode::kAuto : CpuSetting::Mode::kNone;
    return;
  }
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    f.fail("'" + text + "' is not a CPU (auto, none or a CPU number)");
  c.mode = CpuSetting::Mode::kFixed;
  c.cpu = static_cast<unsigned>(f.u64(CPU_SETSIZE - 1));
  std::vector<int> allowed = allowed_cpus();
  if (std::find(allowed.begin(), allowed.end(), static_cast<int>(c.cpu)) == allowed.end())
    f.fail("CPU " + text + " is not one this process may run on (" + std::to_string(allowed.size()) +
           " allowed: " + cpu_list_text(allowed) + ")");
}

void decode_sweep(const YamlField& f, SweepSpec& s) {
  f.expect_keys({"interval", "timeout", "budget", "block_sizes", "iterations", "repetitions", "cpu"});
  for (auto [key, slot] : {std::pair{"interval", &s.interval}, std::pair{"timeout", &s.timeout}}) {
    YamlField iv = f[key];
    if (!iv.present()) continue;
    auto d = parse_duration(iv.str());
    if (!d) iv.fail("'" + iv.str() + "' is not a duration (e.g. 500ms, 60s, 5m, 1h)");
    if (d->count() < 100) iv.fail("must be at least 100ms");
    *slot = *d;
  }
  if (YamlField bs = f["block_sizes"]; bs.present()) {
    s.block_sizes.clear();
    if (bs.length() == 0) bs.fail("must list at least one block size");
    std::set<uint64_t> seen;
    for (std::size_t i = 0; i < bs.length(); ++i) {
      uint64_t b = bs.at(i).size();
      if (!std::has_single_bit(b)) bs.at(i).fail(std::to_string(b) + " is not a power of two");
      if (!seen.insert(b).second) bs.at(i).fail(std::to_string(b) + " is listed twice");
      s.block_sizes.push_back(b);
    }
  }
  if (YamlField b = f["budget"]; b.present()) {
    auto d = parse_duration(b.str());
    if (!d) b.fail("'" + b.str() + "' is not a duration (e.g. 500ms, 1s, 5s)");
    if (d->count() < 10) b.fail("must be at least 10ms");
    if (*d > s.effective_timeout() / 2)
      b.fail(b.str() + " is more than half of sweep.timeout (" + duration_text(s.effective_timeout()) +
             "): a run planned to its budget must end well before the timeout cuts it");
    s.budget = *d;
  }
  if (YamlField r = f["repetitions"]; r.present()) {
    s.repetitions = static_cast<unsigned>(r.u64(100));
    if (s.repetitions == 0) r.fail("must be at least 1");
  }
  if (YamlField cpu = f["cpu"]; cpu.present()) decode_cpu(cpu, s.cpu);
  if (YamlField it = f["iterations"]; it.present()) {
    it.expect_keys({"read", "write", "rw"});
    for (auto [key, slot] : {std::pair{"read", &s.iterations.read}, std::pair{"write", &s.iterations.write},
                             std::pair{"rw", &s.iterations.rw}}) {
      if (!it[key].present()) continue;
      *slot = it[key].u64(kMaxIterations);
      if (*slot == 0) it[key].fail("must be at least 1");
    }
  }
}

std::chrono::nanoseconds latency_of(const YamlField& f) {
  auto ns = parse_latency(f.str());
  if (!ns) f.fail("'" + f.str() + "' is not a latency (e.g. 60ns, 1.2us, 9.3us, 1ms)");
  return *ns;
}

double fraction_of(const YamlField& f) {
  std::string t = f.str();
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !(v >= 0 && v <= 1)) f.fail("'" + t + "' is not a fraction between 0 and 1");
  return v;
}

// A preset name, or {preset, read_latency, write_latency, jitter, tail: {probability, latency}}.
void decode_sim_model(const YamlField& f, SimModel& m) {
  auto preset = [&](const YamlField& name) {
    auto p = sim_model_preset(name.str());
    if (!p) {
      std::string known;
      for (const auto& n : sim_model_preset_names()) known += (known.empty() ? "" : ", ") + n;
      name.fail("'" + name.str() + "' is not a model preset (" + known + ")");
    }
    m = *p;
  };
  if (!f.is_map()) return preset(f);
  f.expect_keys({"preset", "read_latency", "write_latency", "jitter", "tail"});
  if (f["preset"].present()) preset(f["preset"]);
  if (f["read_latency"].present()) m.read_latency = latency_of(f["read_latency"]);
  if (f["write_latency"].present()) m.write_latency = latency_of(f["write_latency"]);
  if (f["jitter"].present()) m.jitter = fraction_of(f["jitter"]);
  if (YamlField t = f["tail"]; t.present()) {
    t.expect_keys({"probability", "latency"});
    if (t["probability"].present()) m.tail_probability = fraction_of(t["probability"]);
    if (t["latency"].present()) m.tail_latency = latency_of(t["latency"]);
  }
  if (!m.active()) f.fail("a model needs a read_latency or a write_latency above 0 (or a preset)");
}

// PCIe speeds: 2.5, 5, 8, 16, 32, 64 GT/s; widths 1 to 32 lanes.
void decode_sim_link(const YamlField& f, SimLink& l) {
  f.expect_keys({"speed", "width", "max_speed", "max_width"});
  auto speed = [](const YamlField& v) {
    std::string t = v.str();
    for (const char* s : {"2.5", "5", "8", "16", "32", "64"})
      if (t == s || t == std::string(s) + ".0") return std::stod(t);
    v.fail("'" + t + "' is not a PCIe speed in GT/s (2.5, 5, 8, 16, 32 or 64)");
  };
  auto width = [](const YamlField& v) {
    uint64_t w = v.u64(32);
    if (w == 0) v.fail("must be between 1 and 32 lanes");
    return static_cast<unsigned>(w);
  };
  if (f["speed"].present()) l.speed_gts = l.max_speed_gts = speed(f["speed"]);
  if (f["width"].present()) l.width = l.max_width = width(f["width"]);
  if (f["max_speed"].present()) l.max_speed_gts = speed(f["max_speed"]);
  if (f["max_width"].present()) l.max_width = width(f["max_width"]);
  if (l.speed_gts > l.max_speed_gts) f["speed"].fail("exceeds max_speed");
  if (l.width > l.max_width) f["width"].fail("exceeds max_width");
}

VerifySpec decode_probe(const YamlField& f) {
  f.expect_keys({"offset", "value", "width", "restore"});
  VerifySpec p;
  p.offset = f["offset"].size();
  if (f["width"].present()) {
    uint64_t w = f["width"].u64();
    if (!is_access_width(w)) f["width"].fail(std::to_string(w) + " is not a probe width (1, 2, 4 or 8)");
    p.width = static_cast<unsigned>(w);
  }
  if (f["value"].present()) {
    p.value = f["value"].u64();
    if (p.width < 8 && p.value >> (8 * p.width))
      f["value"].fail(hex(p.value) + " does not fit in " +
                      (p.width == 1 ? std::string("1 byte") : std::to_string(p.width) + " bytes"));
  }
  if (f["restore"].present()) p.restore = f["restore"].boolean();
  if (p.offset % p.width)
    f["offset"].fail(hex(p.offset) + " is not aligned to the probe width " + std::to_string(p.width));
  return p;
}

void decode_verify(const YamlField& f, std::vector<VerifySpec>& out) {
  out.clear();
  std::set<uint64_t> seen;
  for (std::size_t i = 0; i < f.length(); ++i) {
    out.push_back(decode_probe(f.at(i)));
    if (!seen.insert(out.back().offset).second) f.at(i)["offset"].fail(hex(out.back().offset) + " is probed twice");
  }
}

Op op_of(const YamlField& f) {
  for (Op op : {Op::kRead, Op::kWrite, Op::kReadWrite})
    if (f.str() == op_name(op)) return op;
  f.fail("'" + f.str() + "' is not an op (read, write or rw)");
}

// {op, block_sizes, min_throughput, max_p50, max_p99}: at least one limit; the cells it names
// must be ones the sweep measures, or it would never be checked.
Threshold decode_threshold(const YamlField& f, const DeviceSpec& d) {
  f.expect_keys({"op", "block_sizes", "min_throughput", "max_p50", "max_p99"});
  Threshold t;
  if (f["op"].present()) t.op = op_of(f["op"]);
  if (t.op && *t.op != Op::kRead && !d.writes.enabled)
    f["op"].fail(std::string(op_name(*t.op)) + " is not measured: writes are not enabled (writes.enabled)");
  if (YamlField b = f["block_sizes"]; b.present()) {
    for (std::size_t i = 0; i < b.length(); ++i) {
      t.block_sizes.push_back(b.at(i).u64());
      const auto& swept = d.sweep.block_sizes;
      if (std::find(swept.begin(), swept.end(), t.block_sizes.back()) == swept.end())
        b.at(i).fail("block size " + std::to_string(t.block_sizes.back()) + " is not in sweep.block_sizes");
    }
  }
  if (YamlField m = f["min_throughput"]; m.present()) {
    t.min_throughput = parse_throughput(m.str());
    if (!t.min_throughput) m.fail("'" + m.str() + "' is not a throughput (e.g. 200MB/s, 1.5GB/s, 64KiB/s)");
  }
  if (f["max_p50"].present()) t.max_p50 = std::chrono::duration<double>(latency_of(f["max_p50"])).count();
  if (f["max_p99"].present()) t.max_p99 = std::chrono::duration<double>(latency_of(f["max_p99"])).count();
  if (!t.min_throughput && !t.max_p50 && !t.max_p99) f.fail("a threshold needs min_throughput, max_p50 or max_p99");
  return t;
}

// baseline: the path of a saved JSON report; relative to the config file's directory, so a config
// and its baselines can move together. Read and checked by load_baselines (exporter/report).
BaselineSpec decode_baseline(const YamlField& f) {
  BaselineSpec b;
  b.path = f.str();
  if (b.path.empty()) f.fail("must not be empty; give the path of a report written by --once --output json");
  const auto slash = f.source().rfind('/');
  if (b.path.front() != '/' && slash != std::string::npos) b.path = f.source().substr(0, slash + 1) + b.path;
  b.origin = f.where();
  return b;
}

// Cross-field checks that need no BAR size.
void check_consistency(const YamlField& f, const DeviceSpec& d) {
  if (is_wide_width(d.access.width) && d.access.method != AccessMethod::kMmap)
    f["access"]["width"].fail(std::to_string(d.access.width) +
                              "-byte accesses need access.method: mmap "
                              "(pread/pwrite cannot issue one access wider than 8 bytes)");
  if (d.window.offset % d.access.width)
    f["window"]["offset"].fail(hex(d.window.offset) + " is not aligned to the access width " +
                               std::to_string(d.access.width));
  for (std::size_t i = 0; i < d.sweep.block_sizes.size(); ++i) {
    if (d.sweep.block_sizes[i] > d.window.size) {
      YamlField at = f["sweep"]["block_sizes"].present() ? f["sweep"]["block_sizes"].at(i) : f["window"]["size"];
      at.fail("block size " + std::to_string(d.sweep.block_sizes[i]) + " exceeds the window size " +
              std::to_string(d.window.size));
    }
  }
}

// Finds the YAML field a SpecProblem key names ("window.size", "verify[1].offset").
YamlField field_for_key(const YamlField& f, const std::string& key) {
  const auto dot = key.find('.');
  const std::string part = key.substr(0, dot);
  const auto bracket = part.find('[');
  YamlField child =
      bracket == std::string::npos ? f[part] : f[part.substr(0, bracket)].at(std::stoul(part.substr(bracket + 1)));
  return dot == std::string::npos ? child : field_for_key(child, key.substr(dot + 1));
}

DeviceSpec decode_device(const YamlField& f) {
  f.expect_keys({"name", "backend", "address", "bar", "sim", "window", "access", "writes", "sweep", "verify",
                 "thresholds", "metrics", "baseline"});
  DeviceSpec d;
  d.name = f["name"].str();
  if (d.name.empty()) f["name"].fail("must not be empty");
  d.backend = decode_backend(f["backend"]);
  if (d.backend == Backend::kSim) {
    if (f["address"].present()) f["address"].fail("not used by backend sim (remove it)");
  } else {
    auto addr = canonical_pci_address(f["address"].str());
    if (!addr) f["address"].fail("'" + f["address"].str() + "' is not a PCI address (e.g. 0000:22:00.0 or 22:00.0)");
    d.address = *addr;
    if (f["sim"].present()) f["sim"].fail("only for backend sim");
    d.writes.enabled = false;  // real hardware: writes are opt-in
  }
  if (f["bar"].present()) d.bar = static_cast<unsigned>(f["bar"].u64(5));
  if (YamlField s = f["sim"]; s.present()) {
    s.expect_keys({"size", "path", "link", "model"});
    if (s["size"].present()) d.sim.size = s["size"].size();
    if (d.sim.size == 0 || d.sim.size > kMaxSimSize) s["size"].fail("must be between 1 and 1GiB");
    if (s["path"].present()) d.sim.path = s["path"].str();
    if (s["link"].present()) decode_sim_link(s["link"], d.sim.link);
    if (s["model"].present()) decode_sim_model(s["model"], d.sim.model);
  }
  if (f["window"].present()) decode_window(f["window"], d.window);
  if (f["access"].present()) decode_access(f["access"], d.access);
  if (YamlField w = f["writes"]; w.present()) {
    w.expect_keys({"enabled", "restore"});
    if (w["enabled"].present()) d.writes.enabled = w["enabled"].boolean();
    if (w["restore"].present()) d.writes.restore = w["restore"].boolean();
  }
  if (f["sweep"].present()) decode_sweep(f["sweep"], d.sweep);
  if (f["verify"].present()) decode_verify(f["verify"], d.verify);
  if (YamlField t = f["thresholds"]; t.present())
    for (std::size_t i = 0; i < t.length(); ++i) d.thresholds.push_back(decode_threshold(t.at(i), d));
  if (f["metrics"].present()) d.metrics = decode_metrics(f["metrics"], d.sweep);
  if (f["baseline"].present()) d.baseline = decode_baseline(f["baseline"]);
  check_consistency(f, d);
  if (d.backend == Backend::kSim) {
    if (auto p = check_fits_bar(d, d.sim.size)) field_for_key(f, p->key).fail(p->message);
  }
  return d;
}

}  // namespace

DeviceSpec default_device_spec(Backend backend, const std::string& address) {
  DeviceSpec d;
  d.backend = backend;
  d.address = address;
  if (backend != Backend::kSim) {
    d.name = address;
    d.writes.enabled = false;
    d.fit_defaults_to_bar = true;
  }
  return d;
}

Config parse_config(const std::string& yaml_text, const std::string& source) {
  YamlField top(load_yaml(yaml_text, source), "", source);
  if (!top.present()) top.fail("the file is empty; it needs a 'devices' list");
  if (!top.is_map()) top.fail("the top level must be a mapping with a 'devices' list");
  top.expect_keys({"devices"});
  YamlField devices = top["devices"];
  if (!devices.present()) devices.fail("required: a list of at least one device");
  if (devices.length() == 0) devices.fail("must list at least one device");
  Config cfg;
  std::set<std::string> names;
  for (std::size_t i = 0; i < devices.length(); ++i) {
    cfg.devices.push_back(decode_device(devices.at(i)));
    if (!names.insert(cfg.devices.back().name).second)
      devices.at(i)["name"].fail("device name '" + cfg.devices.back().name + "' is used twice");
  }
  return cfg;
}

Config load_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open the config file: " + errno_text());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read the config file: " + errno_text());
  return parse_config(text.str(), path);
}

}  // namespace pcie_bar
