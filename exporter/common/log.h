#pragma once
// Logs on stderr in logfmt, one line per event, as Prometheus' own exporters do:
//   ts=2026-11-22T03:10:00.123Z level=info msg="run finished" device=sim0 seconds=0.061

#include <initializer_list>
#include <string>
#include <utility>

namespace pcie_bar {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Throws ConfigError for an unknown level name.
LogLevel parse_log_level(const std::string& name);
void set_log_level(LogLevel level);

using LogField = std::pair<const char*, std::string>;
void log_event(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields = {});

}  // namespace pcie_bar
