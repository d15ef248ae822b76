"""The quick test selection against its budget: `pytest -m "not slow"` in under 30 s.

    python bench/quick_suite.py [--runs 3] [--budget 30] [--enforce]

Runs the selection in a fresh interpreter (byte code cached first, as on a developer's machine),
`--runs` times, and prints per run the wall and CPU time (pytest's process and its children),
the number of tests and the load average when it started; then the median against the budget
and the slowest tests of the last run. With `--enforce` it exits 1 when the median wall time is
over the budget: the check a developer runs after adding tests (a timed unit test would fail on
a busy machine; docs/DESIGN.md, Testing).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SELECTION = ["-m", "not slow", "-q", "-p", "no:cacheprovider"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)      # a developer's machine caches byte code
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def run_once(python: str) -> dict[str, object]:
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([python, "-m", "pytest", *SELECTION, "--durations=8"], cwd=ROOT,
                          env=_env(), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = proc.stdout.strip().splitlines()
    summary = tail[-1] if tail else proc.stderr.strip()[-300:]
    passed = re.search(r"(\d+) passed", summary)
    slowest = [line for line in tail if re.match(r"\d+\.\d+s (call|setup|teardown) ", line)]
    return {"ok": proc.returncode == 0, "wall": wall, "cpu": cpu, "load": load,
            "tests": int(passed.group(1)) if passed else 0, "summary": summary,
            "slowest": slowest}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--budget", type=float, default=30.0, help="seconds of wall time")
    ap.add_argument("--enforce", action="store_true", help="exit 1 when over the budget")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args(argv)
    # byte code written once, so the runs measure the tests and not the compiler
    subprocess.run([args.python, "-m", "pytest", *SELECTION, "--collect-only"], cwd=ROOT,
                   env=_env(), capture_output=True, check=False)
    runs = []
    print(f"{'run':>3} {'tests':>6} {'wall s':>7} {'cpu s':>7} {'load':>5}")
    for i in range(1, args.runs + 1):
        r = run_once(args.python)
        runs.append(r)
        print(f"{i:>3} {r['tests']:>6} {r['wall']:>7.1f} {r['cpu']:>7.1f} {r['load']:>5.2f}"
              + ("" if r["ok"] else f"  FAILED: {r['summary']}"))
    wall = statistics.median(float(r["wall"]) for r in runs)
    cpu = statistics.median(float(r["cpu"]) for r in runs)
    print("slowest of the last run:")
    for line in runs[-1]["slowest"]:
        print(f"  {line}")
    within = wall <= args.budget
    print(f"median: wall {wall:.1f} s, cpu {cpu:.1f} s — {wall / args.budget:.0%} of the "
          f"{args.budget:.0f} s budget ({'within' if within else 'OVER'})")
    if not all(r["ok"] for r in runs):
        return 2
    return 0 if within or not args.enforce else 1


if __name__ == "__main__":
    raise SystemExit(main())
