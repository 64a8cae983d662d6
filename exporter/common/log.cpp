#include "exporter/common/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "config/config_error.h"

namespace pcie_bar {

namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};

const char* level_name(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "?";
}

// logfmt: bare when the value is a simple token, else quoted with " and \ escaped.
std::string logfmt_value(const std::string& v) {
  bool bare = !v.empty();
  for (char c : v) bare &= c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f;
  if (bare) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\')
      q += '\\', q += c;
    else if (c == '\n')
      q += "\\n";
    else
      q += c;
  }
  return q + "\"";
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

LogLevel parse_log_level(const std::string& name) {
  for (LogLevel l : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError})
    if (name == level_name(l)) return l;
  throw ConfigError("--log.level: '" + name + "' is not a level (debug, info, warn or error)");
}

void set_log_level(LogLevel level) { g_level = level; }

void log_event(LogLevel level, const std::string& msg, std::initializer_list<LogField> fields) {
  if (level < g_level.load()) return;
  std::string line = "ts=" + timestamp() + " level=" + level_name(level) + " msg=" + logfmt_value(msg);
  for (const auto& [key, value] : fields) line += std::string(" ") + key + "=" + logfmt_value(value);
  line += '\n';
  std::fputs(line.c_str(), stderr);  // one write per line, so threads do not interleave within a line
}

}  // namespace pcie_bar
