"""Issue 14 item 8: a list that carries the CCCD's date and place of issue and an organisation's
tax or budget code is read and stored, so the "missing form data" warning names only what no
input gave. The header variants live in extract/columns.RULES."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from paperflow import extract
from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.extract.columns import classify, locate_header
from paperflow.models import Certificate, Extracted, Incoming, InputKind
from paperflow.plan import build_plan
from paperflow.register import Register

UB = "Ủy ban nhân dân tỉnh Hưng Yên"
STC = "Sở Tài chính tỉnh Hưng Yên"


@pytest.mark.parametrize(("header", "meaning"), [
    ("Ngày cấp CCCD", "id_issued"), ("Ngày cấp CCCD/CMND", "id_issued"),
    ("NGAY CAP CCCD", "id_issued"), ("Ngày cấp căn cước", "id_issued"),
    ("Ngày cấp số định danh", "id_issued"),
    ("Nơi cấp", "id_place"), ("Nơi cấp CCCD", "id_place"), ("NOI CAP", "id_place"),
    ("Mã số thuế", "tax_code"), ("MST", "tax_code"), ("Mã QHNS", "tax_code"),
    ("Mã số thuế/Mã QHNS", "tax_code"), ("Mã đơn vị quan hệ ngân sách", "tax_code"),
    ("Mã ĐVQHNS", "tax_code"),
    # the CCCD itself and the certificate's own date stay what they were
    ("Số CCCD", "id_number"), ("CCCD/CMND", "id_number"), ("Ngày cấp", None),
    ("Ngày sinh", "birth_date"),
])
def test_header_variants(header, meaning):
    assert classify(header) == meaning


def test_a_two_row_header_under_a_cccd_group():
    header = locate_header([
        ("STT", "Họ và tên", "Căn cước công dân", None, None, "Số serial chứng thư"),
        (None, None, "Số", "Ngày cấp", "Nơi cấp", None),
        ("1", "Nguyễn Văn An", "034185001234", "01/02/2021", "Cục CSQLHC về TTXH", "54A3")])
    assert header is not None
    assert {m: header.cols[m] for m in ("id_number", "id_issued", "id_place")} == {
        "id_number": 2, "id_issued": 3, "id_place": 4}


def _list(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH THUÊ BAO"])
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Ngày cấp CCCD", "Nơi cấp",
               "Mã số thuế", "Loại thuê bao", "Cơ quan", "Số serial chứng thư số"])
    ws.append(["1", "Nguyễn Văn An", "09/03/1985", "034185001234", date(2021, 2, 1),
               "Cục Cảnh sát QLHC về TTXH", None, "Cá nhân", STC, "54A3"])
    ws.append(["2", "Trần Thị Bình", None, "034190009876", None, None, None, "Cá nhân", STC,
               "54A4"])
    ws.append(["3", STC, None, None, None, None, 101234567, "Tổ chức", STC, "54A5"])
    wb.save(path)
    return path


def test_the_values_are_stored_and_only_what_lacks_is_warned(tmp_path):
    f = _list(tmp_path / "thue-bao.xlsx")
    data = f.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    got = extract.read(Incoming(path=f, sha256=sha, name=f.name, size=len(data)))
    an = next(s for s in got.subscribers if s.name == "Nguyễn Văn An")
    assert (an.id_issued, an.id_place) == (date(2021, 2, 1), "Cục Cảnh sát QLHC về TTXH")
    org = next(s for s in got.subscribers if s.type == "organization")
    assert org.tax_code == "0101234567"                 # the number cell's leading 0 back
    settings = Settings(workspace=tmp_path, agency=AgencySettings(
        name=STC, managing=UB, abbreviation="STC", province="Hưng Yên", place="Hưng Yên"),
        plan=PlanSettings(today=date(2025, 7, 4), renew_within_days=60))
    certs = [Certificate(serial, (("CN", name), ("O", STC), ("ST", "Hưng Yên")), "CA",
                         date(2023, 1, 1), date(2025, 8, 1))
             for serial, name in (("54A3", "Nguyễn Văn An"), ("54A4", "Trần Thị Bình"),
                                  ("54A5", STC))]
    with Register.open(settings) as reg:
        reg.store(got, source_sha=sha, source_name=f.name)
        for c in certs:
            reg.store(Extracted(kind=InputKind.CERTIFICATE, certificates=(c,)),
                      source_sha=c.serial, source_name=c.serial)
        snap = reg.snapshot()
        stored = {s.name: s for s in snap.subscribers}
        assert stored["Nguyễn Văn An"].id_issued == date(2021, 2, 1)
        assert stored["Nguyễn Văn An"].id_place == "Cục Cảnh sát QLHC về TTXH"
        assert stored[STC].tax_code == "0101234567"
        plan = build_plan(snap, settings, "b1")
    assert {a.serial for a in plan.actions if a.action == "renew"} >= {"54A3", "54A4", "54A5"}
    (warning,) = [w.message for w in plan.warnings if w.code == "form_data_missing"]
    assert "Trần Thị Bình (54A4): ngày sinh, ngày cấp CCCD, nơi cấp CCCD" in warning
    assert "Nguyễn Văn An" not in warning and "mã số thuế" not in warning

