"""Run the fault suite (tests/faults) and regenerate docs/RELIABILITY.md from what it tried.

    python scripts/reliability.py            # the CI-sized run (~6 min on 2 cores)
    python scripts/reliability.py --long     # more drops, kills and fuzzed inputs
    python scripts/reliability.py --no-write # run and print, leave the document alone
    python scripts/reliability.py --fuzz 10000   # only the fuzzer, N mutated inputs; its
                                                 # section of the document is rewritten
    python scripts/reliability.py --under-load 5 # the two-watchers tests 5 times in a row
                                                 # with one busy loop per core
    python scripts/reliability.py --under-load 5 --whole-suite
                                                 # the whole fault suite (tests/faults) 5 times

Each test appends its counters (kills, files dropped, faults injected, inputs fuzzed, outcomes)
to a JSON-lines file named by PAPERFLOW_FAULTS_REPORT; pytest's JUnit XML gives the outcome of
every test. The document is written from those two only, so it always says what really ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET  # our own pytest output, not outside input
from collections import defaultdict
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "RELIABILITY.md"

WHAT = {
    "crash_watch": "`paperflow watch` (inotify intake, 5 s rescan) under a stream of drops over "
                   "~70 s, SIGKILLed (whole process group and its LibreOffice workers) at random "
                   "moments and restarted; then one clean `run --once` and `send`",
    "two_watchers": "two `paperflow watch` processes (polling intake) on one workspace",
    "register_open_race": "processes opening one new register at the same moment",
    "fuzz_extract": "hypothesis mutations (flip/insert/delete/truncate/repeat bytes, also inside "
                    "one XML part of the zip) of real .xlsx/.docx/.pdf/.cer through "
                    "`extract.read`, in a worker under RLIMIT_AS 2 GB and a 60 s limit per input",
    "hostile_files": "billion laughs (docx, xlsx), nested PDF arrays (200 000) and dictionaries "
                     "(50 000), a looping page tree, a 20000×20000 image in a PDF, an "
                     "80000×80000 PNG in a .docx, `../` and absolute member names in zips",
    "hostile_names": "file names with Windows `..\\` separators, a leading dash, a newline, "
                     "NFD accents, 245 bytes, a device name, a nested `rejected/`, a symlink "
                     "out of the inbox, a hidden `..\\..\\` name",
    "libreoffice_hang": "soffice frozen (SIGSTOP) in the middle of a batch, 8 s timeout",
    "token_unplugged": "the SoftHSM token store removed after two signatures, then put back "
                       "and `paperflow sign`",
    "smtp_unreachable": "no SMTP server during the batch; then one, `send` twice",
    "disk_full": "outbox/ on a 1 MB tmpfs (the batch needs ~3.5 MB); then space again",
    "secrets": "full batch with known PINs and SMTP password (AUTH): every workspace file, the "
               "SQLite db, logs, new /tmp files and the output scanned (plain, UTF-16, base64, "
               "AUTH PLAIN forms)",
    "secrets_ps": "process command lines sampled every 50 ms during a batch",
    "mail_once": "`run --no-sign` (the import sheet mailed unsigned) → `sign` with a wrong PIN → "
                 "`sign` → `send`, `--retry-failed`, `--resend-uncertain`; arrivals counted by "
                 "an aiosmtpd server",
    "register_lost": "paperflow.db deleted next to an issued batch; the same files dropped "
                     "again; `run` refused, then `--new-register`; numbers compared",
    "reconcile": "the states a SIGKILL leaves between two steps: a batch folder without "
                 "recorded documents, a `sign` swap with only `.<batch>.old`; then `sign`",
    "workstations": "two `paperflow watch` with their own workspace folders, one PostgreSQL "
                    "register, one shared inbox; one SIGKILLed and restarted",
}
LOAD_TESTS = ["tests/faults/test_two_watchers.py", "tests/faults/test_duplicate_race.py"]


FUZZ_BEGIN = "<!-- fuzz run: written by scripts/reliability.py --fuzz N -->"
FUZZ_END = "<!-- end of fuzz run -->"


def run_suite(args: argparse.Namespace, report: Path, junit: Path) -> int:
    env = dict(os.environ, PAPERFLOW_FAULTS_REPORT=str(report))
    if args.fuzz:
        env["PAPERFLOW_FUZZ_EXAMPLES"] = str(args.fuzz)
    if args.long:
        env.setdefault("PAPERFLOW_FUZZ_EXAMPLES", "3000")
        env.setdefault("PAPERFLOW_FAULTS_UNITS", "90")
        env.setdefault("PAPERFLOW_FAULTS_DROP_S", "150")
        env.setdefault("PAPERFLOW_FAULTS_KILLS", "8")
    if args.seed:
        env["PAPERFLOW_FAULTS_SEED"] = str(args.seed)
    target = "tests/faults/test_fuzz_extract.py" if args.fuzz else "tests/faults"
    cmd = [sys.executable, "-m", "pytest", target, "-q", "-p", "no:cacheprovider",
           f"--junitxml={junit}", *args.pytest]
    print("$", " ".join(cmd), flush=True)
    return subprocess.run(cmd, cwd=REPO, env=env).returncode


def outcomes(junit: Path) -> list[tuple[str, str, float, str]]:
    """(test, outcome, seconds, message) from pytest's JUnit XML."""
    rows = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, message = "FAILED", (child.get("message") or "")[:200]
            elif child.tag == "skipped":
                kind = child.get("type", "")
                outcome = "xfail (known, reported)" if "xfail" in kind else "skipped"
                message = (child.get("message") or "")[:300]
        rows.append((case.get("name", ""), outcome, float(case.get("time", 0)), message))
    return rows


