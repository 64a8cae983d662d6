#pragma once
// Golden files: a whole output checked in under tests/data/golden/, compared byte for byte, so
// any change to it (a HELP text, a label, a bucket) fails until it is accepted on purpose.
//
// To accept a change, run the test with PCIE_BAR_UPDATE_GOLDEN=1 in the environment: the file
// is rewritten with the output, then review it with `git diff tests/data/golden/` and commit it.

#include <optional>
#include <string>

namespace pcie_bar::testing {

// The environment variable that turns comparing into rewriting.
inline constexpr const char* kUpdateGoldenVariable = "PCIE_BAR_UPDATE_GOLDEN";

// Absolute path of tests/data/golden/`name` in the source tree.
std::string golden_path(const std::string& name);

// Nullopt when `actual` equals the golden file `name` (or the file was just rewritten because
// PCIE_BAR_UPDATE_GOLDEN=1); otherwise what differs: the first differing line as a unified
// diff hunk with a little context, and how to accept the change.
std::optional<std::string> golden_difference(const std::string& name, const std::string& actual);

// The first differing line of two texts as a unified diff hunk ("@@ -12 +12 @@", context lines
// with " ", expected with "-", actual with "+"); nullopt when equal.
std::optional<std::string> first_difference(const std::string& expected, const std::string& actual);

}  // namespace pcie_bar::testing
