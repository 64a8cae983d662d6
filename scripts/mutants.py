#!/usr/bin/env python3
"""Mutation check of the safety promises: each mutant breaks one promise README makes, in a
small source edit; the tests that guard the promise must then fail. A mutant whose tests still
pass has survived, and the check fails. A mutant whose text is no longer in the source fails the
check too, so this list follows the code.

Usage: scripts/mutants.py [BUILD_DIR [MUTANT...]]   (default build/, configured with -DBUILD_TESTING=ON;
       naming mutants runs only those)
Each mutant is applied, its test binaries rebuilt incrementally, its tests run with ctest, and
the source restored (also on Ctrl-C); the build is brought back to the unmutated source at the end.
"""
import os, subprocess, sys, time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Mutant:
    name: str
    promise: str   # the README promise it attacks
    file: str
    old: str
    new: str
    targets: tuple  # what to rebuild
    tests: str      # ctest -R regex of the guarding tests
    timeout: int = 120  # seconds per test: a mutant may make a test hang, which kills it too


MUTANTS = [
    Mutant("skip-restore-on-cancel", "SIGTERM cancels a sweep after its current op; the window is still restored",
           "core/sweep.cpp", "  restore();\n  if (bar.faulted())", "  if (!runner.cancelled()) restore();\n  if (bar.faulted())",
           ("core_tests",), r"^Sweep\.ACancelDuringWritesStopsThemAndStillRestoresTheWindow$"),
    Mutant("skip-restore-on-error", "with writes.restore the window is written back also when a run fails",
           "core/sweep.cpp", "      restore();  // best effort", "      (void)0;  // best effort",
           ("core_tests",), r"^Sweep\.ADeviceErrorDuringWritesStillRestoresTheWindow$"),
    Mutant("ignore-cancel-in-warm-up", "a cancel stops the sweep after its current op",
           "core/sweep.cpp", "done < n && !stopped();", "done < n;",
           ("core_tests",), r"^Sweep\.ACancelDuringWritesStopsThemAndStillRestoresTheWindow$"),
    Mutant("sweep-writes-with-writes-disabled", "without writes.enabled nothing is ever written",
           "core/sweep.cpp", "      if (!spec.writes.enabled) continue;\n", "",
           ("core_tests",), r"^(MeasureSafety\..*|Sweep\.WritesDisabledMeansNoWriteAtAll)$"),
    Mutant("probe-writes-with-writes-disabled", "without writes.enabled write-verify probes are skipped",
           "core/verify.cpp", "  if (!writes_enabled) return r;\n", "",
           ("core_tests",), r"^MeasureSafety\..*$"),
    Mutant("step-outside-window", "sweeps never touch anything outside the window",
           "core/sweep.cpp", "end_(w.offset + (w.size / block) * block)", "end_(w.offset + (w.size / block + 1) * block)",
           ("core_tests",), r"^(MeasureSafety\..*|Sweep\.NeverAccessesOutsideTheWindow)$"),
    Mutant("drop-all-ones-check", "a device whose every read returns all-ones is down, not measured",
           "core/measure.cpp", "  if (any_read && all_ones)\n", "  if (false)\n",
           ("core_tests",), r"^Measure\.(ADeviceReadingAllOnesIsDownNotData|AllOnesWhereWritesDoNotLandIsDownToo)$"),
    Mutant("wrong-exit-code-for-a-failed-check", "exit code 1: a write-verify probe or an R+W compare failed",
           "exporter/app/exit_code.h", "kExitCheckFailed = 1", "kExitCheckFailed = 4",
           ("exporter_tests",), r"^ExitCode\.ForRuns$"),
    Mutant("threshold-violation-passes", "exit code 1: a figure is beyond one of the device's thresholds",
           "core/measure.cpp", " ||\n         threshold_violated();", ";",
           ("pcie_bar_exporter", "exporter_tests"), r"^Main\.AThresholdViolatedIsExitCode1AndNamedInEveryFormat$"),
    Mutant("html-text-unescaped", "the HTML report shows every text from the config or the system as text, never markup",
           "exporter/report/svg_chart.cpp", """case '<': escaped += "&lt;"; break;""", """case '<': escaped += "<"; break;""",
           ("exporter_tests",), r"^(ReportHtml\.EscapesEveryTextFromTheConfigAndTheSystem|SvgChart\.EscapesTheFiveMarkupCharacters)$"),
    Mutant("html-chart-drops-a-point", "the HTML report's charts hold one point per measured cell",
           "exporter/report/svg_chart.cpp", "  for (const ChartPoint& p : s.points) draw_point(p, f, out);",
           "  for (std::size_t i = 1; i < s.points.size(); ++i) draw_point(s.points[i], f, out);",
           ("pcie_bar_exporter", "exporter_tests"),
           r"^(ReportHtml\.ThroughputHasOneSeriesPerOpAndOnePointPerMeasuredCell|report\.html_browser)$"),
    Mutant("keep-groups-after-run-as", "--run-as switches user, group and supplementary groups",
           "exporter/app/privileges.cpp",
           '  if (initgroups(pw.pw_name, pw.pw_gid) != 0) fail("initgroups");\n  if (setgid(pw.pw_gid) != 0) fail("setgid");\n', "",
           ("pcie_bar_exporter", "integration_tests"), r"^Serve\.RunAsDropsRootAfterOpeningTheDevices$"),
    Mutant("read-only-run-maps-writable", "with writes disabled BAR files are opened read-only and mapped PROT_READ",
           "core/mmap_bar.cpp", "(rw ? O_RDWR : O_RDONLY)", "O_RDWR",
           ("core_tests",), r"^(SysfsBarTest\.WithWritesDisabledTheFileIsMappedReadOnly|UioBarTest\.WithWritesDisabledDevUioIsMappedReadOnly)$"),
    Mutant("setup-ignores-holders", "setup refuses a disk's LVM, dm-crypt or md holders",
           "exporter/setup/setup.cpp", 'for (const auto& holder : entries(block_ + "/" + name + "/holders")) add_with_holders(holder, chain, out);',
           "(void)chain;", ("exporter_tests",), r"^SetupTest\.(RefusesALogicalVolumeOnTheDisk|RefusesAVolumeOnAnMdArrayOnTheDisk)$"),
    Mutant("setup-without-rollback", "a failed bind is rolled back to the original driver",
           "exporter/setup/setup.cpp", 'throw DeviceError(std::string(e.what()) + "; " + roll_back(current, remembered_now));',
           "throw;", ("exporter_tests",), r"^SetupTest\.AFailedBindRollsBackToTheOriginalDriver$"),
    Mutant("no-remap-on-sigbus", "a device vanishing under its mapping does not kill the process",
           "core/bus_error_guard.cpp",
           "    if (!replace_with_anonymous_memory(begin, end)) return die_after_failed_remap(sig, begin, end, errno);\n", "",
           ("core_tests",), r"^Sweep\.ADeviceVanishingUnderTheMappingEndsTheRunNotTheProcess$", timeout=20),
    Mutant("failed-remap-retried-forever", "a SIGBUS whose remap fails ends the process with a message instead of looping",
           "core/bus_error_guard.cpp",
           "    if (!replace_with_anonymous_memory(begin, end)) return die_after_failed_remap(sig, begin, end, errno);\n",
           "    (void)replace_with_anonymous_memory(begin, end);\n",
           ("core_tests",), r"^BusErrorGuardDeathTest\.AFailedRemapEndsTheProcessWithAMessageInsteadOfLooping$", timeout=60),
    Mutant("vzeroupper-clobbers-only-xmm0", "an AVX move leaves the caller's vector registers intact",
           "core/vector_moves.h",
           '"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", \\\n'
           '      "xmm14", "xmm15"', '"xmm0"',
           ("core_tests",), r"^VectorMoves\..*$"),
    Mutant("clock-intrinsics-in-exporter", "the clock's intrinsics stay in core's measuring code",
           "core/clock.h", "#include <cstdint>\n#include <ctime>\n", "#include <x86intrin.h>\n#include <cstdint>\n#include <ctime>\n",
           ("core_tests",), r"^core\.ClockIntrinsicsStayInCore$"),
    Mutant("no-sweep-timeout", "sweep.timeout cuts a longer run short",
           "core/sweep.cpp", "    if (t1 > deadline_) timed_out_ = true;\n", "",
           ("core_tests",), r"^Sweep\.ARunLongerThanItsTimeoutIsCutShort$"),
    Mutant("vanished-sim-file-is-present", "a vanished device is down, the others carry on",
           "core/sim_bar.cpp", '  if (fstat(fd_.get(), &st) != 0 || st.st_nlink == 0)\n    throw DeviceError("sim: backing file " + path_ + " was deleted", ErrorReason::kGone);\n',
           "", ("pcie_bar_exporter", "integration_tests"), r"^Serve\.AVanishedDeviceIsReportedDownWhileTheOtherKeepsWorking$"),
    Mutant("vfio-reopened-at-once", "a failing vfio device is not reset in a loop",
           "exporter/app/device_worker.cpp",
           "    if (spec_.backend == Backend::kVfio) backoff_ = std::max(backoff_, kVfioReopenBackoff / 2);  // doubled next\n",
           "", ("exporter_tests",), r"^DeviceWorker\.AFailedVfioRunIsNotReopenedForAMinuteAsEachReopenResetsTheDevice$"),
    Mutant("few-http-workers", "slow or hostile HTTP clients cannot stop scrapes",
           "exporter/http/web_server.cpp", '"num_threads",           std::to_string(o.threads + o.kept_connections)', '"num_threads", "8"',
           ("pcie_bar_exporter", "integration_tests"), r"^Serve\.HostileClientsDoNotStopOtherScrapes$"),
    Mutant("close-idle-kept-connections", "a kept connection stays open until the scraper closes it",
           "exporter/http/web_server.cpp", '"keep_alive_timeout_ms", "-1"', '"keep_alive_timeout_ms", "500"',
           ("exporter_tests",), r"^WebServer\.AScraperThatKeepsItsConnectionIsAnsweredOnItAfterIdling$"),
]


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=kw.pop("cwd", ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def build(build_dir, targets):
    r = run(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2), "--target", *targets])
    if r.returncode != 0:
        print(r.stdout[-4000:])
    return r.returncode == 0


