"""Fallback mode: one batched `soffice --convert-to pdf` call per chunk of documents.

Used when no Python with `uno` is available. One cold start per call (≈1.5 s for ten files)
instead of one per document (≈1.1 s each). LibreOffice converts the files of a call in order,
so a watchdog that sees no new PDF for `timeout_s` knows which document hangs: it kills the
call, records that document, and starts a new call for the ones after it.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import ConversionError
from ..errortexts import Phrase
from ._soffice import (
    INSTALL_HINT,
    is_pdf,
    kill_group,
    profile_url,
    publish,
    remove_lock,
    soffice_env,
)

# The first document of a call also pays the cold start (profile creation on first use).
STARTUP_ALLOWANCE_S = 60.0
_POLL_S = 0.05


class SofficeUnavailable(ConversionError):
    """LibreOffice itself cannot run: not one document can be converted."""


def unavailable(detail: str) -> SofficeUnavailable:
    return SofficeUnavailable("soffice_unavailable", detail=detail, hint=INSTALL_HINT)


def doc_failed(path: Path, why: str, **facts: str | int | float) -> ConversionError:
    """`path` not converted; `why` is a convert_… phrase of errortexts.py saying why."""
    return ConversionError("convert_failed", name=path.name, why=Phrase(why, facts))


def timed_out(path: Path, seconds: float) -> ConversionError:
    return doc_failed(path, "convert_hung", seconds=seconds)


class BatchRunner:
    """Runs batched `--convert-to pdf` calls, all with one private profile."""

    def __init__(self, soffice: str, profile: Path, timeout_s: float) -> None:
        self.soffice = soffice
        self.profile = profile
        self.timeout_s = timeout_s
        self.converted = 0
        self.calls = 0

    def run(self, pairs: Sequence[tuple[Path, Path]]) -> list[ConversionError | None]:
        """Convert each (docx, pdf) pair; the result per pair is None (done) or its error."""
        results: list[ConversionError | None] = [None] * len(pairs)
        pending = list(range(len(pairs)))
        while pending:
            # Output files are named by stem: two inputs with one stem go to different calls.
            call: list[int] = []
            rest: list[int] = []
            stems: set[str] = set()
            for i in pending:
                stem = pairs[i][0].stem
                (rest if stem in stems else call).append(i)
                stems.add(stem)
            not_tried = self._call(call, pairs, results)
            pending = not_tried + rest
        return results

    def _call(self, idx: list[int], pairs: Sequence[tuple[Path, Path]],
              results: list[ConversionError | None]) -> list[int]:
        """One soffice call; fills `results`, returns the indices it never reached (after a hang)."""
        self.profile.mkdir(parents=True, exist_ok=True)
        self.calls += 1
        with tempfile.TemporaryDirectory(prefix="out-", dir=self.profile.parent) as tmp, \
                tempfile.TemporaryFile() as errlog:
            out = Path(tmp)
            sources = [pairs[i][0] for i in idx]
            cmd = [
                self.soffice, f"-env:UserInstallation={profile_url(self.profile)}",
                "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck",
                # Garbage named .docx must fail, not be imported as plain text.
                "--infilter=MS Word 2007 XML",
                "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out),
                *(str(s) for s in sources),
            ]
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=errlog, env=soffice_env(self.profile),
                                        start_new_session=True)
            except OSError as exc:
                raise unavailable(str(exc)) from exc
            produced = [out / f"{s.stem}.pdf" for s in sources]
            hung = self._watch(proc, produced)
            first_missing = next((k for k, p in enumerate(produced) if not is_pdf(p)), None)
            if first_missing is None:
                hung = False        # every PDF is complete: it only hung while shutting down
            not_tried: list[int] = []
            for k, i in enumerate(idx):
                src, target = pairs[i]
                remove_lock(src)
                if is_pdf(produced[k]) and not (hung and k == first_missing):
                    publish(produced[k], target)
                    results[i] = None
                    self.converted += 1
                elif hung and k == first_missing:
                    results[i] = timed_out(src, self.timeout_s)
                elif hung and first_missing is not None and k > first_missing:
                    not_tried.append(i)
                else:
                    results[i] = doc_failed(src, "convert_unreadable")
            if not hung and self.converted == 0 and proc.returncode not in (0, None):
                errlog.seek(0)
                detail = errlog.read().decode("utf-8", "replace").strip()[-400:]
                raise unavailable(f"exit code {proc.returncode} {detail}".strip())
        return not_tried

    def _watch(self, proc: subprocess.Popen, produced: list[Path]) -> bool:
        """Wait for the call; True when it stopped making progress and was killed."""
        seen = 0
        deadline = time.monotonic() + self.timeout_s + STARTUP_ALLOWANCE_S
        while proc.poll() is None:
            count = sum(1 for p in produced if p.exists())
            if count > seen:
                seen = count
                deadline = time.monotonic() + self.timeout_s
            if time.monotonic() > deadline:
                kill_group(proc.pid)
                proc.wait()
                return True
            time.sleep(_POLL_S)
        return False
