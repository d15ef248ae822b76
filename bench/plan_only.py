"""Planning alone: the register snapshot of a workload built in memory, then `plan.build_plan`.

    python bench/plan_only.py --scale 16      (100,000 subscribers with their certificates)

No files, no database: the snapshot holds what the register would hand the planner (the same
Subscriber / Certificate / MergeEvent / Organisation records, sorted as Register.snapshot sorts).
Only `build_plan` is timed (and the building of the snapshot shown beside it).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import workload as W  # noqa: E402

ISSUER = "CN=CA phục vụ các cơ quan Nhà nước G2 (TEST),O=Ban Cơ yếu Chính phủ,C=VN"


def snapshot(scale: float, seed: int):  # type: ignore[no-untyped-def]
    from paperflow.models import Certificate, MergeEvent, MergeKind, Subscriber
    from paperflow.register.snapshot import Organisation, RegisterSnapshot, merge_event_sort_key
    from paperflow.text import key

    rng = random.Random(seed)
    agencies = W.build_agencies(max(12, round(W.AGENCIES_PER_SCALE * scale)), rng)
    events = W.build_events(agencies, rng)
    subs = W.build_subscribers(agencies, max(16, round(W.SUBSCRIBERS_PER_SCALE * scale)), rng)
    subscribers, certs = [], []
    for s in subs:
        person = s.type == "person"
        subscribers.append(Subscriber(
            type=s.type, name=s.name, agency=s.agency if person else s.name,
            managing_agency="" if person else s.agency, province=s.province, title=s.title,
            id_number=s.cccd, email=s.email, cert_serial=s.serial, token_serial=s.token,
            valid_until=s.valid_until, needed=not s.note, need_note=s.note, network=s.network,
            source="danh-sach.xlsx"))
        subject = ((("CN", s.name), ("T", s.title), ("OU", s.unit), ("O", s.agency),
                    ("ST", s.province), ("E", s.email)) if person
                   else (("CN", s.name), ("O", s.agency), ("L", s.province)))
        certs.append(Certificate(serial=s.serial, subject=(*subject, ("C", "VN")), issuer=ISSUER,
                                 not_before=s.valid_until - timedelta(days=5 * 365),
                                 not_after=s.valid_until, source=f"{s.serial}.cer"))
    merges = [MergeEvent(
        kind=MergeKind(e.kind), sources=e.sources,
        target=e.sources[0] if e.kind == "superior_change" else e.target,
        superior=e.target if e.kind == "superior_change" else "",
        decision="Quyết định số 1501/QĐ-UBND ngày 28/6/2025", effective=date(2025, 7, 1),
        source="quyet-dinh.docx") for e in events]
    orgs = [Organisation(name=a.name, managing_agency=a.managing, province=a.province)
            for a in agencies]
    return RegisterSnapshot(
        subscribers=tuple(sorted(subscribers, key=lambda x: (x.type, key(x.agency), key(x.name),
                                                               x.cert_serial, x.id_number))),
        certificates=tuple(sorted(certs, key=lambda c: c.serial)),
        merge_events=tuple(sorted(merges, key=merge_event_sort_key)),
        organisations=tuple(sorted(orgs, key=lambda o: key(o.name))),
    )


def run(scale: float, seed: int) -> dict:
    from paperflow import plan
    from paperflow.config import load_settings
    from paperflow.workspace import init_workspace

    t0 = time.perf_counter()
    snap = snapshot(scale, seed)
    build_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="pf-bench-plan-") as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        configure(ws)
        settings = load_settings(ws / "config.toml")
        t0 = time.perf_counter()
        the_plan = plan.build_plan(snap, settings, batch="plan-only")
        plan_s = time.perf_counter() - t0
    actions: dict[str, int] = {}
    for a in the_plan.actions:
        actions[f"{a.kind}:{a.action}"] = actions.get(f"{a.kind}:{a.action}", 0) + 1
    return {"scale": scale, "subscribers": len(snap.subscribers),
            "organisations": len(snap.organisations), "merge_events": len(snap.merge_events),
            "snapshot_build_s": build_s, "plan_s": plan_s, "actions": len(the_plan.actions),
            "actions_by_kind": actions, "warnings": len(the_plan.warnings),
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def configure(ws: Path) -> None:
    """The benchmark's workspace settings: a fixed 'today', both provinces' focal point."""
    cfg = ws / "config.toml"
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("renew_within_days = 60", f"renew_within_days = 60\ntoday = {W.TODAY}", 1)
    cfg.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=16)
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    r = run(args.scale, args.seed)
    print(json.dumps(r, ensure_ascii=False, indent=1))
    print(f"plan_s={r['plan_s']:.2f} subscribers={r['subscribers']} actions={r['actions']}")
