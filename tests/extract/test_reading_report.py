"""Issue 15, the reading side: nothing read is lost without a word.

Each test here failed on the code before this change: the two-row header dropped serials and
expiries, the plain headers were not known, serials of lists and certificate files never met,
reading warnings were thrown away (and a bad serial reached plan.json), rows after a long run of
blank rows past row 20,000 were dropped, notes never filled the new agency.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grid_workbook import write_workbook

from paperflow import extract
from paperflow.config import PlanSettings, Settings
from paperflow.errors import InputRejected
from paperflow.models import Incoming
from paperflow.plan import build_plan
from paperflow.register import Register
from paperflow.register.reports import reading_reports

AGENCY = "Sở Tài chính tỉnh Hưng Yên"


def _sheet(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    return write_workbook(path, rows, merges)


def test_two_row_merged_header_brings_serials_and_expiries(tmp_path, as_incoming):
    p = _sheet(tmp_path / "ds.xlsx", [
        ["DANH SÁCH THUÊ BAO"],
        [],
        ["STT", "Họ và tên", "Cơ quan", "Thông tin chứng thư số", None],
        [None, None, None, "Số serial", "Ngày hết hạn"],
        [1, "Nguyễn Văn An", AGENCY, "000054A3", "31/12/2026"],
        [2, "Trần Thị Bình", AGENCY, "00 00 54 A4", datetime(2027, 1, 15)],
    ], merges=("A3:A4", "B3:B4", "C3:C4", "D3:E3"))
    got = extract.read(as_incoming(p))
    assert [(s.name, s.cert_serial, s.valid_until) for s in got.subscribers] == [
        ("Nguyễn Văn An", "54A3", date(2026, 12, 31)),
        ("Trần Thị Bình", "54A4", date(2027, 1, 15))]
    (sheet,) = got.report.sheets
    assert sheet.header_rows == (3, 4) and (sheet.rows_read, sheet.rows_stored) == (2, 2)
    assert ("cert_serial", "Thông tin chứng thư số / Số serial") in sheet.columns


@pytest.mark.parametrize("serial_header", ["Số serial", "Serial"])
@pytest.mark.parametrize("until_header", ["Hạn sử dụng", "Thời hạn CTS"])
def test_plain_serial_and_expiry_headers(tmp_path, as_incoming, serial_header, until_header):
    p = _sheet(tmp_path / "ds.xlsx", [["Họ và tên", serial_header, until_header],
                                      ["Nguyễn Văn An", "0x54a3", "30/06/2027"]])
    (s,) = extract.read(as_incoming(p)).subscribers
    assert (s.cert_serial, s.valid_until) == ("54A3", date(2027, 6, 30))


def test_a_missing_key_column_is_a_warning_naming_it(tmp_path, as_incoming):
    p = _sheet(tmp_path / "ds.xlsx", [["Họ và tên", "Cơ quan", "Số CCCD"],
                                      ["Nguyễn Văn An", AGENCY, "034185001234"]])
    got = extract.read(as_incoming(p))
    assert got.report.sheets[0].missing == ("cert_serial",)
    assert any("thiếu cột 'Số serial chứng thư số'" in w for w in got.report.all_warnings())


def test_nothing_usable_is_a_bilingual_rejection_listing_the_skipped_rows(tmp_path, as_incoming):
    p = _sheet(tmp_path / "ds.xlsx", [["Họ và tên", "Số serial", "Cơ quan"],
                                      [None, "54A3", AGENCY], [None, "54A4", AGENCY]])
    with pytest.raises(InputRejected) as exc:
        extract.read(as_incoming(p))
    assert exc.value.code == "no_rows" and "dòng 2" in exc.value.vi and "skipped" in exc.value.en


def test_bad_values_are_reported_and_never_stored(tmp_path, as_incoming):
    p = _sheet(tmp_path / "ds.xlsx", [
        ["Họ và tên", "Số serial chứng thư số", "Ngày hết hạn", "Cơ quan"],
        ["Nguyễn Văn An", "54G1", "31/06/2027", AGENCY],
        ["Trần Thị Bình", "54A4", "30/06/2027", AGENCY]])
    got = extract.read(as_incoming(p))
    a, b = got.subscribers
    assert (a.cert_serial, a.valid_until) == ("", None)
    assert (b.cert_serial, b.valid_until) == ("54A4", date(2027, 6, 30))
    warnings = got.report.all_warnings()
    assert any("dòng 2" in w and "'54G1'" in w and "không hợp lệ" in w for w in warnings)
    assert any("dòng 2" in w and "'31/06/2027'" in w for w in warnings)


def _cert(serial: int, name: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, AGENCY),
                         x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(datetime(2024, 7, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 6, 30, tzinfo=UTC)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def _store(reg: Register, paths: list[Path]) -> None:
    for p in paths:
        inc = _incoming(p)
        reg.store(extract.read(inc), source_sha=inc.sha256, source_name=inc.name)


def _incoming(p: Path) -> Incoming:
    from tests.extract.conftest import incoming
    return incoming(p)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(workspace=tmp_path, plan=PlanSettings(today=date(2025, 7, 2)))


def test_list_rows_and_their_certificate_files_always_meet(tmp_path, settings):
    """Each officer's title changes, so the plan compares the list with the certificate file
    and warns "Chưa có tệp chứng thư" where it finds none: only for the one officer whose file
    was not dropped. The old code stored "000054A3" from the list and "54A3" from the file."""
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Võ Văn Em"]
    written = ["000054A3", "00 00 54 A4", "00:00:54:c1", "0x54c2", "000054D0"]
    serials = [0x54A3, 0x54A4, 0x54C1, 0x54C2]          # no file for Võ Văn Em's 54D0
    rows = [["Họ và tên", "Số serial chứng thư số", "Cơ quan", "Chức vụ", "Chức vụ mới"]]
    rows += [[n, w, AGENCY, "Chuyên viên", "Trưởng phòng"]
             for n, w in zip(names, written, strict=True)]
    files = [_sheet(tmp_path / "ds.xlsx", rows)]
    for n, s in zip(names, serials, strict=False):
        files.append(tmp_path / f"{s:x}.cer")
        files[-1].write_bytes(_cert(s, n))
    with Register.open(settings) as reg:
        _store(reg, files)
        snap = reg.snapshot()
        plan = build_plan(snap, settings, batch="B1")
    assert sorted(s.cert_serial for s in snap.subscribers) == ["54A3", "54A4", "54C1", "54C2",
                                                               "54D0"]
    assert {c.serial for c in snap.certificates} == {"54A3", "54A4", "54C1", "54C2"}
    missing = [w.message for w in plan.warnings if "Chưa có tệp chứng thư" in w.message]
    assert len(missing) == 1 and "Võ Văn Em" in missing[0], missing


def test_a_bad_serial_never_reaches_the_plan(tmp_path, settings):
    p = _sheet(tmp_path / "ds.xlsx", [
        ["Họ và tên", "Số serial chứng thư số", "Cơ quan", "Ghi chú"],
        ["Nguyễn Văn An", "54G1", AGENCY, "Nghỉ hưu từ 01/7/2025"],
        ["Trần Thị Bình", "54A4", AGENCY, "Nghỉ hưu từ 01/7/2025"]])
    with Register.open(settings) as reg:
        _store(reg, [p])
        plan = build_plan(reg.snapshot(), settings, batch="B1")
        text = json.dumps(plan.to_json(), ensure_ascii=False)
        reports = reading_reports(reg.engine)
        assert reg.reading_reports() == reports
    assert "54G1" not in text and "54A4" in text
    (report,) = reports
    assert report.source == "ds.xlsx" and report.rows_stored == 2
    assert any("'54G1'" in w for w in report.all_warnings())


def test_reports_become_the_batch_s_when_its_plan_is_recorded(tmp_path, settings):
    p = _sheet(tmp_path / "ds.xlsx", [["Họ và tên", "Số serial chứng thư số", "Cơ quan"],
                                      ["Nguyễn Văn An", "54A3", AGENCY]])
    with Register.open(settings) as reg:
        _store(reg, [p])
        assert [r.source for r in reg.reading_reports()] == ["ds.xlsx"]
        from paperflow.models import Action, Plan
        reg.record_plan(Plan(batch="B7", actions=(Action(
            kind="certificate", action="revoke", rule="r", reason="x", serial="54A3"),)))
        assert reg.reading_reports() == []
        assert [r.source for r in reg.reading_reports("B7")] == ["ds.xlsx"]


def test_rows_after_a_long_blank_run_past_row_20000_are_read(tmp_path, as_incoming):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Số serial chứng thư số", "Cơ quan"])
    for i in range(1, 6):
        ws.append([i, f"Người thứ {i}", f"54{i:02X}", AGENCY])
    for r, i in enumerate(range(6, 11), start=20_051):
        for c, v in enumerate([i, f"Người thứ {i}", f"54{i:02X}", AGENCY], start=1):
            ws.cell(r, c, v)
    wb.save(tmp_path / "dai.xlsx")
    got = extract.read(as_incoming(tmp_path / "dai.xlsx"))
    assert [s.name for s in got.subscribers] == [f"Người thứ {i}" for i in range(1, 11)]
    assert got.report.rows_read == 10 and got.report.rows_stored == 10


def test_a_long_sheet_is_read_whole(tmp_path, as_incoming):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Họ và tên", "Số CCCD", "Số serial chứng thư số"])
    for i in range(20_100):
        ws.append([f"Người {i}", f"{i:012d}", f"{0x540000 + i:X}"])
    wb.save(tmp_path / "long.xlsx")
    got = extract.read(as_incoming(tmp_path / "long.xlsx"))
    assert len(got.subscribers) == 20_100 and got.subscribers[-1].name == "Người 20099"


@pytest.mark.parametrize("note, agency", [
    ("Điều động về Sở Nội vụ tỉnh Hưng Yên từ 01/7/2025", "Sở Nội vụ tỉnh Hưng Yên"),
    ("Chuyển công tác đến Văn phòng UBND tỉnh Hưng Yên", "Văn phòng UBND tỉnh Hưng Yên"),
    ("Bố trí tại Sở Xây dựng tỉnh Hưng Yên từ 01/7/2025", "Sở Xây dựng tỉnh Hưng Yên"),
    ("Dieu dong ve So Y te tinh Hung Yen tu ngay 01/7/2025", "So Y te tinh Hung Yen"),
    ("Nghỉ hưu từ 01/7/2025", ""),
])
def test_the_note_gives_the_new_agency(tmp_path, as_incoming, note, agency):
    p = _sheet(tmp_path / "ns.xlsx", [["Họ và tên", "Số serial chứng thư số", "Ghi chú"],
                                      ["Nguyễn Văn An", "54A3", note]])
    (s,) = extract.read(as_incoming(p)).subscribers
    assert s.new_agency == agency
    assert s.need_note == note


@pytest.mark.parametrize("header", ["Cơ quan mới", "Đơn vị mới", "Nơi công tác mới",
                                    "Đơn vị sau sắp xếp", "Cơ quan công tác sau sắp xếp"])
def test_new_agency_columns(tmp_path, as_incoming, header):
    p = _sheet(tmp_path / "ns.xlsx", [["Họ và tên", "Số serial chứng thư số", "Cơ quan", header],
                                      ["Nguyễn Văn An", "54A3", AGENCY, "Sở Nội vụ tỉnh Hưng Yên"]])
    (s,) = extract.read(as_incoming(p)).subscribers
    assert (s.agency, s.new_agency) == (AGENCY, "Sở Nội vụ tỉnh Hưng Yên")


def _with_raw_strings(path: Path, replace: dict[str, str]) -> Path:
    """The workbook with its strings edited as bytes (openpyxl refuses to write control
    characters, but Excel files from other tools carry them as _xHHHH_ escapes)."""
    import zipfile

    data = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data[name] = z.read(name)
    for part in [n for n in data if n.startswith("xl/") and n.endswith(".xml")]:
        text = data[part].decode()
        for old, new in replace.items():
            text = text.replace(old, new)
        data[part] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)
    return path


def test_control_characters_are_stripped_at_extraction(tmp_path, as_incoming, settings):
    p = _sheet(tmp_path / "ds.xlsx", [["Họ và tên", "Số serial chứng thư số", "Cơ quan"],
                                      ["Nguyễn Văn An", "54A3", "Sở Tài chính"]])
    _with_raw_strings(p, {"Nguyễn Văn An": "Nguyễn_x0007_ Văn​ An_x000b_",
                          "Sở Tài chính": "Sở Tài_x0000_ chính‮"})
    c = tmp_path / "ds.csv"
    c.write_text("Họ và tên;Số serial chứng thư số;Cơ quan\n"
                 "Trần\x07 Thị\x1b Bình;54A4;Sở Tài\x0c chính\n", encoding="utf-8")
    a, = extract.read(as_incoming(p)).subscribers
    b, = extract.read(as_incoming(c)).subscribers
    assert (a.name, a.agency) == ("Nguyễn Văn An", "Sở Tài chính")
    assert (b.name, b.agency) == ("Trần Thị Bình", "Sở Tài chính")
    with Register.open(settings) as reg:       # stored and planned without a crash, twice
        for _ in range(2):
            _store(reg, [p, c])
            build_plan(reg.snapshot(), settings, batch="B1")


def test_a_register_written_before_the_one_serial_key_is_rekeyed(tmp_path, settings):
    """A register filled by the old code holds the list's "000054A3": opened by this code, the
    row is found under the certificate file's "54A3" (and its token still points at it)."""

    from sqlalchemy import delete, select

    from paperflow.register.db import Migration, open_engine
    from paperflow.register.schema import SubscriberRow, TokenRow

    engine = open_engine(settings.register_url)
    with engine.begin() as conn:
        conn.execute(SubscriberRow.__table__.insert().values(
            ident="cert:000054A3", type="person", name="Nguyễn Văn An", cert_serial="000054A3",
            match_key="nguyen van an|"))
        conn.execute(TokenRow.__table__.insert().values(serial="TK01", cert_serial="000054A3",
                                                        holder="cert:000054A3"))
        conn.execute(delete(Migration).where(Migration.name == "0005-certificate-serials-one-key"))
    engine.dispose()
    engine = open_engine(settings.register_url)
    with engine.connect() as conn:
        subs = conn.execute(select(SubscriberRow.ident, SubscriberRow.cert_serial)).all()
        tokens = conn.execute(select(TokenRow.cert_serial, TokenRow.holder)).all()
    engine.dispose()
    assert subs == [("cert:54A3", "54A3")] and tokens == [("54A3", "cert:54A3")]


@pytest.mark.parametrize("note", ["Chuyển sang làm việc theo hợp đồng", "Bố trí công tác khác",
                                  "Điều động về vị trí khác từ 01/7/2025"])
def test_a_note_naming_no_agency_gives_none(tmp_path, as_incoming, note):
    p = _sheet(tmp_path / "ns.xlsx", [["Họ và tên", "Số serial chứng thư số", "Ghi chú"],
                                      ["Nguyễn Văn An", "54A3", note]])
    (s,) = extract.read(as_incoming(p)).subscribers
    assert s.new_agency == ""
