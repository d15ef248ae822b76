"""The province-scale benchmark: workload → the main job (measured) → naive baseline → figures.

    bench/run --scale 1            # the whole main job, per stage, plus the naive baseline
    bench/run --plan-only --scale 16

The last line is `total_s=<seconds> docs=<n> speedup=<ratio>x`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import workload as W  # noqa: E402


def prepare_workspace(inbox: Path, dest: Path) -> Path:
    """A demo workspace (SoftHSM tokens, test CA) with the workload linked into its inbox."""
    from plan_only import configure

    from paperflow.workspace import init_workspace

    shutil.rmtree(dest, ignore_errors=True)
    ws = init_workspace(dest, demo=True)
    configure(ws)
    # hard links: instant, and intake moving them to archive/ leaves the cache intact
    shutil.copytree(inbox, ws / "inbox", dirs_exist_ok=True, copy_function=_link)
    return ws


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _python() -> str:
    return sys.executable


def run_job(ws: Path) -> dict:
    out = ws.parent / "job.json"
    env = {**os.environ, "PAPERFLOW_PIN": os.environ.get("PAPERFLOW_PIN", "123456"),
           "PAPERFLOW_ORG_PIN": os.environ.get("PAPERFLOW_ORG_PIN", "123456")}
    t0 = time.perf_counter()
    done = subprocess.run([_python(), str(HERE / "runner.py"), str(ws), str(out)], env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if not out.exists():
        raise SystemExit(f"the main job failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    report["process_wall_s"] = wall
    report["exit"] = done.returncode
    return report


def run_naive(ws: Path, job: dict, n: int) -> dict | None:
    items = [d for d in job.get("sample", [])]
    if not items or n <= 0:
        return None
    step = max(1, len(items) // n)
    sample = items[::step][:n]
    sample_file = ws.parent / "naive-sample.json"
    sample_file.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    out = ws.parent / "naive.json"
    done = subprocess.run([_python(), str(HERE / "naive.py"), str(ws), str(sample_file),
                           str(out)], capture_output=True, text=True)
    if not out.exists():
        print(f"naive baseline failed (exit {done.returncode}): {done.stderr[-2000:]}")
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    lo = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1048576:.1f} GiB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"{lo or 'LibreOffice ?'}")


def report(wl: dict, job: dict, naive: dict | None) -> list[str]:
    total = job["total_s"]
    docs, sigs = job["documents"], job["signatures"]
    st, tm = job["stages"], job["timers"]
    lines = [f"workload: {wl['agencies']} agencies, {wl['statements']} merge statements "
             f"{wl['statement_kinds']}, {wl['subscribers']} subscribers "
             f"({wl['organisations']} organisations), {wl['files']} files "
             f"({wl['workbooks']} workbooks, {wl['decisions_docx']} .docx + "
             f"{wl['decisions_pdf']} .pdf decisions)",
             f"job: batch {job['batch']}, taken {job['taken']}, rejected {job['n_rejected']}, "
             f"{docs} documents {job['documents_by_type']}, {job['pdfs']} PDFs, "
             f"{job['signed_documents']} signed, {sigs} signatures, "
             f"{job.get('token_sessions', '?')} token sessions, {job['mails']} .eml",
             "",
             f"{'stage':<10}{'wall s':>9}{'share':>8}{'cpu s':>8}{'child s':>9}   per second"]
    rate = {"intake": (job["taken"], "files"), "render": (docs, "docs"),
            "convert": (job["pdfs"], "PDFs"), "sign": (sigs, "signatures"),
            "deliver": (job["mails"], "mails")}
    for name in ("intake", "plan", "render", "convert", "sign", "deliver"):
        s = st.get(name, 0.0)
        n, what = rate.get(name, (0, ""))
        per = f"{n / s:8.1f} {what}/s" if s > 0.05 and n else ""   # 0: overlapped
        c = job.get("stage_cpu", {}).get(name, {"self": 0.0, "children": 0.0})
        lines.append(f"{name:<10}{s:9.2f}{s / total * 100 if total else 0:7.1f}%"
                     f"{c['self']:8.1f}{c['children']:9.1f}   {per}")
    lines.append(f"{'total':<10}{total:9.2f}{100:7.1f}%   {docs / total:8.1f} docs/s, "
                 f"{sigs / total:.1f} signatures/s")
    lines.append("")
    lines.append("inside the stages (wrapped functions, seconds / calls):")
    for k, v in tm.items():
        lines.append(f"  {k:<28}{v['s']:9.2f}  ×{v['calls']}")
    token = tm.get("token.C_Sign", {}).get("s", 0.0)
    # Rendering, conversion and signing overlap (a production line), so wall stages no longer
    # say where the time goes: CPU does. LibreOffice: its processes' CPU (sampled from /proc
    # while they run); the token: time inside C_Sign (SoftHSM, in-process); paperflow's own
    # Python: the rest of this process's CPU.
    # The intake stage's child CPU is paperflow's read-ahead process (extract/ahead.py; no
    # LibreOffice runs then): it counts as paperflow's, not LibreOffice's.
    reader = job.get("stage_cpu", {}).get("intake", {}).get("children", 0.0)
    lo = max(job.get("cpu_children_sampled_s", 0.0), job["cpu_children_s"]) - reader
    own = max(0.0, job["cpu_self_s"] - token) + reader
    cpu = lo + token + own or 1.0
    lines += ["",
              f"where the time goes (CPU): LibreOffice {lo:.1f} s ({lo / cpu * 100:.0f}%), "
              f"token C_Sign {token:.2f} s ({token / cpu * 100:.0f}%), paperflow's own Python "
              f"{own:.1f} s ({own / cpu * 100:.0f}%)",
              f"CPU: paperflow process {job['cpu_self_s']:.1f} s (+ read-ahead {reader:.1f} s), "
              f"child processes (LibreOffice) {lo:.1f} s over {total:.1f} s wall "
              f"(= {(job['cpu_self_s'] + reader + lo) / total:.2f} cores busy)",
              f"memory: peak of the whole process tree {job['peak_tree_mb']:.0f} MB "
              f"({job['peak_tree_processes']} processes); maxrss paperflow "
              f"{job['maxrss_self_mb']:.0f} MB, largest child {job['maxrss_children_mb']:.0f} MB"]
    if naive:
        # render, convert and sign overlap: their whole span counts (render included)
        conv_sign = st.get("render", 0.0) + st.get("convert", 0.0) + st.get("sign", 0.0)
        pf_doc = conv_sign / docs if docs else 0.0
        whole_doc = total / docs if docs else 0.0
        lines += ["",
                  f"naive baseline on {naive['documents']} of the same documents: "
                  f"{naive['s_per_doc']:.2f} s/doc (cold soffice {naive['convert_s_per_doc']:.2f}"
                  f" s/doc, {naive['sign_s_per_signature']:.3f} s/signature with a new session "
                  f"and font each)",
                  f"paperflow: render+convert+sign {pf_doc:.3f} s/doc → {_ratio(naive, pf_doc):.1f}×; "
                  f"the whole job {whole_doc:.3f} s/doc → {_ratio(naive, whole_doc):.1f}×"]
    return lines


def _ratio(naive: dict, per_doc: float) -> float:
    return naive["s_per_doc"] / per_doc if per_doc else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--naive", type=int, default=10, help="documents in the naive sample (0: none)")
    ap.add_argument("--plan-only", action="store_true", help="time plan.build_plan alone")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the workspace here")
    ap.add_argument("--json", type=Path, default=None, help="write all figures here")
    ap.add_argument("--cache", type=Path, default=None,
                    help="where generated workloads are kept (default bench/.cache)")
    args = ap.parse_args(argv)
    if args.plan_only:
        from plan_only import run

        r = run(args.scale, args.seed)
        print(json.dumps(r, ensure_ascii=False, indent=1))
        if args.json:
            args.json.write_text(json.dumps(r, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"plan_s={r['plan_s']:.2f} subscribers={r['subscribers']} actions={r['actions']}")
        return 0
    print(f"machine: {machine()}")
    t0 = time.perf_counter()
    cache = W.cached(args.scale, args.seed, args.cache)
    wl = json.loads((cache / "workload.json").read_text(encoding="utf-8"))
    print(f"workload ready in {time.perf_counter() - t0:.1f} s: {cache}")
    tmp = None if args.workdir else tempfile.mkdtemp(prefix="pf-bench-")
    base = args.workdir or Path(tmp)        # type: ignore[arg-type]
    try:
        ws = prepare_workspace(cache / "inbox", base / "ws")
        job = run_job(ws)
        naive = run_naive(ws, job, args.naive) if job["ok"] else None
        for line in report(wl, job, naive):
            print(line)
        if args.json:
            args.json.write_text(json.dumps({"workload": wl, "job": job, "naive": naive},
                                            ensure_ascii=False, indent=1), encoding="utf-8")
        if not job["ok"]:
            print(f"THE MAIN JOB DID NOT COMPLETE: {job['errors'] or job['rejected'][:5]}")
        docs = job["documents"]
        conv_sign = sum(job["stages"].get(k, 0.0) for k in ("render", "convert", "sign"))
        speed = _ratio(naive, conv_sign / docs) if naive and docs and conv_sign else 0.0
        print(f"total_s={job['total_s']:.2f} docs={docs} speedup={speed:.1f}x")
        return 0 if job["ok"] else 1
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
