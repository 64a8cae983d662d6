#include "tests/support/golden_file.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace pcie_bar::testing {

namespace {

constexpr std::size_t kContextLines = 3;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  if (!text.empty() && text.back() != '\n') out.back() += "\\ (no newline at end)";
  return out;
}

bool update_requested() {
  const char* v = std::getenv(kUpdateGoldenVariable);
  return v != nullptr && std::string(v) == "1";
}

}  // namespace

std::string golden_path(const std::string& name) {
  return std::string(PCIE_BAR_SOURCE_DIR) + "/tests/data/golden/" + name;
}

std::optional<std::string> first_difference(const std::string& expected, const std::string& actual) {
  if (expected == actual) return std::nullopt;
  const auto want = lines_of(expected), got = lines_of(actual);
  std::size_t at = 0;
  while (at < want.size() && at < got.size() && want[at] == got[at]) ++at;
  std::ostringstream out;
  out << "@@ -" << at + 1 << " +" << at + 1 << " @@\n";
  for (std::size_t i = at > kContextLines ? at - kContextLines : 0; i < at; ++i) out << " " << want[i] << "\n";
  for (std::size_t i = at; i < want.size() && i < at + kContextLines; ++i) out << "-" << want[i] << "\n";
  if (at >= want.size()) out << "-(end of file)\n";
  for (std::size_t i = at; i < got.size() && i < at + kContextLines; ++i) out << "+" << got[i] << "\n";
  if (at >= got.size()) out << "+(end of output)\n";
  return out.str();
}

std::optional<std::string> golden_difference(const std::string& name, const std::string& actual) {
  const std::string path = golden_path(name);
  if (update_requested()) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return path + " is missing; create it with " + kUpdateGoldenVariable + "=1";
  const std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto diff = first_difference(expected, actual);
  if (!diff) return std::nullopt;
  return "the output differs from " + path + " (-golden +actual), first difference:\n" + *diff +
         "If the change is intended, rerun this test with " + kUpdateGoldenVariable +
         "=1 to rewrite the file, review `git diff tests/data/golden/` and commit it.";
}

}  // namespace pcie_bar::testing
