"""Requests as agencies really send them to the Hưng Yên focal point: Mẫu 04/05/06 rendered by
each agency's own paperflow, converted by LibreOffice and signed with pyHanko by the head of the
agency and by its seal (certificates of a throw-away test CA) — or not signed at all."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.models import Action, Plan, RenderedDocument, Subscriber
from paperflow.sign import demo
from pki_files import make_p12

FOCAL = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
UB = "Ủy ban nhân dân tỉnh Hưng Yên"
STC, SYT, SXD = ("Sở Tài chính tỉnh Hưng Yên", "Sở Y tế tỉnh Hưng Yên",
                 "Sở Xây dựng tỉnh Hưng Yên")
XA = "Ủy ban nhân dân xã Tân Hưng"
TODAY = date(2025, 7, 3)


def person(name: str, agency: str, serial: str, **kw) -> Subscriber:
    kw.setdefault("managing_agency", UB)
    return Subscriber(type="person", name=name, agency=agency, province="Hưng Yên",
                      cert_serial=serial, **kw)


def agency_settings(ws: Path, name: str, abbr: str, head: str, title: str) -> Settings:
    return Settings(workspace=ws, agency=AgencySettings(
        name=name, managing=UB, abbreviation=abbr, drafting_unit="VP", place="Hưng Yên",
        province="Hưng Yên", signer_name=head, signer_title=title, signer_authority="",
        contact_name="Văn thư", contact_phone="0221 000", contact_email="vt@hungyen.gov.vn"),
        plan=PlanSettings(today=TODAY, focal_points={"Hưng Yên": FOCAL}))


# (agency, symbol, head, title, requests): what each agency asks the focal point for
REQUESTS = [
    (STC, "STC", "Hoàng Văn Tài", "GIÁM ĐỐC", [
        Action("certificate", "change_info", "275/BCY-CTSBMTT 1.2", "Chuyển đơn vị.",
               serial="5402B1", route_to=FOCAL, sender=STC,
               subscriber=person("Trần Văn Minh", STC, "5402B1", id_number="034085001234",
                                 title="Phó Giám đốc"),
               changes=(("OU", "Phòng Tổng hợp", "Phòng Kế hoạch - Tài chính"),)),
        Action("certificate", "renew", "23/BCY-CTSBMTT", "Sắp hết hạn.", serial="5402B3",
               route_to=FOCAL, sender=STC,
               subscriber=person("Phạm Quốc Bảo", STC, "5402B3", id_number="033099004321",
                                 valid_until=date(2025, 8, 1)))]),
    (SYT, "SYT", "Đỗ Thị Y", "GIÁM ĐỐC", [
        Action("certificate", "revoke", "275/BCY-CTSBMTT 1.2", "Nghỉ hưu từ 01/7/2025.",
               serial="6601C1", route_to=FOCAL, sender=SYT,
               subscriber=person("Lê Văn Hưu", SYT, "6601C1", needed=False,
                                 token_serial="TK6601", need_note="Nghỉ hưu")),
        Action("certificate", "restore_token", "23/BCY-CTSBMTT", "Nhập sai mã PIN.",
               serial="6601C2", route_to=FOCAL, sender=SYT, token_serial="TK6602",
               subscriber=person("Vũ Thị Lan", SYT, "6601C2", token_serial="TK6602"))]),
    (XA, "UBND", "Nguyễn Văn Xã", "CHỦ TỊCH", [
        Action("certificate", "change_info", "393/BCY-CTSBMTT 3", "Đổi tên xã.",
               serial="7701D1", route_to=FOCAL, sender=XA,
               subscriber=person("Bùi Thị Xuân", XA, "7701D1"),
               changes=(("O", "Ủy ban nhân dân xã Tân Lập", XA),))]),
    (SXD, "SXD", "Đinh Văn Dựng", "GIÁM ĐỐC", [
        Action("certificate", "revoke", "275/BCY-CTSBMTT 1.2", "Thôi việc.", serial="8801E1",
               route_to=FOCAL, sender=SXD,
               subscriber=person("Mai Văn Thôi", SXD, "8801E1", needed=False,
                                 token_serial="TK8801"))]),
]


@dataclass(frozen=True)
class Pki:
    ca: demo.TestCa
    ca_pem: Path
    other: demo.TestCa


def make_pki(root: Path) -> Pki:
    ca = demo.make_ca(root / "ca.pem", root / "ca.key.pem")
    other = demo.make_ca(root / "other.pem", root / "other.key.pem")
    return Pki(ca, root / "ca.pem", other)


def _p12(ca: demo.TestCa, path: Path, **subject: str) -> Path:
    return make_p12(ca, path, password=b"pw", **subject)


def sign_pdf(pdf: Path, out: Path, p12s: list[Path]) -> Path:
    """Sign in turn (the head, then the seal), each signature an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    src = pdf
    for n, p12 in enumerate(p12s, start=1):
        signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"pw")
        tmp = p12.with_name(f"{out.stem}.{n}.pdf")       # not in the inbox
        with src.open("rb") as fh, tmp.open("wb") as o:
            signers.sign_pdf(IncrementalPdfFileWriter(fh),
                             signers.PdfSignatureMetadata(field_name=f"Sig{n}"),
                             signer=signer, output=o)
        src = tmp
    shutil.copy(src, out)
    return out


