# SPDX-License-Identifier: GPL-2.0
"""The harness's Python module, beside ci/lib.sh.

The facts every script shares (the series list, variant names, config
fragments, the guest's command line) are defined once, in ci/lib.sh; the
functions here ask it. The parsers the reporters share live here too: the
suite's gtest XML as a list of cases, and the small file readers.

A script under ci/<role>/ imports it with

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import harness
"""
import functools
import json
import os
import subprocess
import xml.etree.ElementTree as ET

CI_DIR = os.path.dirname(os.path.abspath(__file__))
TOP_DIR = os.path.dirname(CI_DIR)
LIB_SH = os.path.join(CI_DIR, "lib.sh")

# The statuses a test case can have, as KTAP and kunit.py's JSON name them.
PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


@functools.lru_cache(maxsize=None)
def lib(*call):
    """The output of one ci/lib.sh function called with its arguments."""
    return subprocess.run(["bash", "-c", '. "$0" && "$@"', LIB_SH, *call],
                          check=True, capture_output=True, text=True).stdout


def lib_var(name):
    """The value of one ci/lib.sh variable."""
    return subprocess.run(["bash", "-c", f'. "$0" && printf %s "${name}"', LIB_SH],
                          check=True, capture_output=True, text=True).stdout


def script(role, name):
    """The path of the harness script ci/ROLE/NAME."""
    return os.path.join(CI_DIR, role, name)


def suite_path(name):
    """The path of one of the suite's builds that every line shares:
    $NAME as make exported it (TESTS_BUILD, INITRAMFS, TESTS32_BUILD,
    INITRAMFS32), else its default under $O (ci/lib.sh suite_paths)."""
    return subprocess.run(["bash", "-c", f'. "$0" && suite_paths && printf %s "${name}"', LIB_SH],
                          check=True, capture_output=True, text=True).stdout


def line():
    """The selected kernel line: $LINE, else the default line (ci/lib.sh)."""
    return os.environ.get("LINE") or lib("default_line").strip()


def series(patches_dir=None):
    """The patch file names the selected line's series lists, in order."""
    return lib("series_patches", *([patches_dir] if patches_dir else [])).split()


def tree_name(patches):
    """The source tree a PATCHES value checks out: "ref" or "ours"."""
    return lib("tree_name", patches).strip()


def variant_name(tree, userns, opt="s", debug="0"):
    """The name of one kernel build: its $O/kbuild and $O/results directory."""
    return lib("variant_name", tree, userns, opt, debug).strip()


def config_fragments(userns, opt="s", debug="0"):
    """The kernel-config/ fragments of a variant, in merge order."""
    return lib("config_fragments", userns, opt, debug).split()


def idmap_scratch_fs(src):
    """The filesystem the suite's idmapped-mount tests need on kernel tree
    SRC of the selected line: "ext4" before Linux 6.3, "" (tmpfs) from then."""
    return lib("idmap_scratch_fs", src, line()).strip()


def read(path, default=None):
    """A text file's content, or DEFAULT when it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def load_json(path, default=None):
    """A JSON file's content, or DEFAULT when it is missing or broken."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def gtest_cases(path):
    """The cases of a gtest XML report, in order, each a dict: area (the
    suite, without a parameterised prefix), name (Area.Case), status (PASS,
    FAIL or SKIP), message (a failure's or skip's, whole) and properties
    (what the case recorded with RecordProperty, name to value).
    Cases gtest did not run (filtered out, disabled) are left out. Raises
    ET.ParseError for a truncated or malformed file."""
    cases = []
    for case in ET.parse(path).iter("testcase"):
        if case.get("status") == "notrun":
            continue
        area = case.get("classname", "?").split("/")[-1]
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped")
        if failure is not None:
            status, msg = FAIL, failure.get("message", "")
        elif case.get("result") == "skipped" or skipped is not None:
            status, msg = SKIP, skipped.get("message", "") if skipped is not None else ""
        else:
            status, msg = PASS, ""
        cases.append({"area": area, "name": f"{area}.{case.get('name')}", "status": status,
                      "message": msg,
                      "properties": {p.get("name"): p.get("value") for p in case.iter("property")}})
    return cases


# The kernel's own KTAP tools (tools/testing/kunit), taken from the pinned
# tree: kunit_parser reads KTAP, kunit_json writes kunit.py's --json.
KUNIT_TOOL_FILES = ("kunit_parser.py", "kunit_printer.py", "kunit_json.py")


def kunit_tool_dir():
    """A directory holding the pinned tree's kunit_parser, kunit_printer and
    kunit_json: $KUNIT_TOOL, or $O/kunit-tool, filled from the pristine
    import ($O/src/linux.git) the first time."""
    if os.environ.get("KUNIT_TOOL"):
        return os.environ["KUNIT_TOOL"]
    out = os.environ.get("O") or os.path.join(TOP_DIR, "out")
    tool = os.path.join(out, "kunit-tool")
    if all(os.path.exists(os.path.join(tool, f)) for f in KUNIT_TOOL_FILES):
        return tool
    repo = os.path.join(out, "src", "linux.git")
    os.makedirs(tool, exist_ok=True)
    for f in KUNIT_TOOL_FILES:
        r = subprocess.run(["git", "--git-dir", repo, "show", f"pristine:tools/testing/kunit/{f}"],
                           capture_output=True)
        if r.returncode:
            raise RuntimeError(f"cannot read tools/testing/kunit/{f} from {repo}: "
                               "run 'make fetch' first (or set KUNIT_TOOL to a kernel "
                               "tree's tools/testing/kunit)")
        with open(os.path.join(tool, f + ".tmp"), "wb") as fh:
            fh.write(r.stdout)
        os.replace(os.path.join(tool, f + ".tmp"), os.path.join(tool, f))
    return tool