def tool_version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def render(records: list[dict], tests: list[tuple[str, str, float, str]], rc: int,
           args: argparse.Namespace) -> str:
    by: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by[r.pop("test")].append(r)
    total = sum(t[2] for t in tests)
    passed = sum(1 for t in tests if t[1] == "passed")
    lines = [
        "# Reliability: what was tried, and what survived",
        "",
        "Generated by `python scripts/reliability.py"
        + (" --long" if args.long else "") + "` — do not edit by hand.",
        "",
        f"- Date: {datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
        f"- Machine: {socket.gethostname()}, {platform.platform()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        f"- LibreOffice: {tool_version(['soffice', '--version'])}; SoftHSM: "
        f"{tool_version(['softhsm2-util', '--version'])}",
        f"- Result: {passed} of {len(tests)} tests passed, pytest exit code {rc}, "
        f"{total / 60:.1f} min",
        "",
        "## The promise",
        "",
        "Every file dropped ends as processed (in `archive/`) or rejected with a reason "
        "(`inbox/rejected/NAME` + `NAME.error.txt`), exactly once; every certificate gets "
        "exactly one action across all batches; every message is sent at most once and every "
        "one logged as sent was received; no half-written document is ever visible in "
        "`outbox/`.",
        "",
        "## Counts",
        "",
        "| fault run | what was done | counts |",
        "| --- | --- | --- |",
    ]
    for name, rows in by.items():
        merged: dict[str, object] = {}
        for r in rows:
            for k, v in r.items():
                merged[k] = merged.get(k, 0) + v if isinstance(v, int) else v
        counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in merged.items())
        lines.append(f"| {name} | {WHAT.get(name, '')} | {counts} |")
    kills = sum(r.get("kills", 0) for rs in by.values() for r in rs)
    fuzzed = sum(r.get("inputs_fuzzed", 0) for rs in by.values() for r in rs)
    dropped = sum(r.get("files_dropped", 0) for rs in by.values() for r in rs)
    faults = sum(r.get("faults", 0) for rs in by.values() for r in rs)
    lines += [
        "",
        f"Totals: {kills} SIGKILLs, {dropped} files dropped into watched inboxes, {faults} "
        f"external-tool faults injected, {fuzzed} mutated inputs fuzzed.",
        "",
        "## Tests",
        "",
        "| test | outcome | seconds | note |",
        "| --- | --- | --- | --- |",
    ]
    for name, outcome, secs, msg in tests:
        lines.append(f"| {name} | {outcome} | {secs:.0f} | {msg.replace('|', '/')} |")
    lines += [
        "",
        "## Found by these tests",
        "",
        "Fixed (each its own commit):",
        "",
        "- A batch killed while being produced was lost: its actions were already recorded, so "
        "no later plan brought them back and its folder never appeared. `run_once` now "
        "resumes such batches (dropping the dead attempt's unsent mail rows, whose `.eml` "
        "names the new files reuse); the batch name is chosen and recorded under a workspace "
        "lock so two watchers never produce one batch.",
        "- Two processes opening a new register at the same moment failed with "
        "'table already exists', or with a UNIQUE error when both applied the same migration.",
        "- A token unplugged mid-batch escaped as a raw PKCS#11 exception "
        "(`ObjectHandleInvalid`) and crashed the batch; it is now a `TokenFailure`: the batch "
        "is produced unsigned and `paperflow sign` resumes it.",
        "- Two watchers under CPU load counted two copies of one content as three (1 archived "
        "+ 2 duplicates): both found the second copy a duplicate and both moved it with "
        "link-then-unlink, each to its own name, before either unlinked it. The copy is now "
        "claimed by an atomic rename first (`intake/files.move_once`); "
        "`test_duplicate_race.py` repeats the collision 60 times (120 duplicates from 60 "
        "copies before the fix).",
        "- On PostgreSQL the intake claim (INSERT … ON CONFLICT DO NOTHING) read the driver's "
        "rowcount, which is -1 there: every copy of one content was taken as new and archived "
        "twice. It reads RETURNING now.",
        "- A batch rendered again (`sign` after `run --no-sign`, a wrong PIN) kept its first "
        "render's mail rows: the import sheet reached the CA once per render. Rows are now "
        "superseded per .eml place; a place that went out is never sent again.",
        "- A connection lost after the whole message was sent was 'failed' and resent by "
        "`--retry-failed`; it is 'uncertain' now, resent only by `--resend-uncertain`.",
        "- A deleted `paperflow.db` started an empty register silently (numbers and files taken "
        "again); it is refused unless `--new-register`, and numbers continue after the "
        "batches' `numbers.json`.",
        "- A SIGKILL between a batch's rename and its recording, or between `sign`'s two "
        "renames, left the register at 'planned' or only a hidden `.old` folder; start-up "
        "reconciles both. A batch that fails again when resumed is quarantined with its "
        "reason instead of failing every later run.",
        "",
        "Limits of these tests:",
        "",
        "- A mail being sent at the instant of a kill is left 'sending', then marked "
        "'uncertain' by `paperflow send` (resent only by `--resend-uncertain`, by design); the "
        "crash test checks such a mail was received at most once.",
        "- A resumed batch takes new dispatch numbers (the dead attempt's numbers stay unused "
        "in the register's number book).",
        "- Names starting with '.' are hidden/temporary files by the ignore rules: left in the "
        "inbox, never processed or rejected.",
        "- A scanned PDF of huge images is bounded only by the OCR tools' own time-outs "
        "(pdftoppm 300 s, tesseract 180 s per page, up to 20 pages): a 60000×60000 image took "
        "~60 s to reject.",
        "",
    ]
    return "\n".join(lines)


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return out.stdout.strip() or "?"


