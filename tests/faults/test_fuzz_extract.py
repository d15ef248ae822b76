"""Garbage in: mutated real .xlsx/.docx/.pdf files through the extractors.

Each input must come back as an Extracted or a clean InputRejected (with both languages) —
never another exception, a hang (wall-clock limit per input) or a memory blow-up (the reader
runs in a worker process under RLIMIT_AS). Mutations: bytes flipped, inserted, deleted,
truncated, and the same inside one member of the zip container (Office files), rezipped.

PAPERFLOW_FUZZ_EXAMPLES sets the number of inputs (scripts/reliability.py --long raises it).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import harness as h
import inputs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("PAPERFLOW_FUZZ_EXAMPLES", "300"))
TIMEOUT_S = 60.0            # OCR of a page is a few seconds; a minute is a hang
MEMORY_MB = 2048
WORKER = Path(__file__).with_name("fuzz_worker.py")


class Reader:
    """The worker process; restarted after a hang or a crash."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.proc: subprocess.Popen[str] | None = None
        self.outcomes: Counter[str] = Counter()
        self.failures: list[tuple[str, str]] = []
        self.kinds: Counter[str] = Counter()          # inputs per seed kind

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(WORKER), str(MEMORY_MB)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def read(self, name: str, data: bytes) -> dict:
        import selectors

        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc is not None and self.proc.stdin and self.proc.stdout
        path = self.folder / name
        path.write_bytes(data)
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        ready = sel.select(TIMEOUT_S)
        sel.close()
        if not ready:
            self.close()
            answer = {"error": f"hang: no answer within {TIMEOUT_S:.0f} s"}
        else:
            line = self.proc.stdout.readline()
            if not line:
                code = self.proc.wait()
                self.proc = None
                answer = {"error": f"reader process died (exit {code})"}
            else:
                answer = json.loads(line)
        kind = ("ok" if "ok" in answer else "rejected" if "rejected" in answer
                else "hang" if answer["error"].startswith("hang") else "crash")
        self.outcomes[kind] += 1
        if kind in ("hang", "crash"):
            keep = self.folder / "failures"
            keep.mkdir(exist_ok=True)
            shutil.copy(path, keep / name)
            self.failures.append((name, answer["error"]))
        elif kind == "rejected":
            assert answer["vi"] and answer["en"], answer
        path.unlink()
        return answer


def _docx_pdf(folder: Path) -> bytes:
    """The decision as LibreOffice prints it: a real text PDF."""
    shutil.copy(inputs.DECISION, folder / "qd.docx")
    subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/lo", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(folder / "qd.docx")],
                   capture_output=True, timeout=180, check=True)
    return (folder / "qd.pdf").read_bytes()


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    """One real input of each kind a clerk drops: a subscriber list, a merger decision (.docx
    and its PDF), a request form, a certificate (PEM and DER), and a zip of several files."""
    folder = tmp_path_factory.mktemp("seeds")
    pem = inputs.certificate_pem(1, 0x123)
    xlsx = inputs.subscriber_xlsx([1, 2, 3], 0x123)
    return {
        "xlsx": xlsx,
        "docx": inputs.DECISION.read_bytes(),
        "pdf": _docx_pdf(folder),
        "cer": pem,
        "der": inputs.certificate_der(2, 0x123),
        "form": inputs.request_form_docx(),
        "zip": _zip_of({"danh-sach.xlsx": xlsx, "chung-thu.cer": pem}),
    }


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    r = Reader(tmp_path_factory.mktemp("fuzz"))
    yield r
    r.close()
    h.record("fuzz_extract", inputs_fuzzed=sum(r.outcomes.values()), **dict(r.outcomes),
             failures=len(r.failures), **{f"seed_{k}": v for k, v in r.kinds.items()})


Op = tuple[str, float, bytes]
ops = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]),
                         st.floats(0, 1), st.binary(min_size=1, max_size=64)),
               min_size=1, max_size=4)


def mutate(data: bytes, changes: list[Op]) -> bytes:
    b = bytearray(data)
    for op, where, chunk in changes:
        at = int(where * len(b)) if b else 0
        if op == "flip":
            b[at:at + len(chunk)] = bytes(x ^ y for x, y in zip(b[at:at + len(chunk)], chunk,
                                                                   strict=False))
        elif op == "insert":
            b[at:at] = chunk
        elif op == "delete":
            del b[at:at + len(chunk) * 8]
        elif op == "truncate":
            del b[at:]
        elif op == "repeat":        # a region repeated: lengths and offsets stop matching
            b[at:at] = b[at:at + len(chunk) * 16] * 4
    return bytes(b)


def mutate_member(data: bytes, pick: float, changes: list[Op]) -> bytes:
    """The same mutations inside one XML part of an Office file, zipped again (so the zip
    layer is sound and the damage reaches the XML parsers)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in src.namelist() if n.endswith(".xml")] or src.namelist()
    victim = names[int(pick * (len(names) - 1))]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info.filename, mutate(body, changes) if info.filename == victim else body)
    return out.getvalue()


SUFFIX = {"xlsx": ".xlsx", "docx": ".docx", "pdf": ".pdf", "cer": ".cer", "der": ".crt",
          "form": ".docx", "zip": ".zip"}
ZIPPED = ("xlsx", "docx", "form", "zip")
COUNTER = iter(range(10**9))


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
          suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(sorted(SUFFIX)), inside=st.booleans(),
       pick=st.floats(0, 1), changes=ops)
def _fuzz(seeds, reader, kind, inside, pick, changes):
    data = seeds[kind]
    data = (mutate_member(data, pick, changes) if inside and kind in ZIPPED
            else mutate(data, changes))
    reader.kinds[kind] += 1
    reader.read(f"in-{next(COUNTER):05d}{SUFFIX[kind]}", data)


def test_mutated_real_files_are_read_or_rejected_cleanly(seeds, reader):
    _fuzz(seeds, reader)        # every example runs; failures are collected, then shown
    assert reader.failures == [], reader.failures[:5]
    assert sum(reader.outcomes.values()) >= EXAMPLES