@functools.lru_cache(maxsize=None)
def kunit_tool():
    """The modules (kunit_parser, kunit_json), their progress output muted."""
    import importlib
    import sys
    sys.path.insert(0, kunit_tool_dir())
    parser = importlib.import_module("kunit_parser")
    parser.stdout = quiet_kunit_printer()
    return parser, importlib.import_module("kunit_json")


@functools.lru_cache(maxsize=None)
def quiet_kunit_printer():
    """A kunit_printer.Printer that prints nothing. Its constructor took
    the output stream in older trees (6.12); newer ones (7.3) take print=."""
    import importlib
    import inspect
    import io
    printer = importlib.import_module("kunit_printer")
    if "print" in inspect.signature(printer.Printer).parameters:
        return printer.Printer(print=False, output=io.StringIO())
    return printer.Printer(io.StringIO())


def parse_ktap(text):
    """KTAP (a kernel log, or the suite's results.ktap) parsed by the
    kernel's kunit_parser: its Test tree."""
    import inspect
    parser, _ = kunit_tool()
    # Newer trees (7.3) take the printer as an argument; older ones use a global.
    if "printer" in inspect.signature(parser.parse_run_tests).parameters:
        return parser.parse_run_tests(text.splitlines(), quiet_kunit_printer())
    return parser.parse_run_tests(text.splitlines())


def ktap_leaves(test, prefix=""):
    """(name, status) of every test case of a kunit_parser Test tree, the
    name as suite.case; status is PASS, FAIL or SKIP (a crash is a FAIL)."""
    parser, _ = kunit_tool()
    for sub in test.subtests:
        name = f"{prefix}{sub.name}"
        if sub.subtests:
            yield from ktap_leaves(sub, name + ".")
        elif sub.status == parser.TestStatus.SUCCESS:
            yield name, PASS
        elif sub.status == parser.TestStatus.SKIPPED:
            yield name, SKIP
        else:
            yield name, FAIL


def ktap_of_cases(cases):
    """The suite's cases (gtest_cases) as KTAP version 1: one subtest a
    area, one result line a case, skips with their reason."""
    areas = {}
    for c in cases:
        areas.setdefault(c["area"], []).append(c)
    lines = ["KTAP version 1", f"1..{len(areas)}"]
    for i, (area, group) in enumerate(areas.items(), 1):
        lines += ["    KTAP version 1", f"    # Subtest: {area}", f"    1..{len(group)}"]
        for j, c in enumerate(group, 1):
            case = c["name"].split(".", 1)[1]
            if c["status"] == FAIL:
                lines += [f"    # {line}" for line in c["message"].splitlines()]
            word = "not ok" if c["status"] == FAIL else "ok"
            skip = ""
            if c["status"] == SKIP:
                reason = " ".join(c["message"].split())
                skip = f" # SKIP {reason}" if reason else " # SKIP"
            lines.append(f"    {word} {j} {case}{skip}")
        failed = any(c["status"] == FAIL for c in group)
        skipped = all(c["status"] == SKIP for c in group)
        lines.append(f"{'not ok' if failed else 'ok'} {i} {area}{' # SKIP' if skipped and not failed else ''}")
    return "\n".join(lines) + "\n"


def json_of_ktap(text, label):
    """kunit.py's --json (KernelCI's test API shape) of a KTAP text, written
    by the kernel's own kunit_json."""
    _, kjson = kunit_tool()
    doc = json.loads(kjson.get_json_result(parse_ktap(text), kjson.Metadata(arch="x86_64")))
    doc["name"] = label
    return doc


def case_statuses(run_dir):
    """Every case of one run directory and its status: the suite's (from
    gtest.xml, Area.Case), KUnit's (kunit.suite.case, from the KTAP of the
    kernel log) and the kernel selftests' (kselftest.collection:program/
    subtest, from summary.json)."""
    statuses = {}
    xml = os.path.join(run_dir, "gtest.xml")
    if os.path.exists(xml):
        try:
            statuses.update({c["name"]: c["status"] for c in gtest_cases(xml)})
        except ET.ParseError:
            pass
    dmesg = read(os.path.join(run_dir, "dmesg.txt"))
    if dmesg and "KTAP version" in dmesg:
        statuses.update({f"kunit.{n}": s for n, s in ktap_leaves(parse_ktap(dmesg))})
    ksft = (load_json(os.path.join(run_dir, "summary.json"), {}) or {}).get("kselftest") or {}
    word = {"passed": PASS, "failed": FAIL, "skipped": SKIP}
    statuses.update({f"kselftest.{n}": word.get(r, FAIL) for n, r in ksft.get("cases", {}).items()})
    return statuses
