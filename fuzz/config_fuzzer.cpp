// libFuzzer target: any bytes as a config file and as a web config file. Parsing may reject
// the input only with a ConfigError; any other exception, a crash, a hang or a sanitizer report
// is a bug. Run with scripts/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config_error.h"
#include "config/config_loader.h"
#include "config/web_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    pcie_bar::parse_config(text, "fuzz.yml");
  } catch (const pcie_bar::ConfigError&) {
  }
  try {
    pcie_bar::parse_web_config(text, "web.yml", "/nonexistent");
  } catch (const pcie_bar::ConfigError&) {
  }
  return 0;
}
