"""The bundled example inbox (scripts/make_example.py) shows the cases of 01/7/2025: a district
body revoked with its token recalled, an officer of it moved, one not yet placed, two communes
merged, a Thái Bình department paired with Hưng Yên's from its certificate alone, an officer of it
whose O and ST change together."""

from __future__ import annotations

import hashlib
from pathlib import Path

from paperflow import extract
from paperflow.errors import PaperflowError
from paperflow.models import Incoming
from paperflow.plan import build_plan
from paperflow.register import Register

EXAMPLE = Path(__file__).resolve().parents[2] / "inbox" / "example"
UB_HY = "Ủy ban nhân dân tỉnh Hưng Yên"


def test_the_example_plan_shows_the_district_and_province_merge_cases(settings):
    with Register.open(settings) as reg:
        for f in sorted(EXAMPLE.iterdir()):
            data = f.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            try:
                got = extract.read(Incoming(path=f, sha256=sha, name=f.name, size=len(data)))
            except PaperflowError:
                assert f.name == "bang-tinh-hong.xlsx"
                continue
            reg.store(got, source_sha=sha, source_name=f.name)
        plan = build_plan(reg.snapshot(), settings, "b")
    certs = {a.serial: a for a in plan.actions if a.kind == "certificate"}
    recalled = {a.serial for a in plan.actions if a.kind == "token" and a.action == "recall"}
    district = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)"
    for serial in ("540101010A1B2C45", "540101010A1B2C46"):     # UBND huyện, its phòng
        assert (certs[serial].action, certs[serial].rule) == ("revoke", district)
        assert serial in recalled
    moved = certs["540101010A1B2C49"]
    assert moved.rule == "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15(1)(a)"
    assert dict((k, n) for k, _o, n in moved.changes) == {
        "OU": "Sở Nội vụ tỉnh Hưng Yên", "O": UB_HY, "ST": "Hưng Yên"}
    assert "540101010A1B2C4A" not in certs
    assert any(w.code == "new_agency_unknown" and "Vũ Thị Mai" in w.message
               for w in plan.warnings)
    assert certs["540101010A1B2C47"].action == "change_info"      # xã Bình Minh → xã Kiến Xương
    assert ("CN", "Ủy ban nhân dân xã Bình Minh", "Ủy ban nhân dân xã Kiến Xương") in \
        certs["540101010A1B2C47"].changes
    assert certs["540101010A1B2C48"].action == "revoke"
    assert certs["540101010A1B2C4B"].action == "revoke"            # Sở Y tế tỉnh Thái Bình
    assert certs["540101010A1B2C4C"].changes == (
        ("O", "Sở Y tế tỉnh Thái Bình", "Sở Y tế tỉnh Hưng Yên"), ("ST", "Thái Bình", "Hưng Yên"))
