#include "exporter/report/saved_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/exporter/report/sample_report.h"

namespace pcie_bar {
namespace {

std::string json_text(const OnceReport& rep) {
  std::ostringstream out;
  write_json(rep, out);
  return out.str();
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(::testing::TempDir()) + "/" + name + "-" + std::to_string(getpid());
  std::ofstream(path) << text;
  return path;
}

// What the JSON writer saves, the reader gets back: the same figures a run's cells have.
TEST(SavedReport, ReadsBackWhatTheJsonWriterSaved) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].sweep.results[0].repetition_throughputs = {4e6, 4.1e6, 3.9e6};
  const SavedReport saved = parse_saved_report(json_text(rep), "a.json");
  EXPECT_EQ(saved.source, "a.json");
  ASSERT_EQ(saved.devices.size(), 1u);
  const SavedDevice& d = saved.devices[0];
  EXPECT_EQ(d.name, "fpga0");
  const SavedDevice from_run = saved_device(rep.devices[0]);
  ASSERT_EQ(d.cells.size(), from_run.cells.size());
  for (std::size_t i = 0; i < d.cells.size(); ++i) {
    EXPECT_EQ(d.cells[i].op, from_run.cells[i].op);
    EXPECT_EQ(d.cells[i].block_size, from_run.cells[i].block_size);
    const CellFigures &a = d.cells[i].figures, &b = from_run.cells[i].figures;
    EXPECT_DOUBLE_EQ(a.throughput, b.throughput);
    EXPECT_DOUBLE_EQ(a.p50, b.p50);
    EXPECT_DOUBLE_EQ(a.p99, b.p99);
    EXPECT_DOUBLE_EQ(a.p50_ci_low, b.p50_ci_low);
    EXPECT_DOUBLE_EQ(a.p50_ci_high, b.p50_ci_high);
    EXPECT_EQ(a.ops, b.ops);
    EXPECT_EQ(a.repetitions, b.repetitions);
    EXPECT_EQ(a.repetition_throughputs, b.repetition_throughputs);
  }
  EXPECT_EQ(d.cells[0].figures.repetition_throughputs, (std::vector<double>{4e6, 4.1e6, 3.9e6}));
  EXPECT_DOUBLE_EQ(d.cells[0].figures.throughput, 4e6);
}

TEST(SavedReport, CellsThatRanNoOpsAreLeftOut) {
  OnceReport rep = testing::sample_report();
  rep.devices[0].sweep.results[1].ops = 0;
  EXPECT_EQ(parse_saved_report(json_text(rep), "a.json").devices[0].cells.size(), 2u);
}

TEST(SavedReport, AnotherSchemaVersionIsOneLineNamingTheFile) {
  auto j = nlohmann::json::parse(json_text(testing::sample_report()));
  j["schema_version"] = 2;
  try {
    parse_saved_report(j.dump(), "old/a.json");
    FAIL() << "no error";
  } catch (const ReportReadError& e) {
    EXPECT_STREQ(e.what(),
                 "old/a.json: schema_version 2 is not the 1 this build reads; compare with the pcie_bar_exporter that "
                 "wrote it, or measure again with this one");
  }
}

TEST(SavedReport, BadInputsAreOneLineNamingFileAndWhat) {
  auto message = [](const std::string& text) {
    try {
      parse_saved_report(text, "x.json");
    } catch (const ReportReadError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("devices: []"),
            "x.json: not JSON; give a report written by pcie_bar_exporter --once --output json");
  EXPECT_EQ(message(R"({"devices": []})"),
            "x.json: not a pcie_bar_exporter JSON report (no schema_version or devices); write one with --once "
            "--output json");
  auto j = nlohmann::json::parse(json_text(testing::sample_report()));
  j["devices"][0]["results"][2]["latency_seconds"].erase("p50");
  EXPECT_EQ(message(j.dump()), "x.json: devices[0].results[2].latency_seconds.p50: missing");
  j = nlohmann::json::parse(json_text(testing::sample_report()));
  j["devices"][0]["results"][1]["op"] = "copy";
  EXPECT_EQ(message(j.dump()), "x.json: devices[0].results[1].op: 'copy' is not an op (read, write or rw)");
}

TEST(SavedReport, AFileThatCannotBeOpenedIsNamed) {
  try {
    read_saved_report("/nonexistent-dir/a.json");
    FAIL() << "no error";
  } catch (const ReportReadError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent-dir/a.json: cannot open the report: No such file or directory");
  }
}

TEST(SavedReport, MatchingDeviceIsByNameOrTheOnlyOne) {
  SavedReport r;
  r.devices = {SavedDevice{"a", "", {}}};
  EXPECT_EQ(matching_device(r, "b"), &r.devices[0]);  // the only one: another slot, another card
  r.devices.push_back(SavedDevice{"b", "", {}});
  EXPECT_EQ(matching_device(r, "b"), &r.devices[1]);
  EXPECT_EQ(matching_device(r, "c"), nullptr);
}

DeviceSpec spec_with_baseline(const std::string& name, const std::string& path) {
  DeviceSpec d;
  d.name = name;
  d.baseline = BaselineSpec{path, "pcie.yml:4:15: devices[0].baseline", "", {}};
  return d;
}

TEST(SavedReport, LoadBaselinesKeepsTheMatchingDevicesCells) {
  const std::string path = temp_file("baseline.json", json_text(testing::sample_report()));
  std::vector<DeviceSpec> devices{spec_with_baseline("fpga0", path), DeviceSpec{}};
  load_baselines(devices);
  EXPECT_EQ(devices[0].baseline->device, "fpga0");
  EXPECT_EQ(devices[0].baseline->cells.size(), 3u);
  EXPECT_FALSE(devices[1].baseline);
  unlink(path.c_str());
}

TEST(SavedReport, LoadBaselinesErrorsNameTheConfigKeyAndTheFile) {
  std::vector<DeviceSpec> missing{spec_with_baseline("fpga0", "/nonexistent-dir/old.json")};
  try {
    load_baselines(missing);
    FAIL() << "no error";
  } catch (const ReportReadError& e) {
    EXPECT_STREQ(e.what(),
                 "pcie.yml:4:15: devices[0].baseline: /nonexistent-dir/old.json: cannot open the report: No such file "
                 "or directory");
  }
  OnceReport two = testing::sample_report();
  two.devices.push_back(testing::failed_run("fpga1", Backend::kVfio, "0000:23:00.0", "busy"));
  const std::string path = temp_file("two.json", json_text(two));
  std::vector<DeviceSpec> unknown{spec_with_baseline("fpga9", path)};
  try {
    load_baselines(unknown);
    FAIL() << "no error";
  } catch (const ReportReadError& e) {
    EXPECT_EQ(std::string(e.what()), "pcie.yml:4:15: devices[0].baseline: " + path +
                                         ": no device named fpga9 (the report holds fpga0, fpga1)");
  }
  std::vector<DeviceSpec> failed{spec_with_baseline("fpga1", path)};
  try {
    load_baselines(failed);
    FAIL() << "no error";
  } catch (const ReportReadError& e) {
    EXPECT_EQ(std::string(e.what()), "pcie.yml:4:15: devices[0].baseline: " + path +
                                         ": device fpga1 measured nothing (busy); save a report of a complete run");
  }
  unlink(path.c_str());
}

}  // namespace
}  // namespace pcie_bar