def fuzz_section(records: list[dict], tests: list[tuple[str, str, float, str]], rc: int,
                 n: int) -> str:
    """The document's section for a `--fuzz N` run: what was fed, how each input ended."""
    got: dict[str, int] = defaultdict(int)
    for r in records:
        if r.get("test") == "fuzz_extract":
            for k, v in r.items():
                if isinstance(v, int):
                    got[k] += v
    secs = sum(t[2] for t in tests)
    seeds = ", ".join(f"{k[5:]} {v}" for k, v in sorted(got.items()) if k.startswith("seed_"))
    return "\n".join([
        FUZZ_BEGIN,
        "## Fuzzing at scale",
        "",
        f"`python scripts/reliability.py --fuzz {n}` on "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %z}, {os.cpu_count()} CPUs, "
        f"{secs / 60:.1f} min, commit {commit()}, pytest exit code {rc}: every input through "
        "`extract.read` in a worker process (RLIMIT_AS 2 GB, 60 s wall-clock limit per input).",
        "",
        "| inputs | read | rejected cleanly (vi + en) | crashes | hangs |",
        "| --- | --- | --- | --- | --- |",
        f"| {got['inputs_fuzzed']} | {got['ok']} | {got['rejected']} | {got['crash']} "
        f"| {got['hang']} |",
        "",
        f"Mutated from one real seed each ({seeds}): subscriber list (.xlsx), merger decision "
        "(.docx and its LibreOffice PDF), request form (.docx), certificate (PEM .cer, DER "
        ".crt), a .zip of a list and a certificate; bytes flipped, inserted, deleted, "
        "truncated or repeated, in the file or inside one member of the zip (rezipped).",
        FUZZ_END,
    ])


LOAD_BEGIN = "<!-- load runs: written by scripts/reliability.py --under-load N -->"
LOAD_END = "<!-- end of load runs -->"