def try_mutant(m, build_dir):
    path = os.path.join(ROOT, m.file)
    original = open(path).read()
    if original.count(m.old) != 1:
        return "does not apply (its text is not in the source exactly once)"
    try:
        open(path, "w").write(original.replace(m.old, m.new))
        if not build(build_dir, m.targets):
            return "killed (does not compile)"
        r = run(["ctest", "--timeout", str(m.timeout), "-R", m.tests], cwd=build_dir)
        if "No tests were found" in r.stdout or "0 tests failed out of 0" in r.stdout:
            return "no guarding test found for " + m.tests
        return "killed" if r.returncode != 0 else "SURVIVED"
    finally:
        open(path, "w").write(original)


def main():
    build_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    chosen = [m for m in MUTANTS if len(sys.argv) < 3 or m.name in sys.argv[2:]]
    all_targets = sorted({t for m in chosen for t in m.targets})
    if not build(build_dir, all_targets):
        sys.exit("mutants: the unmutated build fails")
    failed = 0
    for m in chosen:
        start = time.time()
        verdict = try_mutant(m, build_dir)
        ok = verdict.startswith("killed")
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {m.name}: {verdict} ({time.time() - start:.0f} s) - promise: {m.promise}", flush=True)
    build(build_dir, all_targets)  # back to the real source
    print(f"mutants: {len(chosen) - failed} of {len(chosen)} killed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
