"""Storing files in one group (`store_many`: rows read ahead, INSERTs at the end) leaves the
register exactly as storing them one by one (`store`: a transaction each) — whatever the
grouping, also where a later row of the group meets a row an earlier one only added."""

from __future__ import annotations

from ast import literal_eval
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from paperflow.config import Settings
from paperflow.models import (
    CentralDispatch,
    Certificate,
    Extracted,
    InputKind,
    MergeEvent,
    MergeKind,
    Request,
    Subscriber,
)
from paperflow.register import Register
from paperflow.register.schema import (
    AuditRow,
    CentralDispatchRow,
    CertificateRow,
    IncomingRequestRow,
    MergeEventRow,
    OrganisationHistoryRow,
    OrganisationRow,
    SubscriberRow,
    TokenRow,
)

SCHOOL = "Trường Trung học cơ sở Minh Khai, huyện Hưng Hà"
SCHOOL_AGAIN = "TRƯỜNG TRUNG HỌC CƠ SỞ MINH KHAI - HUYỆN HƯNG HÀ"
TN = "Sở Tài nguyên và Môi trường tỉnh Thái Bình"
NN = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Thái Bình"
NNMT = "Sở Nông nghiệp và Môi trường tỉnh Thái Bình"
UB = "Ủy ban nhân dân tỉnh Thái Bình"
UBH = "Ủy ban nhân dân huyện Hưng Hà"
UBX = "Ủy ban nhân dân xã Minh Khai"       # the school's managing agency after 1 July 2025


def person(name: str, **kw: object) -> Subscriber:
    return Subscriber("person", name, **kw)


def lists() -> list[tuple[Extracted, str, str]]:
    """Files as intake would hand them over, in scan order: certificates, lists, decisions."""
    certs = [Extracted(InputKind.CERTIFICATE, certificates=(Certificate(
        f"54 01 00 {i:02x}", (("CN", n), ("O", TN), ("L", "Thái Bình")), "CA", date(2024, 1, 1),
        date(2027, 1, 1), source=f"cert{i}.cer"),)) for i, n in enumerate(
        ["Nguyễn Thị Lan", "Lê Văn Hưng", "Phạm Thu Hà", "Nguyễn Thị Lan"])]  # the last: again
    # a personnel list without serials: holders known before their certificates
    personnel = Extracted(InputKind.PERSONNEL, subscribers=(
        person("Nguyễn Thị Lan", agency=SCHOOL, managing_agency=UBH, id_number="034190000011",
               email="lannt@thaibinh.gov.vn", title="Kế toán"),
        person("Lê Văn Hùng", agency=SCHOOL, id_number="034090000022"),
        person("Phạm Thu Hà", agency=SCHOOL, phone="0912345678", birth_date=date(1990, 5, 1)),
        person("Đỗ Minh Tuấn", agency=TN, id_number="034080000033", needed=False,
               need_note="Nghỉ hưu"),
    ))
    # a subscriber list with serials: the same holders (one renamed, one typed otherwise), one
    # row twice, and the school under a new managing agency (→ an organisation_history row)
    with_serials = Extracted(InputKind.SUBSCRIBER_LIST, subscribers=(
        person("Nguyễn Thị Lan", agency=SCHOOL, managing_agency=UBX, id_number="034 190 000 011",
               cert_serial="54 01 00 00", token_serial="tk-01", title="Kế toán trưởng",
               valid_until=date(2027, 1, 1)),
        person("Lê Văn Hưng", agency=SCHOOL, id_number="034090000022"),       # renamed
        person("Lê Văn Hưng", agency=SCHOOL, cert_serial="0x54010001", token_serial="TK-02"),
        person("PHẠM THU HÀ", agency=SCHOOL_AGAIN, cert_serial="54010002"),
        person("PHẠM THU HÀ", agency=SCHOOL_AGAIN, cert_serial="54010002",   # the row twice
               email="hapt@thaibinh.gov.vn"),
        Subscriber("organization", TN, managing_agency=UB, province="Thái Bình",
                   cert_serial="540100AA", token_serial="tk-01"),              # token re-used
        Subscriber("organization", TN, managing_agency="UBND tỉnh Thái Bình",
                   cert_serial="540100AA"),
        Subscriber("organization", NN, managing_agency=UB, province="Thái Bình",
                   cert_serial="540100BB"),
        person("Đỗ Minh Tuấn", agency=TN, id_number="034080000033", cert_serial="540100CC"),
    ))
    decision = Extracted(InputKind.DECISION, merge_events=(
        MergeEvent(MergeKind.MERGE_NEW, (TN, NN), NNMT, superior=UB, decision="QĐ 10/QĐ-UBND",
                   effective=date(2025, 3, 1), source="qd10.pdf"),
        MergeEvent(MergeKind.SUPERIOR_CHANGE, (SCHOOL,), SCHOOL, superior=UBX,
                   decision="QĐ 11/QĐ-UBND", source="qd11.pdf"),
    ))
    forms = Extracted(InputKind.REQUEST_FORM, requests=(
        Request("revoke", person("Đỗ Minh Tuấn", agency=TN, cert_serial="540100CC"),
                reason="Nghỉ hưu", source="form.docx"),
        Request("revoke", person("Đỗ Minh Tuấn", agency=TN, cert_serial="540100CC"),
                reason="Nghỉ hưu", source="form-again.docx"),
    ), central_dispatches=(
        CentralDispatch("275/BCY-CTSBMTT", date(2025, 5, 16), "Ban Cơ yếu Chính phủ",
                        "chứng thư số", (("1.", "Về quản lý"),), ocr=True, source="275.pdf"),
        CentralDispatch("275/BCY-CTSBMTT", date(2025, 5, 16), "Ban Cơ yếu Chính phủ",
                        "chứng thư số", (("1.", "Về quản lý\n- thu hồi"),), source="275.docx"),
    ))
    files = [*certs, personnel, with_serials, decision, forms, personnel]   # personnel again
    return [(ex, f"sha{i}", f"file{i}") for i, ex in enumerate(files)]


