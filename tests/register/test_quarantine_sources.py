"""What a quarantined file brought leaves every plan: also the rows a list filed apart gave to
the dispatch it was joined to (the dispatch itself stays, with the rows of its own file)."""

from __future__ import annotations

from paperflow.models import ReceivedRequest, Request, Subscriber
from paperflow.register.quarantine import without_sources
from paperflow.register.snapshot import RegisterSnapshot


def _row(name: str, source: str) -> Request:
    return Request("change_info", Subscriber(type="person", name=name, agency="Sở Y tế tỉnh Hưng Yên"),
                   source=source)


def test_a_quarantined_list_takes_its_joined_rows_out_of_the_dispatch() -> None:
    dispatch = ReceivedRequest(sender="Sở Y tế tỉnh Hưng Yên", number="123/SYT-VP", date=None,
                               form="04", source="CV-123-SYT.pdf",
                               rows=(_row("Lê Văn Bình", "CV-123-SYT.pdf"),
                                     _row("Trần Thị Hoa", "DS-kem-CV-123-SYT.xlsx")))
    snap = RegisterSnapshot(received=(dispatch,))
    kept = without_sources(snap, {"DS-kem-CV-123-SYT.xlsx"})
    assert [r.subscriber.name for r in kept.received[0].rows] == ["Lê Văn Bình"]
    assert without_sources(snap, {"CV-123-SYT.pdf"}).received == ()
    assert without_sources(snap, set()) is snap
