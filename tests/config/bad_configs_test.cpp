// The corpus in tests/data/bad-configs: every file fails with exactly the one-line message in
// its .err file ({file} stands for its path), quickly, and the real binary exits 2 on it.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_loader.h"
#include "tests/support/exporter_process.h"
#include "tests/support/run_command.h"

namespace pcie_bar {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(PCIE_BAR_SOURCE_DIR "/tests/data/bad-configs"))
    if (e.path().extension() == ".yml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string expected_error(const fs::path& yml) {
  std::ifstream in(fs::path(yml).replace_extension(".err"));
  std::string line;
  std::getline(in, line);
  return line.replace(line.find("{file}"), 6, yml.string());
}

// The parameterized tests below cannot notice a corpus that went missing: zero files make zero
// test cases, and zero test cases pass.
TEST(BadConfigs, CorpusHasAtLeastFortyCases) { EXPECT_GE(corpus().size(), 40u); }

// One test case per corpus file, named after it ("16-unknown-backend.yml" -> 16_unknown_backend),
// so a failure names its file and one file can be run alone with --gtest_filter.
class BadConfigFile : public ::testing::TestWithParam<fs::path> {};

std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

TEST_P(BadConfigFile, FailsWithItsOneLineMessageQuickly) {
  const fs::path& yml = GetParam();
  auto t0 = std::chrono::steady_clock::now();
  try {
    load_config_file(yml.string());
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), expected_error(yml));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
}

TEST_P(BadConfigFile, TheBinaryExitsTwoWithOneLine) {
  const fs::path& yml = GetParam();
  auto r = testing::run_command({PCIE_BAR_EXPORTER_BIN, "--config.file", yml.string(), "--once"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "pcie_bar_exporter: " + expected_error(yml) + "\n");
  EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(BadConfigs, BadConfigFile, ::testing::ValuesIn(corpus()), case_name);

TEST(BadConfigs, ATenMegabyteFileIsReadAndRejectedPromptly) {
  std::ostringstream big;
  for (int i = 0; i < 200'000; ++i) big << "# padding line " << i << " .................................\n";
  big << "devices: 5\n";
  std::string path = testing::write_temp_file("big.yml", big.str());
  ASSERT_GE(fs::file_size(path), 10u << 20);
  auto t0 = std::chrono::steady_clock::now();
  try {
    load_config_file(path);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ":200001:10: devices: expected a list, got '5'");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

}  // namespace
}  // namespace pcie_bar
