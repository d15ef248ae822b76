"""Helpers for the convert tests: real .docx files (python-docx) and poppler's view of PDFs."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from docx import Document
from docx.shared import Mm

from paperflow.config import ConvertSettings, Settings

NATION = "Cộng hòa xã hội chủ nghĩa Việt Nam"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PAPER = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}


def make_docx(path: Path, *, body: str = "", paper: str = "A4", table_rows: int = 0) -> Path:
    """A dispatch-like .docx: national motto, a body line, optionally a long table (slow in LO)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = PAPER[paper]
    doc.add_paragraph(NATION.upper())
    doc.add_paragraph(MOTTO)
    doc.add_paragraph(body or f"Về việc thay đổi thông tin chứng thư số ({path.stem})")
    if table_rows:
        table = doc.add_table(rows=table_rows, cols=6)
        for row in table.rows:
            for cell in row.cells:
                cell.text = NATION
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def make_settings(workspace: Path, **convert: object) -> Settings:
    workspace.mkdir(parents=True, exist_ok=True)
    cfg = {"workers": 2, "timeout_s": 60.0, **convert}
    return Settings(workspace=workspace, convert=ConvertSettings(**cfg))  # type: ignore[arg-type]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb column) for every font in the PDF."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    rows = []
    for line in out:
        parts = line.split()
        # columns from the right: object ID (2), uni, sub, emb
        rows.append((parts[0], parts[-5]))
    return rows


def pdf_page_size(pdf: Path) -> str:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size:"))


def processes_under(folder: Path) -> list[str]:
    """Command lines of live processes that mention `folder` (our soffice profiles)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8",
                                                                                  "replace")
            state = (proc / "stat").read_text().split(") ", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if str(folder) in cmdline and state != "Z":
            found.append(cmdline)
    return found


def zombie_children() -> list[int]:
    """Zombies whose parent is this test process (an un-reaped worker)."""
    me = str(os.getpid())
    zombies = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().split(") ", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] == "Z" and fields[1] == me:
            zombies.append(int(proc.name))
    return zombies
