"""The register on real SQLite: idempotent store, no duplicate plans, numbering, lifecycle."""

from __future__ import annotations

import dataclasses
import multiprocessing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.models import (
    Certificate,
    Extracted,
    InputKind,
    MergeEvent,
    MergeKind,
    Plan,
    RenderedDocument,
    Subscriber,
)
from paperflow.plan import build_plan
from paperflow.register import Register
from paperflow.register.schema import AuditRow, RequestRow, SubscriberRow
from paperflow.register.status import status_report

TN = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
NN = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
UB = "Ủy ban nhân dân tỉnh Hưng Yên"


def extracted() -> Extracted:
    # NFD input on purpose: the register stores NFC
    import unicodedata
    nfd = unicodedata.normalize("NFD", TN)
    subs = (
        Subscriber("organization", nfd, managing_agency=UB, province="Hưng Yên",
                   cert_serial="54 01 01 01 ab 12", token_serial="tk01"),
        Subscriber("organization", NN, managing_agency=UB, province="Hưng Yên",
                   cert_serial="5401010102", token_serial="TK02", valid_until=date(2026, 1, 1)),
        Subscriber("person", "Trần Văn Minh", agency=TN, province="Thái Bình",
                   id_number="034080000001", cert_serial="0x5401010103"),
    )
    certs = (Certificate("540101 01AB12", (("CN", TN), ("O", UB), ("L", "Hưng Yên")), "CA",
                         date(2024, 1, 1), date(2029, 1, 1)),)
    ev = MergeEvent(MergeKind.MERGE_NEW, (TN, NN), "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên",
                    decision="QĐ 10/QĐ-UBND")
    return Extracted(InputKind.SUBSCRIBER_LIST, subscribers=subs, certificates=certs,
                     merge_events=(ev,))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # an ordinary issuing agency: its requests go to the focal point (see tests/plan/test_routing.py)
    return Settings(workspace=tmp_path, agency=AgencySettings(
        name="Văn phòng Ủy ban nhân dân tỉnh Hưng Yên", abbreviation="VP"), plan=PlanSettings(
        today=date(2025, 7, 2), focal_points={"Hưng Yên": "Sở KH&CN tỉnh Hưng Yên"}))


def test_store_is_idempotent_nfc_and_audited(settings):
    with Register.open(settings) as reg:
        reg.store(extracted(), source_sha="a" * 64, source_name="ds.xlsx")
        first = reg.snapshot()
        reg.store(extracted(), source_sha="a" * 64, source_name="ds.xlsx")
        assert reg.snapshot() == first
        with reg.session() as s:
            assert s.scalar(select(func.count()).select_from(SubscriberRow)) == 3
            audit = list(s.scalars(select(AuditRow)))
        assert [a.what for a in audit] == ["store", "store"]
        assert "ds.xlsx" in audit[0].detail and "@" in audit[0].who
    org = next(x for x in first.subscribers if x.cert_serial == "5401010 1AB12".replace(" ", ""))
    assert org.name == TN and org.token_serial == "TK01"
    assert {o.name for o in first.organisations} >= {TN, NN, UB.replace(UB, UB)} - {UB}
    assert first.certificates[0].serial == "54010101AB12"
    hist = next(o for o in first.organisations if o.name == NN).history
    assert hist and hist[0][2] == "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"


def test_record_plan_gives_no_duplicates_and_load_plan_round_trips(settings):
    with Register.open(settings) as reg:
        reg.store(extracted(), source_sha="a", source_name="ds.xlsx")
        plan = build_plan(reg.snapshot(), settings, "b1")
        assert plan.actions
        new = reg.record_plan(plan)
        assert new == list(plan.actions)
        assert reg.batch_exists("b1") and not reg.batch_exists("b2")
        again = build_plan(reg.snapshot(), settings, "b2")
        assert again.to_json()["actions"] == plan.to_json()["actions"]
        assert reg.record_plan(again) == []
        assert not reg.batch_exists("b2")
        assert reg.load_plan("b1") == plan


def test_record_documents_moves_requests_to_generated_then_signed(settings, tmp_path):
    with Register.open(settings) as reg:
        reg.store(extracted(), source_sha="a", source_name="ds.xlsx")
        plan = build_plan(reg.snapshot(), settings, "b1")
        reg.record_plan(plan)
        folder = settings.outbox / "b1"
        doc = RenderedDocument(path=folder / "cv.docx", type="dispatch", request="revoke",
                               recipient="CA", sender=UB)
        reg.record_documents("b1", [doc], folder)
        with reg.session() as s:
            states = {r.action: r.state for r in s.scalars(select(RequestRow))}
        assert states["revoke"] == "generated"
        reg.record_documents("b1", [dataclasses.replace(doc, signed_pdf=folder / "cv.pdf")],
                             folder)
        with reg.session() as s:
            rev = s.scalar(select(RequestRow).where(RequestRow.action == "revoke"))
        assert rev.state == "signed" and rev.document == "b1/cv.pdf"
        report = status_report(settings, reg)
        table = report.to_table()
        assert "Chờ ký" in table and "Quá hạn" in table and UB in table
        assert report.to_json()["by_agency"][UB]["signed"] >= 1
        assert report.to_json()["by_agency"][UB]["overdue"] >= 1


@pytest.mark.parametrize(("doc_type", "first"), [
    ("dispatch", "01/VP-CĐS"), ("handover_tokens", "01/BB-VP"), ("report", "01/BC-VP"),
    ("list", "01/DS-VP")])
def test_numbering_per_type_and_year(settings, doc_type, first):
    with Register.open(settings) as reg:
        n = reg.numberer(settings)
        assert n(doc_type) == first
        assert n(doc_type) == first.replace("01/", "02/")
        next_year = dataclasses.replace(settings, plan=dataclasses.replace(
            settings.plan, today=date(2026, 1, 1)))
        assert reg.numberer(next_year)(doc_type) == first


def _take_numbers(workspace: str, count: int, out) -> None:  # runs in a child process
    s = Settings(workspace=Path(workspace), plan=PlanSettings(today=date(2025, 7, 2)))
    with Register.open(s) as reg:
        n = reg.numberer(s)
        out.put([n("dispatch") for _ in range(count)])


def test_two_processes_never_get_the_same_number(settings):
    with Register.open(settings):
        pass        # create the database first
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_take_numbers, args=(str(settings.workspace), 25, q))
             for _ in range(2)]
    for p in procs:
        p.start()
    got = q.get(timeout=120) + q.get(timeout=120)
    for p in procs:
        p.join(timeout=60)
    assert len(got) == 50 and len(set(got)) == 50
    assert sorted(int(x.split("/")[0]) for x in got) == list(range(1, 51))


def test_empty_plan_records_nothing(settings):
    with Register.open(settings) as reg:
        assert reg.record_plan(Plan(batch="b0", actions=())) == []
        assert not reg.batch_exists("b0")
