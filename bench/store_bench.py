"""Storing alone: a cached workload's inbox through the real `extract.read` and
`Register.store_many` into a fresh SQLite register, in the groups `batch.ingest` makes.

    python bench/store_bench.py                     (scale 1 and scale 4 of seed 2025)
    python bench/store_bench.py --scales 4 --limit 8000
    python bench/store_bench.py --profile prof.out  (cProfile of the storing, last scale)
    python bench/store_bench.py --no-serial 2       (every 2nd list row without its serial)

The workload must be generated already (`bench/run --scale N` makes `bench/.cache/…`). Files
are taken in the order the intake desk scans them (sorted by name: certificates, then lists,
then decisions). Extraction is done first and cached as a pickle beside this run (it is not
what is measured); the groups close after GROUP_FILES files or once GROUP_S seconds of
extraction have passed, as `ingest` closes them. Only `store_many` is timed. Prints ms per file
for each scale, per kind of file, and the ratio between the scales.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pickle
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def extract_inbox(inbox: Path, cache: Path) -> list[tuple[str, str, float, object]]:
    """(name, sha256, extraction seconds, Extracted) per file, in scan order."""
    from paperflow import extract
    from paperflow.errors import PaperflowError
    from paperflow.models import Incoming

    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    out = []
    paths = sorted(p for p in inbox.rglob("*") if p.is_file())
    for p in paths:
        name = p.relative_to(inbox).as_posix()
        data = p.read_bytes()
        inc = Incoming(path=p, sha256=hashlib.sha256(data).hexdigest(), name=name, size=len(data))
        t0 = time.perf_counter()
        try:
            ex = extract.read(inc)
        except PaperflowError as exc:
            print(f"  skipped {name}: {exc.en}", file=sys.stderr)
            continue
        out.append((name, inc.sha256, time.perf_counter() - t0, ex))
    with cache.open("wb") as fh:
        pickle.dump(out, fh)
    return out


def without_serials(f: tuple, every: int) -> tuple:
    from dataclasses import replace

    name, sha, sec, ex = f
    if not ex.subscribers:
        return f
    subs = tuple(replace(s, cert_serial="", token_serial="") if i % every == 0 else s
                 for i, s in enumerate(ex.subscribers))
    return (name, sha, sec, replace(ex, subscribers=subs))


def groups(files: list, group_files: int, group_s: float) -> list[list]:
    """The groups ingest would store: closed at group_files files or group_s of extraction."""
    out, group, opened = [], [], 0.0
    for f in files:
        if not group:
            opened = 0.0
        opened += f[2]
        group.append(f)
        if len(group) >= group_files or opened >= group_s:
            out.append(group)
            group = []
    if group:
        out.append(group)
    return out


def store(files: list, db: Path, profile: Path | None) -> dict[str, list[float]]:
    """Store every group; seconds and files per kind (top folder) and in total."""
    from paperflow.batch import ingest
    from paperflow.register import Register
    from paperflow.register.db import open_engine

    reg = Register(open_engine(f"sqlite:///{db}"))
    per: dict[str, list[float]] = {}
    # CPU time beside wall time: the machine is often shared (LibreOffice workers)
    prof = cProfile.Profile(time.process_time) if profile else None
    done, t_start, checkpoints = 0, time.perf_counter(), []
    for group in groups(files, ingest.GROUP_FILES, ingest.GROUP_S):
        items = [(ex, sha, name) for name, sha, _s, ex in group]
        t0, c0 = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        reg.store_many(items)
        if prof:
            prof.disable()
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        kind = group[0][0].split("/")[0]
        acc = per.setdefault(kind, [0.0, 0, 0.0])
        acc[0] += dt
        acc[1] += len(group)
        acc[2] += cpu
        done += len(group)
        checkpoints.append((done, cpu / len(group) * 1000))
    reg.engine.dispose()
    per["all"] = [sum(v[0] for v in per.values()), done, sum(v[2] for v in per.values())]
    if prof and profile:
        prof.dump_stats(str(profile))
    # the slope: ms per file of the groups at each tenth of the run
    step = max(1, len(checkpoints) // 10)
    trail = " ".join(f"{n}:{ms:.2f}" for n, ms in checkpoints[::step])
    print(f"    per-group ms/file along the run (files done:CPU ms): {trail}")
    print(f"    wall {time.perf_counter() - t_start:.1f}s")
    return per


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scales", default="1,4")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--limit", type=int, default=0, help="only the first N files of each scale")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--profile", type=Path, default=None)
    ap.add_argument("--no-serial", type=int, default=0, metavar="N",
                    help="drop the certificate and token serial of every Nth list row (holders "
                         "listed before their certificate, as personnel lists list them)")
    args = ap.parse_args(argv)
    results = {}
    for scale in args.scales.split(","):
        work = args.cache / f"workload-s{scale}-seed{args.seed}-v1"
        if not (work / "inbox").is_dir():
            print(f"no workload at {work}: run bench/run --scale {scale} first", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        files = extract_inbox(work / "inbox", args.cache / f"extracted-s{scale}-seed{args.seed}.pickle")
        print(f"scale {scale}: {len(files)} files extracted/loaded in {time.perf_counter() - t0:.1f}s")
        if args.limit:
            files = files[: args.limit]
        if args.no_serial:
            files = [without_serials(f, args.no_serial) for f in files]
        with tempfile.TemporaryDirectory() as tmp:
            per = store(files, Path(tmp) / "paperflow.db", args.profile)
        for kind, (sec, n, cpu) in per.items():
            print(f"    {kind:12s} {n:6d} files {sec:8.2f}s {sec / max(n, 1) * 1000:8.2f} ms/file "
                  f"(CPU {cpu / max(n, 1) * 1000:.2f} ms/file)")
        sec, n, cpu = per["all"]
        results[scale] = (sec / max(n, 1) * 1000, cpu / max(n, 1) * 1000)
    for scale, (ms, cpu_ms) in results.items():
        print(f"scale {scale}: {ms:.2f} ms/file wall, {cpu_ms:.2f} ms/file CPU")
    if len(results) > 1:
        (w0, c0), (w1, c1) = list(results.values())[0], list(results.values())[-1]
        print(f"ratio (last/first): wall {w1 / w0:.2f}, CPU {c1 / c0:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
