#include "exporter/app/compare_command.h"

#include <gtest/gtest.h>

#include "config/config_error.h"

namespace pcie_bar {
namespace {

TEST(CompareCommand, TakesTwoFilesAndAnOutputFormat) {
  CompareOptions o = parse_compare_cli({"a.json", "--output", "json", "b.json"});
  EXPECT_EQ(o.baseline, "a.json");
  EXPECT_EQ(o.run, "b.json");
  EXPECT_EQ(o.output, OutputFormat::kJson);
  EXPECT_EQ(parse_compare_cli({"a.json", "b.json", "--output=table"}).output, OutputFormat::kTable);
  EXPECT_TRUE(parse_compare_cli({"--help"}).help);
}

TEST(CompareCommand, BadCommandLinesAreOneLine) {
  auto message = [](std::vector<std::string> args) {
    try {
      parse_compare_cli(args);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({"a.json"}),
            "compare: needs two reports, got 1 (usage: compare A.json B.json [--output table|json])");
  EXPECT_EQ(message({"a.json", "b.json", "--output", "csv"}),
            "compare: --output 'csv' is not a format (table or json)");
  EXPECT_EQ(message({"a.json", "b.json", "--fast"}),
            "compare: unexpected argument '--fast' (usage: compare A.json B.json [--output table|json])");
}

}  // namespace
}  // namespace pcie_bar