# what a run sets itself (times, autoincrement ids) is not content
_SKIP = {"at", "updated_at", "id"}
_TABLES = [SubscriberRow, CertificateRow, TokenRow, OrganisationRow, OrganisationHistoryRow,
           MergeEventRow, IncomingRequestRow, CentralDispatchRow]


def tables(reg: Register) -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    with reg.session() as s:
        for cls in _TABLES:
            cols = [c for c in cls.__table__.columns if c.name not in _SKIP]
            out[cls.__tablename__] = sorted(
                (tuple(repr(v) for v in r) for r in s.execute(select(*cols))), key=str)
        # history in the order it was noted (snapshot reads it by id)
        out["history order"] = [tuple(r) for r in s.execute(
            select(OrganisationHistoryRow.org_key, OrganisationHistoryRow.old,
                   OrganisationHistoryRow.new).order_by(OrganisationHistoryRow.id))]
        out["audit_log"] = [tuple(r) for r in s.execute(
            select(AuditRow.what, AuditRow.detail).order_by(AuditRow.id))]
    return out


def stored(tmp_path: Path, name: str, sizes: list[int]) -> dict[str, list[tuple]]:
    """The register after storing lists() in groups of these sizes (0: `store`, one by one)."""
    items = lists()
    (tmp_path / name).mkdir()
    with Register.open(Settings(workspace=tmp_path / name)) as reg:
        if sizes == [0]:
            for ex, sha, src in items:
                reg.store(ex, source_sha=sha, source_name=src)
        else:
            at = 0
            for n in sizes:
                reg.store_many(items[at:at + n])
                at += n
            assert at == len(items)
        return tables(reg)


@pytest.fixture(scope="module")
def one_by_one(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    return stored(tmp_path_factory.mktemp("one"), "one", [0])


def test_one_by_one_stores_what_the_lists_say(one_by_one):
    subs = {literal_eval(r[0]): r for r in one_by_one["subscribers"]}
    # re-keyed under the serial, one row per holder, the earlier list's e-mail kept
    assert sorted(subs) == ["cert:54010000", "cert:54010001", "cert:54010002", "cert:540100AA",
                            "cert:540100BB", "cert:540100CC"]
    cols = [c.name for c in SubscriberRow.__table__.columns]
    lan = dict(zip(cols, subs["cert:54010000"], strict=True))
    assert literal_eval(lan["email"]) == "lannt@thaibinh.gov.vn"
    assert literal_eval(lan["title"]) == "Kế toán"         # the personnel list, stored again, is later
    ha = dict(zip(cols, subs["cert:54010002"], strict=True))
    assert literal_eval(ha["email"]) == "hapt@thaibinh.gov.vn" and literal_eval(ha["phone"]) == "0912345678"
    tuan = dict(zip(cols, subs["cert:540100CC"], strict=True))
    assert literal_eval(tuan["needed"]) is False
    # the school's managing agency changed by the later list and the decision, and back by the
    # personnel list stored again
    assert [(old, new) for k, old, new in one_by_one["history order"]
            if k == "truong trung hoc co so minh khai huyen hung ha"] == [
        (UBH, UBX), (SCHOOL, UBX), (UBX, UBH)]
    assert len(one_by_one["incoming_requests"]) == 1
    [central] = one_by_one["central_dispatches"]
    assert "'275.docx'" in central
    assert len(one_by_one["audit_log"]) == len(lists())


@pytest.mark.parametrize("sizes", [[9], [4, 5], [5, 4], [1, 2, 3, 3], [8, 1]],
                         ids=lambda s: "+".join(map(str, s)))
def test_any_grouping_gives_the_same_register_row_by_row(tmp_path, one_by_one, sizes):
    grouped = stored(tmp_path, "grouped", sizes)
    for table, want in one_by_one.items():
        assert grouped[table] == want, table
