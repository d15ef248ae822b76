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
from ..models import Extracted
from ..text import nfc
from .sniff import check_zip, reject

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


def _refuse(detail_vi: str, detail_en: str, code: str = "zip") -> InputRejected:
    return reject(
        f"Tệp nén .zip không được mở: {detail_vi}. Giải nén trên máy đã quét virus và thả "
        "từng tệp vào inbox/.",
        f"The .zip archive was not opened: {detail_en}. Extract it on a scanned machine and "
        "drop the files one by one.", code)


def read_zip(path: Path, source: str,
             read_member: Callable[[Path, str], Extracted]) -> list[Extracted]:
    """What each member says (in archive order), read with `read_member(path, source)`."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse("tệp hỏng", "the archive is damaged", "broken_zip") from exc
    with zf, tempfile.TemporaryDirectory(prefix="paperflow-zip-") as tmp:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        check_zip(infos)
        if len(infos) > MAX_ZIP_MEMBERS:
            raise _refuse(f"quá nhiều tệp ({len(infos)}; tối đa {MAX_ZIP_MEMBERS})",
                          f"too many members ({len(infos)}; at most {MAX_ZIP_MEMBERS})",
                          "zip_bomb")
        for i in infos:
            if _unsafe(i.filename):
                raise _refuse(f"đường dẫn không an toàn '{nfc(i.filename)}'",
                              f"unsafe member path '{i.filename}'", "zip_traversal")
            if stat.S_ISLNK(i.external_attr >> 16):
                raise _refuse(f"liên kết '{nfc(i.filename)}'", f"a link '{i.filename}'",
                              "zip_traversal")
        members = [i for i in infos if not _litter(i.filename)]
        if not members:
            raise _refuse("không có tệp nào bên trong", "it holds no file", "zip")
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
                        raise _refuse("nội dung giải nén quá lớn",
                                      "the content is too large once extracted", "zip_bomb")
                    out.write(chunk)
            with target.open("rb") as f:
                if f.read(4) in (b"PK\x03\x04", b"PK\x05\x06") and _is_plain_zip(target):
                    failures.append((name, _refuse("tệp nén lồng trong tệp nén",
                                                   "an archive inside the archive")))
                    continue
            try:
                results.append(read_member(target, f"{source}/{name}"))
            except InputRejected as exc:
                failures.append((name, exc))
            finally:
                target.unlink(missing_ok=True)
        if failures:
            raise reject(
                f"Tệp nén có {len(failures)}/{len(members)} tệp không đọc được; không tệp nào "
                "trong tệp nén được lấy. " + " ".join(f"[{n}] {e.vi}" for n, e in failures)[:3000],
                f"{len(failures)} of {len(members)} files in the archive could not be read; "
                "nothing in it was taken. "
                + " ".join(f"[{n}] {e.en}" for n, e in failures)[:3000], "zip_member")
        return results


def _is_plain_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return not names & {"[Content_Types].xml", "mimetype"}
