"""Run paperflow's main job once on a prepared workspace and measure it (a fresh process per run:
SoftHSM reads SOFTHSM2_CONF once per process).

    python bench/runner.py WORKSPACE OUT.json

The job is `batch.run_once` itself, unmodified. It is observed from outside:
- stage boundaries from its `progress` messages (intake, plan, render, convert, sign; deliver is
  what follows the last message until run_once returns);
- finer timers by wrapping module attributes the batch looks up at call time (extract.read,
  Register.store, Register.snapshot, plan.build_plan, …) — nothing in paperflow is edited;
- the time inside the token: every PKCS#11 C_Sign (python-pkcs11 `SignMixin.sign`), counted;
- memory: a sampler summing the resident memory of this process and all its descendants
  (LibreOffice workers included), plus getrusage maxrss of self and children.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

TIMERS: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])     # name → [seconds, calls]
_lock = threading.Lock()


def _wrap(owner: Any, attr: str, name: str) -> None:
    orig = getattr(owner, attr)

    @functools.wraps(orig)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return orig(*args, **kwargs)
        finally:
            with _lock:
                TIMERS[name][0] += time.perf_counter() - t0
                TIMERS[name][1] += 1

    setattr(owner, attr, timed)


def instrument() -> None:
    """Wrap the stage functions where the batch looks them up."""
    import pkcs11.types

    from paperflow import deliver, extract, intake, plan, render, sign
    from paperflow.convert import Converter
    from paperflow.register import Register

    for owner, attr, name in [
        (extract, "read", "extract.read"),
        (Register, "store", "register.store"),
        (Register, "store_many", "register.store_many"),
        (intake.Intake, "take", "intake.take"),
        (intake.Intake, "archive", "intake.archive"),
        (intake.Intake, "archive_many", "intake.archive_many"),
        (Register, "snapshot", "register.snapshot"),
        (plan, "build_plan", "plan.build_plan"),
        (Register, "record_plan", "register.record_plan"),
        (render, "render_batch", "render.render_batch"),
        (Converter, "convert_documents", "convert.convert_documents"),
        (Converter, "convert_stream", "convert.convert_stream"),
        (intake.Intake, "take_many", "intake.take_many"),
        (Converter, "warm_up", "convert.warm_up"),
        (Converter, "__exit__", "convert.shutdown"),
        (sign, "sign_documents", "sign.sign_documents"),
        (sign.BatchSession, "sign", "sign.session.sign"),
        (pkcs11.types.SignMixin, "sign", "token.C_Sign"),
        (deliver, "prepare_batch", "deliver.prepare_batch"),
        (deliver, "write_manifest", "deliver.write_manifest"),
        (Register, "record_documents", "register.record_documents"),
    ]:
        if hasattr(owner, attr):
            _wrap(owner, attr, name)


class MemorySampler(threading.Thread):
    """Peak of (this process + every descendant) resident memory, sampled every `period` s."""

    def __init__(self, period: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.period, self.peak_kb, self.peak_procs = period, 0, 0
        self.stop = threading.Event()
        # CPU ticks last seen per descendant (LibreOffice workers): getrusage counts children
        # only once they have exited, so the stage in which they worked would not show it.
        self.child_ticks: dict[int, int] = {}

    def children_cpu_s(self) -> float:
        return sum(self.child_ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _tree_rss_kb(self, root: int) -> tuple[int, int]:
        parent: dict[int, int] = {}
        rss: dict[int, int] = {}
        ticks: dict[int, int] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parent[int(d)] = int(fields[1])
                rss[int(d)] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
                ticks[int(d)] = int(fields[11]) + int(fields[12])      # utime + stime
            except (OSError, IndexError, ValueError):
                continue
        tree, frontier = {root}, [root]
        while frontier:
            p = frontier.pop()
            for c, pp in parent.items():
                if pp == p and c not in tree:
                    tree.add(c)
                    frontier.append(c)
        for p in tree - {root}:
            if p in ticks:
                self.child_ticks[p] = max(self.child_ticks.get(p, 0), ticks[p])
        return sum(rss.get(p, 0) for p in tree), len(tree)

    def run(self) -> None:
        while not self.stop.wait(self.period):
            kb, n = self._tree_rss_kb(os.getpid())
            if kb > self.peak_kb:
                self.peak_kb, self.peak_procs = kb, n


def main(workspace: Path, out: Path) -> int:
    os.environ.setdefault("PAPERFLOW_PIN", "123456")
    os.environ.setdefault("PAPERFLOW_ORG_PIN", "123456")
    t_import = time.perf_counter()
    from paperflow import batch, messages
    from paperflow.config import load_settings

    instrument()
    settings = load_settings(workspace / "config.toml")
    import_s = time.perf_counter() - t_import
    marks: list[tuple[float, str]] = []
    sampler = MemorySampler()
    sampler.start()
    cpu0 = os.times()
    t0 = time.perf_counter()
    cpus: list[os.times_result] = []

    def progress(event: batch.Event) -> None:
        # the stage an event ends, by its kind (the clerk's wording may change)
        stage = STAGE_OF.get(event.kind, event.kind)
        marks.append((time.perf_counter(), f"{stage}: {messages.event(event) or event.kind}"))
        cpus.append(os.times())

    result = batch.run_once(settings, progress=progress)
    t_end = time.perf_counter()
    cpu1 = os.times()
    sampler.stop.set()
    sampler.join()
    stages = _stages(t0, marks, t_end)
    stage_cpu = _stage_cpu(cpu0, marks, cpus, cpu1)
    docs = result.documents
    report = {
        "ok": result.ok and bool(result.batch),
        "errors": [e.clerk_message() for e in result.failures],
        "batch": result.batch,
        "import_s": import_s,
        "total_s": t_end - t0,
        "stages": stages,
        "stage_cpu": stage_cpu,
        "progress": [(round(t - t0, 3), m) for t, m in marks],
        "timers": {k: {"s": v[0], "calls": v[1]} for k, v in sorted(TIMERS.items())},
        "taken": len(result.taken),
        "rejected": [(r.name, r.error.en) for r in result.rejected[:50]],
        "n_rejected": len(result.rejected),
        "documents": len(docs),
        "documents_by_type": _count(d.type for d in docs),
        "pdfs": sum(1 for d in docs if d.pdf),
        "signed_documents": result.signed,
        "token_sessions": result.sessions_opened,
        "signatures": int(TIMERS["token.C_Sign"][1]),
        "mails": len(result.mails),
        "cpu_self_s": (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system),
        "cpu_children_s": (cpu1.children_user - cpu0.children_user)
        + (cpu1.children_system - cpu0.children_system),
        "maxrss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "maxrss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "peak_tree_mb": sampler.peak_kb / 1024,
        "cpu_children_sampled_s": sampler.children_cpu_s(),
        "peak_tree_processes": sampler.peak_procs,
        "sample": _sample(docs),
    }
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0 if report["ok"] else 1


NAMES = ["intake", "plan", "render", "convert", "sign"]
STAGE_OF = {"taken": "intake", "planned": "plan", "nothing_to_do": "plan",
            "already_planned": "plan", "rendered": "render", "converted": "convert",
            "demo_signing": "sign", "signed": "sign", "sign_failed": "sign"}


def _stage_ends(marks: list[tuple[float, str]]) -> dict[str, int]:
    """Stage → index of its LAST progress message (a stage may report more than once, e.g.
    sign's DEMO notice before it signs); deliver is what follows until run_once returns."""
    ends: dict[str, int] = {}
    for i, (_, msg) in enumerate(marks):
        head = msg.split(":", 1)[0].split(" ", 1)[0].strip().lower()
        if head in NAMES:
            ends[head] = i
    return ends


def _stages(t0: float, marks: list[tuple[float, str]], t_end: float) -> dict[str, float]:
    out: dict[str, float] = {}
    last = t0
    ends = _stage_ends(marks)
    for name in NAMES:
        if name in ends:
            t = marks[ends[name]][0]
            out[name], last = max(0.0, t - last), max(last, t)
        else:
            out[name] = 0.0
    out["deliver"] = t_end - last
    return out


def _stage_cpu(cpu0: Any, marks: list[tuple[float, str]], cpus: list[Any],
               cpu1: Any) -> dict[str, dict[str, float]]:
    """CPU seconds per stage: this process (paperflow, pyHanko, SoftHSM) and its children
    (LibreOffice, once they have exited): on a busy machine wall time alone would hide what
    each stage costs."""
    out: dict[str, dict[str, float]] = {}
    last = cpu0
    ends = _stage_ends(marks)
    for name in NAMES:
        c = cpus[ends[name]] if name in ends else last
        out[name], last = _cpu_between(last, c), c
    out["deliver"] = _cpu_between(last, cpu1)
    return out


def _cpu_between(a: Any, b: Any) -> dict[str, float]:
    return {"self": (b.user - a.user) + (b.system - a.system),
            "children": (b.children_user - a.children_user)
            + (b.children_system - a.children_system)}


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in items:
        out[i] = out.get(i, 0) + 1
    return out


def _sample(docs: list[Any]) -> list[dict[str, Any]]:
    """Every signed .docx document with the signatures it got (a dispatch: officer + seal; an
    attached list: the seal alone), for the naive baseline to redo."""
    return [{"docx": str(d.path), "type": d.type, "sigs": 1 if d.type == "list" else 2}
            for d in docs if d.path.suffix == ".docx" and d.signed_pdf]


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
