"""Plain .zip archives: each member read as a file of its own, or the archive refused.

Offices send a list with its certificates zipped together. Members are written to a private
temporary folder under numbered names (a member's own name never becomes a path: "../../x",
"/etc/x", "C:\\x" or a symbolic link refuses the whole archive), with the archive's member count,
real (not declared) sizes and compression ratio bounded as for Office files (`sniff.check_zip`).
Each member gets its own reading report; if any member cannot be read, the archive is rejected
naming each such member and why, so nothing in it is taken half.
"""

from __future__ import annotations

import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ..errors import InputRejected
from ..errortexts import Phrase
from ..models import Extracted
from ..text import nfc
from .sniff import check_zip

MAX_ZIP_MEMBERS = 500
MAX_ZIP_TOTAL = 200 * 1024 * 1024       # bytes really written, all members together
_LITTER = ("__macosx/", ".ds_store", "thumbs.db", "desktop.ini")


def _unsafe(name: str) -> bool:
    p = name.replace("\\", "/")
    parts = PurePosixPath(p).parts
    return (p.startswith("/") or (len(p) > 1 and p[1] == ":") or ".." in parts
            or any(ord(ch) < 32 for ch in p))


def _litter(name: str) -> bool:
    low = name.lower()
    base = low.rsplit("/", 1)[-1]
    return low.startswith(_LITTER[0]) or base in _LITTER[1:] or base.startswith(("~$", "."))


def _refuse(code: str, detail: str, **params: object) -> InputRejected:
    """The archive refused: `code` says how (zip_crowd, zip_traversal, ...), `detail` why."""
    return InputRejected(code, detail=Phrase(detail, {k: str(v) for k, v in params.items()}))


def read_zip(path: Path, source: str,
             read_member: Callable[[Path, str], Extracted]) -> list[Extracted]:
    """What each member says (in archive order), read with `read_member(path, source)`."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse("zip_damaged", "zip_detail_damaged") from exc
    with zf, tempfile.TemporaryDirectory(prefix="paperflow-zip-") as tmp:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        check_zip(infos)
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _refuse("zip_crowd", "zip_detail_crowd", count=len(infos), most=MAX_ZIP_MEMBERS)
        for i in infos:
            if _unsafe(i.filename):
                raise _refuse("zip_traversal", "zip_detail_path", member=nfc(i.filename))
            if stat.S_ISLNK(i.external_attr >> 16):
                raise _refuse("zip_traversal", "zip_detail_link", member=nfc(i.filename))
        members = [i for i in infos if not _litter(i.filename)]
        if not members:
            raise _refuse("zip_empty", "zip_detail_empty")
        written = 0
        results: list[Extracted] = []
        failures: list[tuple[str, InputRejected]] = []
        for n, info in enumerate(members, start=1):
            name = nfc(info.filename.replace("\\", "/"))
            target = Path(tmp) / f"{n:04d}{PurePosixPath(name).suffix[:10]}"
            with zf.open(info) as src, target.open("wb") as out:
                while chunk := src.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_ZIP_TOTAL:
                        raise _refuse("zip_too_large", "zip_detail_too_large")
                    out.write(chunk)
            with target.open("rb") as f:
                if f.read(4) in (b"PK\x03\x04", b"PK\x05\x06") and _is_plain_zip(target):
                    failures.append((name, _refuse("zip_nested", "zip_detail_nested")))
                    continue
            try:
                results.append(read_member(target, f"{source}/{name}"))
            except InputRejected as exc:
                failures.append((name, exc))
            finally:
                target.unlink(missing_ok=True)
        if failures:
            raise InputRejected(
                "zip_member", failed=len(failures), members=len(members),
                why_vi=" ".join(f"[{n}] {e.vi}" for n, e in failures)[:3000],
                why_en=" ".join(f"[{n}] {e.en}" for n, e in failures)[:3000])
        return results


def _is_plain_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return not names & {"[Content_Types].xml", "mimetype"}
