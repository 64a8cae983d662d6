#include "exporter/report/report_context.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include "exporter/common/version.h"

namespace pcie_bar {

namespace {

std::string cpu_model(const std::string& proc_root) {
  std::ifstream in(proc_root + "/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

std::string utc_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  return std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) ? buf : "";
}

}  // namespace

ReportContext collect_report_context(const std::string& proc_root) {
  ReportContext c;
  c.tool_version = kVersion;
  c.tool_revision = kRevision;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) c.host = host;
  utsname u{};
  if (uname(&u) == 0) c.kernel = std::string(u.sysname) + " " + u.release;
  c.cpu_model = cpu_model(proc_root);
  c.date = utc_now();
  return c;
}

}  // namespace pcie_bar
