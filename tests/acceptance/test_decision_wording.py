"""A decision worded unlike the fixtures: 'thành lập D trên cơ sở hợp nhất A và B', 'B tiếp nhận
A; B giữ nguyên tên', a table 'Đơn vị trước sắp xếp / Đơn vị sau sắp xếp' — and its copy with
every diacritic lost, as a poor scan gives it. The clerk checks the certificates' fate."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from . import inputs as i
from .conftest import plan_of, settings_in

TRANSFER = "275/BCY-CTSBMTT 1.1; 393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"   # rules 3, 16


def _table_only(path: Path) -> Path:
    """Only a table: the unit 'thuộc' one agency before, another after; a department before,
    the department that receives it after (which keeps its name and certificate)."""
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "QUYẾT ĐỊNH", "Số: 1790/QĐ-UBND",
                 "Điều 1. Sắp xếp các cơ quan, đơn vị như sau:"):
        d.add_paragraph(line)
    t = d.add_table(rows=0, cols=3)
    for row in (("STT", "Đơn vị trước sắp xếp", "Đơn vị sau sắp xếp"),
                ("1", f"{i.TT_CNTT} (thuộc {i.TTTT_DN})", f"{i.TT_CNTT} (thuộc {i.KHCN_DN})"),
                ("2", i.GTVT_DN, i.XD_DN)):
        for cell, v in zip(t.add_row().cells, row, strict=True):
            cell.text = v
    d.save(path)
    return path


def _scanned(path: Path) -> Path:
    """The articles as a poor scan reads them: 'Sở' as 'S6', marks lost or wrong."""
    d = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH ĐỒNG NAI", "Số: 1789/QĐ-UBND", "QUYẾT ĐỊNH",
                 *i.DECISION_ARTICLES[:2]):
        if line.startswith("Điều"):
            line = line.replace("Sở ", "S6 ").replace("Đồng Nai", "Đong Nai").replace(
                "tỉnh", "tinh").replace("Môi trường", "Moi truòng")
        d.add_paragraph(line)
    d.save(path)
    return path


def _plan(tmp_path: Path, variant: str):  # type: ignore[no-untyped-def]
    folder = tmp_path / variant
    folder.mkdir()
    dec = _table_only(folder / "qd.docx") if variant == "table" else \
        _scanned(folder / "qd.docx") if variant == "ocr" else \
        i.decision_docx(folder / "qd.docx", bare=variant == "bare")
    plan = plan_of(settings_in(folder), [i.decision_list(folder / "ds.xlsx"), dec])
    return {a.serial: a for a in plan.actions if a.kind == "certificate"}


@pytest.mark.parametrize("variant", ["plain", "bare", "table", "ocr"])
def test_the_receiving_department_keeps_its_certificate_and_the_unit_only_changes_o(
        tmp_path, variant):
    got = _plan(tmp_path, variant)
    assert got["5C03"].action == "revoke"               # Sở GTVT, received by Sở Xây dựng
    assert got["5C04"].action == "keep"                 # never a second 'Sở Xây dựng' CN
    unit = got["5C05"]                                  # the centre moves under Sở KHCN
    assert unit.action == "change_info"
    assert [c for c in unit.changes if c[0] != "superior"] == [("O", i.TTTT_DN, i.KHCN_DN)]
    assert got["5C02"].changes == (("CN", i.NNPTNT_DN, i.NNMT_DN),)
    assert got["5C01"].action == "revoke"
    if variant not in ("table", "ocr"):   # not read as a transfer there (see the report)
        assert unit.rule == TRANSFER


@pytest.mark.parametrize("damage", ["bare", "ocr"])
def test_the_damaged_copy_gives_the_same_new_names(tmp_path, damage):
    """Never 'S6 Nông nghiệp và Moi truòng tinh Đong Nai' as a certificate's new CN."""
    assert _plan(tmp_path, damage)["5C02"].changes == (("CN", i.NNPTNT_DN, i.NNMT_DN),)


def test_the_unaccented_copy_gives_the_same_plan(tmp_path):
    plain, bare = _plan(tmp_path, "plain"), _plan(tmp_path, "bare")
    assert [(a.serial, a.action, a.changes, a.rule) for a in bare.values()] == \
        [(a.serial, a.action, a.changes, a.rule) for a in plain.values()]


def test_an_annex_sheet_of_units_before_and_after(settings, tmp_path):
    """The decision's annex as .xlsx: 'STT | Đơn vị trước sắp xếp | Đơn vị sau sắp xếp | Hình
    thức', a 'Sáp nhập' row into a department that keeps its name, a unit moved under another."""
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["PHỤ LỤC: DANH SÁCH CƠ QUAN, ĐƠN VỊ SẮP XẾP"])
    ws.append(["(Kèm theo Quyết định số 1789/QĐ-UBND ngày 30/6/2025 của UBND tỉnh Đồng Nai)"])
    ws.append([])
    ws.append(["STT", "Đơn vị trước sắp xếp", "Đơn vị sau sắp xếp", "Hình thức"])
    ws.append([1, i.TNMT_DN, i.NNMT_DN, "Hợp nhất"])
    ws.append([2, i.NNPTNT_DN, i.NNMT_DN, "Hợp nhất"])
    ws.append([3, i.GTVT_DN, i.XD_DN, "Sáp nhập"])
    ws.append([4, i.TT_CNTT, i.TT_CNTT, f"Chuyển về trực thuộc {i.KHCN_DN}"])
    wb.save(tmp_path / "phu-luc.xlsx")
    plan = plan_of(settings, [i.decision_list(tmp_path / "ds.xlsx"), tmp_path / "phu-luc.xlsx"])
    got = {a.serial: a for a in plan.actions if a.kind == "certificate"}
    assert (got["5C03"].action, got["5C04"].action) == ("revoke", "keep")
    assert (got["5C05"].rule, got["5C05"].changes[0]) == (TRANSFER, ("O", i.TTTT_DN, i.KHCN_DN))
    assert got["5C02"].changes == (("CN", i.NNPTNT_DN, i.NNMT_DN),)
    assert got["5C01"].action == "revoke"
