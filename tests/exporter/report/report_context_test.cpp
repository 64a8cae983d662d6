#include "exporter/report/report_context.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "exporter/common/version.h"

namespace pcie_bar {
namespace {

std::string fake_proc(const std::string& cpuinfo) {
  const std::string dir =
      ::testing::TempDir() + "report_context_proc_" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/cpuinfo") << cpuinfo;
  return dir;
}

TEST(ReportContext, NamesTheToolTheKernelTheCpuAndWhen) {
  const ReportContext c = collect_report_context(
      fake_proc("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9B45\nflags\t\t: fpu\n\n"
                "processor\t: 1\nmodel name\t: AMD EPYC 9B45\n"));
  EXPECT_EQ(c.tool_version, kVersion);
  EXPECT_EQ(c.tool_revision, kRevision);
  EXPECT_EQ(c.cpu_model, "AMD EPYC 9B45");
  EXPECT_EQ(c.kernel.rfind("Linux ", 0), 0u) << c.kernel;
  EXPECT_FALSE(c.host.empty());
  ASSERT_EQ(c.date.size(), 20u) << c.date;  // 2026-11-30T05:00:00Z
  EXPECT_EQ(c.date[10], 'T');
  EXPECT_EQ(c.date.back(), 'Z');
}

TEST(ReportContext, AFactThatCannotBeReadIsEmptyNotAnError) {
  EXPECT_EQ(collect_report_context("/nonexistent-proc").cpu_model, "");
  EXPECT_EQ(collect_report_context(fake_proc("processor\t: 0\n")).cpu_model, "");  // no model name line (arm64)
}

}  // namespace
}  // namespace pcie_bar
