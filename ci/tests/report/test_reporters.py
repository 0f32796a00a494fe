# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the reporters (ci/report/, ci/harness.py) on saved logs.

data/ holds what real guests sent home: a whole passing run of our kernel
(console, kernel log with KUnit's KTAP, gtest XML), the reference's gtest
XML of a USER_NS=n run (its skips), a bench-smoke run, and make bench's icount
runs of ours (n and y) with the map shapes and ls -ln, make
test-faults' runs of ours and the reference, and a KCSAN kernel's fuzz
run with the race it reported at boot. Each broken case (a
truncated XML, a panic, a lost guest, KUnit dying mid-suite) is made from
those by cutting or adding to a copy, so it is the real format that
breaks. Run by `make test-host` (ctest), or alone:

    O=out python3 -m unittest discover -s ci/tests/report -v
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
CI = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
sys.path.insert(0, CI)
import harness  # noqa: E402

VERDICT = os.path.join(CI, "report", "verdict")
SUMMARIZE = os.path.join(CI, "report", "summarize")
COMPARE = os.path.join(CI, "report", "compare")
BENCH_REPORT = os.path.join(CI, "report", "bench-report")
KSELFTEST_COMPARE = os.path.join(CI, "report", "kselftest-compare")
FAULTS_REPORT = os.path.join(CI, "report", "faults-report")
KCSAN_REPORT = os.path.join(CI, "report", "kcsan-report")
RUN_FILES = ("console.log", "dmesg.txt", "gtest.xml", "exit-status", "kernel-release", "uptime")


def run(*cmd, env=None):
    return subprocess.run(list(cmd), capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


class Scratch(unittest.TestCase):
    """A test with a scratch directory, removed after it."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="reporters-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def saved_run(self, name="ours-userns-y", files=RUN_FILES):
        """A copy of the saved passing run, as a run directory NAME."""
        d = os.path.join(self.tmp, "results", name)
        os.makedirs(d)
        for f in files:
            shutil.copy(os.path.join(DATA, "ours-userns-y", f), d)
        return d

    def verdict(self, d, *extra):
        r = run(sys.executable, VERDICT, "--out", d, "--label", os.path.basename(d),
                "--mode", "suite", *extra)
        return r, harness.load_json(os.path.join(d, "summary.json"), {})


class GtestXml(unittest.TestCase):
    def test_every_case_of_the_saved_run_is_read_with_its_status(self):
        cases = harness.gtest_cases(os.path.join(DATA, "ours-userns-y", "gtest.xml"))
        statuses = {c["status"] for c in cases}
        self.assertGreater(len(cases), 150)
        self.assertEqual(statuses, {harness.PASS})
        self.assertTrue(all("." in c["name"] and c["area"] for c in cases))

    def test_a_run_without_user_namespaces_keeps_its_skips_with_their_reasons(self):
        cases = harness.gtest_cases(os.path.join(DATA, "ours-userns-n.gtest.xml"))
        skips = [c for c in cases if c["status"] == harness.SKIP]
        self.assertTrue(skips, "USER_NS=n skips what needs user namespaces")
        self.assertTrue(all(c["message"] for c in skips))

    def test_a_failure_is_a_fail_with_its_message(self):
        path = os.path.join(tempfile.mkdtemp(), "g.xml")
        self.addCleanup(shutil.rmtree, os.path.dirname(path))
        with open(path, "w") as f:
            f.write('<testsuites><testsuite name="A"><testcase name="B" classname="A" '
                    'status="run"><failure message="x.cc:1&#x0A;Expected: 1"/></testcase>'
                    '<testcase name="C" classname="A" status="notrun"/></testsuite></testsuites>')
        self.assertEqual(harness.gtest_cases(path),
                         [{"area": "A", "name": "A.B", "status": harness.FAIL,
                           "message": "x.cc:1\nExpected: 1", "properties": {}}])

    def test_a_cases_recorded_properties_are_read(self):
        cases = harness.gtest_cases(os.path.join(DATA, "faults", "ours", "gtest.xml"))
        unshare = [c for c in cases if c["name"] == "FailedAllocation.UnshareFailsCleanly"]
        self.assertEqual(set(unshare[0]["properties"]), {"points", "outcomes", "untouched"})
        self.assertEqual(unshare[0]["properties"]["untouched"], "success")


class Ktap(unittest.TestCase):
    def test_the_suite_as_ktap_reads_back_through_kunit_parser_unchanged(self):
        cases = harness.gtest_cases(os.path.join(DATA, "ours-userns-n.gtest.xml"))
        ktap = harness.ktap_of_cases(cases)
        parsed = dict(harness.ktap_leaves(harness.parse_ktap(ktap)))
        self.assertEqual(parsed, {c["name"]: c["status"] for c in cases})

    def test_the_json_is_kunit_pys_shape_one_group_an_area(self):
        cases = harness.gtest_cases(os.path.join(DATA, "ours-userns-n.gtest.xml"))
        doc = harness.json_of_ktap(harness.ktap_of_cases(cases), "ref-userns-y")
        self.assertEqual(doc["name"], "ref-userns-y")
        self.assertEqual({g["name"] for g in doc["sub_groups"]}, {c["area"] for c in cases})
        statuses = {f"{g['name']}.{t['name']}": t["status"]
                    for g in doc["sub_groups"] for t in g["test_cases"]}
        self.assertEqual(statuses, {c["name"]: c["status"] for c in cases})

    def test_kunit_at_boot_is_read_from_the_saved_kernel_log(self):
        with open(os.path.join(DATA, "ours-userns-y", "dmesg.txt")) as f:
            leaves = dict(harness.ktap_leaves(harness.parse_ktap(f.read())))
        self.assertGreaterEqual(len(leaves), 30)
        self.assertEqual(set(leaves.values()), {harness.PASS})


class Verdict(Scratch):
    def test_the_saved_passing_run_passes_with_its_counts(self):
        d = self.saved_run()
        r, s = self.verdict(d)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(s["status"], "pass")
        self.assertEqual(s["counts"]["failed"], 0)
        self.assertGreater(s["counts"]["passed"], 150)
        self.assertGreaterEqual(s["kunit"]["passed"], 30)
        self.assertEqual(s["kunit"]["failed"], 0)
        self.assertTrue(os.path.exists(os.path.join(d, "results.ktap")))
        self.assertEqual(harness.load_json(os.path.join(d, "results.json"))["name"], "ours-userns-y")

    def test_a_truncated_gtest_xml_fails_and_says_so(self):
        d = self.saved_run()
        path = os.path.join(d, "gtest.xml")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text[:len(text) // 2])
        r, s = self.verdict(d)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(s["status"], "fail")
        self.assertIn("gtest.xml is truncated or malformed", "\n".join(s["reasons"]))

    def test_a_panic_on_the_console_fails_and_is_quoted(self):
        d = self.saved_run()
        with open(os.path.join(d, "console.log"), "a") as f:
            f.write("[   9.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b\n")
        r, s = self.verdict(d)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Kernel panic - not syncing: Attempted to kill init", r.stdout)

    def test_a_guest_that_sent_nothing_is_lost(self):
        d = self.saved_run(files=("console.log",))
        r, s = self.verdict(d)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(s["status"], "lost")

    def test_kunit_dying_mid_suite_fails_by_name(self):
        d = self.saved_run()
        path = os.path.join(d, "dmesg.txt")
        with open(path) as f:
            lines = f.read().splitlines()
        first_ok = next(i for i, line in enumerate(lines) if " ok 1 " in line)
        with open(path, "w") as f:
            f.write("\n".join(lines[:first_ok + 3]) + "\n")
        r, s = self.verdict(d)
        self.assertEqual(r.returncode, 1)
        self.assertGreater(s["kunit"]["failed"], 0)

    def test_a_skip_fails_a_strict_run(self):
        d = self.saved_run("ref-userns-y")
        shutil.copy(os.path.join(DATA, "ours-userns-n.gtest.xml"), os.path.join(d, "gtest.xml"))
        r, s = self.verdict(d)
        self.assertEqual(r.returncode, 0, r.stdout)
        r, s = self.verdict(d, "--strict-skips")
        self.assertEqual(r.returncode, 1)
        self.assertIn("skipped on a kernel that should provide them", "\n".join(s["reasons"]))


class Summarize(Scratch):
    def test_the_closing_line_counts_every_run(self):
        for name in ("ours-userns-y", "ref-userns-y"):
            self.verdict(self.saved_run(name))
        r = run(sys.executable, SUMMARIZE, "--final", os.path.join(self.tmp, "results"))
        self.assertEqual(r.returncode, 0, r.stdout)
        n = len(harness.gtest_cases(os.path.join(DATA, "ours-userns-y", "gtest.xml")))
        self.assertEqual(r.stdout.splitlines()[-1], f"{2 * n} passed, 0 failed, 0 skipped")

    def test_the_closing_line_counts_every_line_and_a_failing_one_fails_it(self):
        self.verdict(self.saved_run())
        other = os.path.join(self.tmp, "line-6.1", "results")
        os.makedirs(os.path.dirname(other))
        os.rename(os.path.join(self.tmp, "results"), other)
        self.verdict(self.saved_run())
        path = os.path.join(self.tmp, "results", "ours-userns-y", "gtest.xml")
        tree = ET.parse(path)
        ET.SubElement(next(tree.iter("testcase")), "failure", message="broke")
        tree.write(path)
        self.verdict(os.path.dirname(path))
        r = run(sys.executable, SUMMARIZE, "--final", os.path.join(self.tmp, "results"), other)
        self.assertEqual(r.returncode, 1, r.stdout)
        n = len(harness.gtest_cases(os.path.join(DATA, "ours-userns-y", "gtest.xml")))
        self.assertEqual(r.stdout.splitlines()[-1], f"{2 * n - 1} passed, 1 failed, 0 skipped")
        self.assertIn(f"{other}/summary.json", r.stdout)

    def test_a_results_dir_with_no_run_fails_the_closing_line(self):
        self.verdict(self.saved_run())
        r = run(sys.executable, SUMMARIZE, "--final", os.path.join(self.tmp, "results"),
                os.path.join(self.tmp, "missing"))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("no runs in", r.stdout)
        self.assertRegex(r.stdout.splitlines()[-1], r"^\d+ passed, 1 failed, 0 skipped$")

    def test_a_flag_without_its_value_is_a_usage_error(self):
        r = run(sys.executable, SUMMARIZE, os.path.join(self.tmp, "results"), "--only")
        self.assertEqual(r.returncode, 2)
        self.assertIn("expected one argument", r.stderr)
        self.assertNotIn("Traceback", r.stderr)


class Compare(Scratch):
    def test_a_case_that_stopped_passing_is_a_regression(self):
        base = self.saved_run()
        os.rename(os.path.dirname(base), os.path.join(self.tmp, "base"))
        self.verdict(os.path.join(self.tmp, "base", "ours-userns-y"))
        new = self.saved_run()
        path = os.path.join(new, "gtest.xml")
        tree = ET.parse(path)
        case = next(tree.iter("testcase"))
        ET.SubElement(case, "failure", message="broke")
        tree.write(path)
        name = f"{case.get('classname')}.{case.get('name')}"
        self.verdict(new)
        r = run(sys.executable, COMPARE, os.path.join(self.tmp, "base"), os.path.join(self.tmp, "results"))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn(f"REGRESSION {name}: PASS -> FAIL", r.stdout)

    def test_the_same_run_twice_changes_nothing(self):
        d = self.saved_run()
        self.verdict(d)
        results = os.path.dirname(d)
        r = run(sys.executable, COMPARE, results, results)
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("0 changed", r.stdout)


class BenchReport(Scratch):
    def test_the_saved_smoke_run_gives_a_table_and_goals(self):
        shutil.copytree(os.path.join(DATA, "bench-smoke-icount"),
                        os.path.join(self.tmp, "bench", "ours-userns-y", "icount"))
        r = run(sys.executable, BENCH_REPORT, os.path.join(self.tmp, "bench"), "--seconds", "5",
                env={"O": self.tmp})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = harness.load_json(os.path.join(self.tmp, "bench", "results.json"))
        self.assertTrue(report["rows"])
        self.assertEqual(report["wall_seconds"], 5)

    def test_a_run_with_map_shapes_gives_a_goal_per_shape_and_the_command_table(self):
        # make bench's icount runs of ours, USER_NS=n and =y: extent counts,
        # the named map shapes and the busybox ls -ln case side by side.
        shutil.copytree(os.path.join(DATA, "bench-shapes"), os.path.join(self.tmp, "bench"))
        r = run(sys.executable, BENCH_REPORT, os.path.join(self.tmp, "bench"),
                env={"O": self.tmp})
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        report = harness.load_json(os.path.join(self.tmp, "bench", "results.json"))
        goals = {g["goal"]: g["met"] for g in report["goals"]}
        # 592.2 vs 587.2 in the initial namespace; 626.2 with the owner in
        # the second extent of a rootless map.
        self.assertTrue(goals["-Os fstat, initial namespace: ours USER_NS=y at most 1% above "
                              "USER_NS=n"])
        self.assertFalse(goals["-Os fstat, child namespace, rootless-owner-second: ours "
                               "USER_NS=y at most 3% above USER_NS=n"])
        self.assertIn("-Os statx, child namespace, one extent (moonshot): ours USER_NS=y at "
                      "most 1% above USER_NS=n", goals)
        per_file = {(c["variant"], c["fs"], c["extents"]): c["per_file"] for c in report["command"]}
        self.assertIn(("ours-userns-y", "tmpfs", "rootless-owner-second"), per_file)
        self.assertIn("child, rootless-owner-second", r.stdout)

    def test_seconds_without_its_value_is_a_usage_error(self):
        r = run(sys.executable, BENCH_REPORT, self.tmp, "--seconds")
        self.assertEqual(r.returncode, 2)
        self.assertNotIn("Traceback", r.stderr)


class FaultsReport(Scratch):
    """ci/report/faults-report on make test-faults' saved runs: 17 sweeps
    on ours and on the reference, both passing."""

    def runs(self):
        for side in ("ours", "ref"):
            shutil.copytree(os.path.join(DATA, "faults", side), os.path.join(self.tmp, side))
        return os.path.join(self.tmp, "ours"), os.path.join(self.tmp, "ref")

    def report(self, ours, ref):
        out = os.path.join(self.tmp, "report")
        r = run(sys.executable, FAULTS_REPORT, "--out", out, ours, ref)
        return r, harness.load_json(os.path.join(out, "results.json"), {}), \
            harness.load_json(os.path.join(out, "summary.json"), {})

    def edit(self, path, old, new):
        with open(path) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(path, "w") as f:
            f.write(text.replace(old, new, 1))

    def test_the_saved_runs_pass_with_a_row_per_sweep(self):
        r, results, summary = self.report(*self.runs())
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(results["rows"]), 17)
        self.assertEqual(summary["status"], "pass")
        self.assertEqual(summary["counts"]["passed"], 17)
        self.assertIn("faults: 17 operations swept on ours", r.stdout)
        second = [row for row in results["rows"]
                  if row["operation"] == "FailedAllocation.ASecondWriteIsEpermWhateverAllocationFails"]
        self.assertEqual(second[0]["ours"], "2 points: ENOMEM x1, EPERM x1; untouched EPERM")

    def test_an_outcome_only_one_kernel_has_is_reported_not_failed(self):
        ours, ref = self.runs()
        self.edit(os.path.join(ref, "gtest.xml"), 'value="ENOMEM x1, EPERM x1"',
                  'value="EFAULT x1, EPERM x1"')
        r, results, summary = self.report(ours, ref)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(summary["status"], "pass")
        self.assertIn("FailedAllocation.ASecondWriteIsEpermWhateverAllocationFails", results["differ"])

    def test_a_failed_sweep_on_ours_fails_and_one_on_the_reference_is_noted(self):
        ours, ref = self.runs()
        for d in (ours, ref):
            summary = harness.load_json(os.path.join(d, "summary.json"))
            summary.update(status="fail", reasons=["1 test(s) failed"],
                           failures=["FailedAllocation.UnshareFailsCleanly: n=12: EAGAIN"])
            with open(os.path.join(d, "summary.json"), "w") as f:
                json.dump(summary, f)
        r, results, summary = self.report(ours, ref)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(summary["status"], "fail")
        self.assertIn("ours: 1 test(s) failed", summary["reasons"])
        self.assertIn("reference failed FailedAllocation.UnshareFailsCleanly: n=12: EAGAIN",
                      summary["notes"])

    def test_a_lost_run_of_ours_fails(self):
        ours, ref = self.runs()
        shutil.rmtree(ours)
        os.makedirs(ours)
        r, _, summary = self.report(ours, ref)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(summary["status"], "lost")


class KcsanReport(Scratch):
    """ci/report/kcsan-report on a KCSAN kernel's saved fuzz run, which
    reported one race at boot (lapic_cal_handler / setup_boot_APIC_clock).
    The build directory is made here: objects whose symbols stand for the
    series' files and for one it does not change."""

    def kbuild(self, ours, other):
        kbuild = os.path.join(self.tmp, "kbuild")
        for obj, fns in (("kernel/user_namespace.o", ours), ("kernel/fork.o", other)):
            src = os.path.join(self.tmp, os.path.basename(obj) + ".c")
            with open(src, "w") as f:
                f.write("".join(f"void {fn}(void) {{}}\n" for fn in fns))
            os.makedirs(os.path.dirname(os.path.join(kbuild, obj)), exist_ok=True)
            subprocess.run(["gcc", "-c", src, "-o", os.path.join(kbuild, obj)], check=True)
        return kbuild

    def run_dir(self, name, rename=None):
        d = os.path.join(self.tmp, name)
        shutil.copytree(os.path.join(DATA, "kcsan-fuzz"), d)
        if rename:
            path = os.path.join(d, "dmesg.txt")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace(*rename))
        return d

    def report(self, *args):
        out = os.path.join(self.tmp, "report")
        r = run(sys.executable, KCSAN_REPORT, "--out", out, *args)
        return r, harness.load_json(os.path.join(out, "results.json"), {})

    def test_a_race_elsewhere_is_listed_and_passes(self):
        kbuild = self.kbuild(["idmap_install", "map_id_up"], ["copy_process"])
        r, results = self.report("--ours", kbuild, self.run_dir("ours"),
                                 "--ref", kbuild, self.run_dir("ref"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(results["rows"]), 1)
        row = results["rows"][0]
        self.assertEqual(row["race"], "data-race in lapic_cal_handler / setup_boot_APIC_clock")
        self.assertEqual(row["accessors"], ["lapic_cal_handler", "setup_boot_APIC_clock"])
        self.assertFalse(row["in_series_files"])
        self.assertTrue(row["reference_too"])

    def test_a_race_in_the_series_files_fails_by_name(self):
        kbuild = self.kbuild(["idmap_install", "map_id_up"], ["copy_process"])
        ours = self.run_dir("ours", ("lapic_cal_handler", "idmap_install"))
        r, results = self.report("--ours", kbuild, ours)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertTrue(results["rows"][0]["in_series_files"])
        self.assertIn("data race in the series' files (idmap_install)", r.stdout)

    def test_a_header_inline_other_files_define_too_is_not_ours(self):
        kbuild = self.kbuild(["idmap_install", "lapic_cal_handler"], ["lapic_cal_handler"])
        r, results = self.report("--ours", kbuild, self.run_dir("ours"))
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertFalse(results["rows"][0]["in_series_files"])


if __name__ == "__main__":
    unittest.main()