def agency_requests(root: Path, pki: Pki) -> list[Path]:
    """The four agencies' requests as dropped into the focal point's inbox:
    Sở Tài chính (Mẫu 04) and Sở Y tế (Mẫu 05 + 06) signed by their head and seal; the commune's
    Mẫu 04 as an unsigned .docx; Sở Xây dựng's Mẫu 05 signed by a certificate of another CA."""
    from paperflow.convert import Converter
    from paperflow.render import render_batch
    out: list[Path] = []
    drop = root / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    for n, (agency, abbr, head, title, acts) in enumerate(REQUESTS, start=1):
        ws = root / abbr.lower()
        settings = agency_settings(ws, agency, abbr, head, title)
        given = iter(range(10 + 2 * n, 100))     # each agency's own register
        docs = render_batch(Plan(f"b{n}", tuple(acts)), settings, ws / "out",
                            numbers=lambda _t, a=abbr, g=given: f"{next(g):02d}/{a}-VP")
        dispatches = [d for d in docs if d.type == "dispatch"]
        if agency == XA:
            out += [shutil.copy(d.path, drop / f"{abbr}-{d.path.name}") for d in dispatches]
            continue
        with Converter(settings) as conv:
            done = conv.convert_documents(dispatches)
        ca = pki.other if agency == SXD else pki.ca
        p12s = [_p12(ca, ws / "head.p12", CN=head, O=agency),
                _p12(ca, ws / "seal.p12", CN=agency, O=UB)]
        for d in done:
            assert d.pdf is not None
            out.append(sign_pdf(d.pdf, drop / f"{abbr}-{d.pdf.name}", p12s))
    return out


def desk_documents(settings: Settings, out: Path) -> list[RenderedDocument]:
    """For scripts/render_pages.py: a focal point's reply and processing register."""
    from paperflow.render import render_batch
    desk = [Action("desk", "carried_out", "23/BCY-CTSBMTT; 393/BCY-CTSBMTT 2",
                   "Đã thực hiện 2/2 thuê bao.", from_="x" * 64, to=STC, route_to=STC,
                   sender=FOCAL, changes=(
                       ("request", "11/STC-VP", "01/7/2025"),
                       ("subject", "04", "đề nghị gia hạn, thay đổi nội dung thông tin chứng thư "
                                         "chữ ký số chuyên dùng công vụ"),
                       ("row", "Trần Văn Minh|5402B1",
                        "Đã thay đổi nội dung thông tin trên Hệ thống đăng ký"),
                       ("row", "Phạm Quốc Bảo|5402B3", "Đã gia hạn trên Hệ thống đăng ký"))),
            Action("desk", "follow_up", "23/BCY-CTSBMTT; 393/BCY-CTSBMTT 2",
                   "Chưa thực hiện: tệp Word không có chữ ký số.", from_="y" * 64, to=XA,
                   route_to=XA, sender=FOCAL, changes=(
                       ("request", "13/UBND-VP", "01/7/2025"),
                       ("subject", "04", "đề nghị gia hạn, thay đổi nội dung thông tin"),
                       ("row", "Bùi Thị Xuân|7701D1", "Chưa thực hiện")))]
    return [d for d in render_batch(Plan("desk", tuple(desk)), settings, out)
            if d.type in ("dispatch", "register")]


__all__ = ["FOCAL", "STC", "SYT", "SXD", "XA", "UB", "TODAY", "make_pki", "agency_requests",
           "agency_settings", "desk_documents"]