def run_under_load(n: int, tests: list[str]) -> list[tuple[int, int, float, str]]:
    """`tests` N times in a row with one busy loop per core (full CPU load): (run, pytest exit
    code, seconds, pytest's summary line) each."""
    import time

    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 1)]
    results = []
    try:
        for run in range(1, n + 1):
            start = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "pytest", *tests, "-q", "-p",
                                   "no:cacheprovider"], cwd=REPO, capture_output=True,
                                  text=True)
            lines = done.stdout.strip().splitlines() or [""]
            failed = [ln.split(" - ")[0] for ln in lines if ln.startswith("FAILED ")]
            last = "; ".join([lines[-1], *failed])
            if done.returncode:     # the whole output, to read what failed
                kept = Path(tempfile.gettempdir()) / f"paperflow-under-load-run{run}.txt"
                kept.write_text(done.stdout + done.stderr, encoding="utf-8")
                print(f"run {run}: output kept in {kept}", flush=True)
            results.append((run, done.returncode, time.monotonic() - start, last))
            print(f"run {run}: exit {done.returncode}, {last}", flush=True)
    finally:
        for b in busy:
            b.kill()
            b.wait()
    return results


def load_section(results: list[tuple[int, int, float, str]], how: str,
                 tests: list[str]) -> str:
    ok = sum(1 for _r, rc, _s, _l in results if rc == 0)
    what = "The fault suite" if tests == ["tests/faults"] else "The two-watchers race"
    return "\n".join([
        LOAD_BEGIN,
        f"## {what} under full CPU load",
        "",
        f"{how}: {', '.join(tests)} run {len(results)} times in a row with one busy loop "
        f"per core ({os.cpu_count()} CPUs), {datetime.now().astimezone():%Y-%m-%d %H:%M %z}, "
        f"commit {commit()}: {ok} of {len(results)} runs passed.",
        "",
        "| run | pytest exit code | minutes | pytest |",
        "| --- | --- | --- | --- |",
        *[f"| {r} | {rc} | {secs / 60:.1f} | {last} |" for r, rc, secs, last in results],
        LOAD_END,
    ])


def keep_fuzz_section(text: str, old: str) -> str:
    """A full run keeps the last `--fuzz N` and `--under-load N` sections (not rerun)."""
    for begin, end in ((FUZZ_BEGIN, FUZZ_END), (LOAD_BEGIN, LOAD_END)):
        if begin in old and end in old:
            kept = old[old.index(begin):old.index(end) + len(end)]
            text = text.rstrip("\n") + "\n\n" + kept + "\n"
    return text


def replace_fuzz_section(old: str, section: str, begin: str = FUZZ_BEGIN,
                         end: str = FUZZ_END) -> str:
    if begin in old and end in old:
        head, rest = old.split(begin, 1)
        return head + section + rest.split(end, 1)[1]
    return old.rstrip("\n") + "\n\n" + section + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--long", action="store_true", help="more drops, kills, fuzzed inputs")
    ap.add_argument("--seed", type=int, default=0, help="random seed of the crash test")
    ap.add_argument("--no-write", action="store_true", help="do not rewrite docs/RELIABILITY.md")
    ap.add_argument("--fuzz", type=int, default=0, metavar="N",
                    help="run only the fuzzer with N mutated inputs; rewrite its section")
    ap.add_argument("--under-load", type=int, default=0, metavar="N",
                    help="run the two-watchers tests N times under full CPU load; rewrite "
                         "their section")
    ap.add_argument("--whole-suite", action="store_true",
                    help="with --under-load: the whole fault suite (tests/faults), not only "
                         "the two-watchers tests")
    ap.add_argument("pytest", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args()
    if args.under_load:
        tests = ["tests/faults"] if args.whole_suite else LOAD_TESTS
        how = f"`python scripts/reliability.py --under-load {args.under_load}" + (
            " --whole-suite`" if args.whole_suite else "`")
        section = load_section(run_under_load(args.under_load, tests), how, tests)
        old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        DOC.write_text(replace_fuzz_section(old, section, LOAD_BEGIN, LOAD_END), "utf-8")
        return 0
    with tempfile.TemporaryDirectory(prefix="paperflow-reliability-") as tmp:
        report, junit = Path(tmp) / "counts.jsonl", Path(tmp) / "junit.xml"
        report.touch()
        rc = run_suite(args, report, junit)
        records = [json.loads(line) for line in report.read_text("utf-8").splitlines() if line]
        tests = outcomes(junit) if junit.exists() else []
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if args.fuzz:
        text = replace_fuzz_section(old, fuzz_section(records, tests, rc, args.fuzz))
    else:
        text = keep_fuzz_section(render(records, tests, rc, args), old)
    if args.no_write:
        print(text)
    else:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
