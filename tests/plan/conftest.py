"""Builders for register snapshots of the real 2025 cases (pure: no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from paperflow.config import AgencySettings, PlanSettings, Settings
from paperflow.models import Certificate, MergeEvent, MergeKind, Subscriber
from paperflow.register.snapshot import RegisterSnapshot

UB_HY = "Ủy ban nhân dân tỉnh Hưng Yên"
UB_TB = "Ủy ban nhân dân tỉnh Thái Bình"
FOCAL_HY = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
TODAY = date(2025, 7, 2)


def org(name: str, serial: str, *, managing: str = UB_HY, province: str = "Hưng Yên",
        until: date = date(2028, 1, 1), token: str = "", network: str = "",
        l_attr: str = "L") -> tuple[Subscriber, Certificate]:
    s = Subscriber("organization", name, agency=name, managing_agency=managing,
                   province=province, cert_serial=serial, token_serial=token, network=network)
    c = Certificate(serial, (("CN", name), ("O", managing), (l_attr, province), ("C", "VN")),
                    "CA phục vụ các cơ quan Nhà nước G2", date(2023, 1, 1), until)
    return s, c


def person(name: str, agency: str, serial: str, *, title: str = "Chuyên viên",
           province: str = "Hưng Yên", managing: str = UB_HY, token: str = "",
           needed: bool = True, note: str = "", network: str = "", id_number: str = "",
           until: date = date(2028, 1, 1), cert: bool = True
           ) -> tuple[Subscriber, Certificate | None]:
    s = Subscriber("person", name, agency=agency, managing_agency=managing, province=province,
                   title=title, cert_serial=serial, token_serial=token, needed=needed,
                   need_note=note, network=network, id_number=id_number)
    c = Certificate(serial, (("CN", name), ("T", title), ("OU", agency), ("O", managing),
                             ("ST", province), ("C", "VN")),
                    "CA phục vụ các cơ quan Nhà nước G2", date(2023, 1, 1), until)
    return s, (c if cert else None)


def snap(*pairs, events=(), requests=()) -> RegisterSnapshot:
    subs = tuple(p[0] for p in pairs)
    certs = tuple(sorted((p[1] for p in pairs if p[1] is not None), key=lambda c: c.serial))
    return RegisterSnapshot(subscribers=subs, certificates=certs, merge_events=tuple(events),
                            requests=tuple(requests))


def merge(kind: MergeKind, sources, target, **kw) -> MergeEvent:
    return MergeEvent(kind, tuple(sources), target, decision=kw.pop("decision", "QĐ 1/QĐ-UBND"),
                      **kw)


# The issuing agency in these tests is an ordinary agency (not the focal point): its requests go
# to the focal point, sent by the subscriber's managing agency. The focal point's own view
# (it files with the CA) is tested in test_routing.py.
CLERK_AGENCY = AgencySettings(name="Văn phòng Ủy ban nhân dân tỉnh Hưng Yên", abbreviation="VP")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(workspace=tmp_path, agency=CLERK_AGENCY, plan=PlanSettings(
        today=TODAY, focal_points={"Hưng Yên": FOCAL_HY}))
