"""The benchmark runs (at a tiny scale) and its workload looks like what clerks really send.
No time is asserted here: figures belong in bench/RESULTS.md."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from openpyxl import load_workbook

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import workload as W  # noqa: E402

TINY = 0.01        # 12 agencies, 60 subscribers


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("wl") / "tiny"
    W.generate(TINY, 7, dest)
    return dest


def test_same_seed_same_workload_other_seed_other_workload() -> None:
    def make(seed: int) -> tuple:
        rng = random.Random(seed)
        agencies = W.build_agencies(60, rng)
        events = W.build_events(agencies, rng)
        return agencies, events, W.build_subscribers(agencies, 200, rng)

    assert make(1) == make(1)
    assert make(1) != make(2)


def test_scale_one_has_the_issue_s_proportions() -> None:
    rng = random.Random(2025)
    agencies = W.build_agencies(400, rng)
    events = W.build_events(agencies, rng)
    subs = W.build_subscribers(agencies, 6000, rng)
    assert len({a.name for a in agencies}) == 400
    assert {e.kind for e in events} == {"merge_new", "merge_keep", "superior_change", "dissolve"}
    assert sum(s.type == "organization" for s in subs) == 750
    assert len({s.serial for s in subs}) == 6000
    people = [s for s in subs if s.type == "person"]
    assert all(re.fullmatch(r"0\d{11}", s.cccd) for s in people)
    assert any("Thái Bình" in a.name for a in agencies)


def test_files_are_what_a_focal_point_receives(tiny: Path) -> None:
    summary = json.loads((tiny / "workload.json").read_text(encoding="utf-8"))
    inbox = tiny / "inbox"
    certs = sorted((inbox / "chung-thu").iterdir())
    assert len(certs) == summary["subscribers"] == 60
    serials = set()
    for c in certs:
        data = c.read_bytes()
        cert = (x509.load_pem_x509_certificate(data) if data.startswith(b"-----")
                else x509.load_der_x509_certificate(data))
        assert f"{cert.serial_number:X}" == c.stem
        serials.add(c.stem)
    rows = []
    for wb_path in sorted((inbox / "danh-sach").glob("*.xlsx")):
        ws = load_workbook(wb_path).active
        rows += [[str(v) if v is not None else "" for v in r] for r in ws.iter_rows(values_only=True)]
    text = "\n".join(" ".join(r) for r in rows)
    assert "DANH SÁCH THUÊ BAO" in text
    # every certificate is listed, serials written the way clerks write them
    found = {s for s in serials if s in text.replace(" ", "").upper().replace("0X", "")}
    assert found == serials
    decisions = sorted((inbox / "quyet-dinh").iterdir())
    assert {d.suffix for d in decisions} == {".docx", ".pdf"}
    pdf = next(d for d in decisions if d.suffix == ".pdf")
    pdf_text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "Điều 1." in pdf_text and "QUYẾT ĐỊNH" in pdf_text


def test_plan_only_mode_plans_the_workload() -> None:
    import plan_only

    r = plan_only.run(TINY, 3)
    assert r["subscribers"] == 60
    assert r["actions"] > 0
    assert any(k.startswith("certificate:") for k in r["actions_by_kind"])


def test_bench_run_gives_its_figures_and_the_last_line(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [str(BENCH / "run"), "--scale", str(TINY), "--seed", "7", "--naive", "1",
         "--cache", str(tmp_path / "cache"), "--workdir", str(tmp_path / "run"),
         "--json", str(out)],
        capture_output=True, text=True, timeout=1200,
        env={**__import__("os").environ, "PYTHON": sys.executable})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"total_s=(\d+\.\d+) docs=(\d+) speedup=(\d+\.\d+)x", last)
    assert m, last
    figures = json.loads(out.read_text(encoding="utf-8"))
    job = figures["job"]
    assert int(m.group(2)) == job["documents"] > 0
    assert set(job["stages"]) == {"intake", "plan", "render", "convert", "sign", "deliver"}
    assert job["signatures"] > 0 and job["mails"] > 0
    assert job["peak_tree_mb"] > 0
    assert figures["naive"]["documents"] == 1
    for what in ("wall s", "per second", "peak of the whole process tree", "naive baseline"):
        assert what in done.stdout
