"""A frozen, sorted view of the register: everything the rules need, nothing else.

Also the (de)serialisers the register uses to keep full records in JSON columns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..models import (
    Action,
    CentralDispatch,
    Certificate,
    MergeEvent,
    MergeKind,
    ReceivedRequest,
    Request,
    Subscriber,
)


@dataclass(frozen=True)
class Organisation:
    name: str
    managing_agency: str = ""
    province: str = ""
    history: tuple[tuple[str, str, str], ...] = ()     # (field, old, new)


ISSUED = ("signed", "sent", "done")     # a request with a number and a signature is issued


@dataclass(frozen=True)
class Earlier:
    """A certificate request an earlier batch planned, and how far it went."""

    batch: str
    state: str                  # planned | generated | signed | sent | done
    action: Action


@dataclass(frozen=True)
class RegisterSnapshot:
    subscribers: tuple[Subscriber, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    merge_events: tuple[MergeEvent, ...] = ()
    requests: tuple[Request, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    central_dispatches: tuple[CentralDispatch, ...] = ()    # by date, then number
    earlier: tuple[Earlier, ...] = ()       # certificate requests of earlier batches
    received: tuple[ReceivedRequest, ...] = ()   # the focal point's incoming requests (rule 18)

    def certificate(self, serial: str) -> Certificate | None:
        for c in self.certificates:
            if c.serial == serial:
                return c
        return None


_SUB_FIELDS = tuple(f.name for f in dataclasses.fields(Subscriber))
DATE_FIELDS = ("birth_date", "valid_until", "id_issued")     # the Subscriber's dates


def subscriber_to_dict(s: Subscriber) -> dict[str, Any]:
    # field by field, not dataclasses.asdict: its deep copy of flat values (text, dates, a
    # flag) cost more than the rest of storing a list row
    out = {name: getattr(s, name) for name in _SUB_FIELDS}
    for k in DATE_FIELDS:
        out[k] = out[k].isoformat() if out[k] else None
    return out


def subscriber_from_dict(d: dict[str, Any]) -> Subscriber:
    names = {f.name for f in dataclasses.fields(Subscriber)}
    kw = {k: v for k, v in d.items() if k in names}
    for k in DATE_FIELDS:
        if isinstance(kw.get(k), str):
            kw[k] = date.fromisoformat(kw[k])
    return Subscriber(**kw)


def central_to_dict(c: CentralDispatch) -> dict[str, Any]:
    out = dataclasses.asdict(c)
    out["date"] = c.date.isoformat() if c.date else None
    out["points"] = [list(p) for p in c.points]
    return out


def central_from_dict(d: dict[str, Any]) -> CentralDispatch:
    names = {f.name for f in dataclasses.fields(CentralDispatch)}
    kw = {k: v for k, v in d.items() if k in names}
    kw["date"] = date.fromisoformat(d["date"]) if d.get("date") else None
    kw["points"] = tuple(tuple(p) for p in d.get("points", ()))
    return CentralDispatch(**kw)


def action_to_dict(a: Action) -> dict[str, Any]:
    out = dataclasses.asdict(a)
    out["subscriber"] = subscriber_to_dict(a.subscriber) if a.subscriber else None
    out["changes"] = [list(c) for c in a.changes]
    if a.central is not None:
        out["central"] = central_to_dict(a.central)
    else:
        out.pop("central", None)
    return out


def action_from_dict(d: dict[str, Any]) -> Action:
    names = {f.name for f in dataclasses.fields(Action)}
    kw = {k: v for k, v in d.items() if k in names}
    kw["subscriber"] = subscriber_from_dict(d["subscriber"]) if d.get("subscriber") else None
    kw["changes"] = tuple(tuple(c) for c in d.get("changes", ()))
    kw["central"] = central_from_dict(d["central"]) if d.get("central") else None
    return Action(**kw)


def merge_event_sort_key(e: MergeEvent) -> tuple:
    return (e.effective or date.min, str(e.kind), e.target, e.sources, e.decision)


__all__ = [
    "Earlier", "ISSUED", "Organisation", "RegisterSnapshot", "subscriber_to_dict", "subscriber_from_dict",
    "action_to_dict", "action_from_dict", "central_to_dict", "central_from_dict",
    "merge_event_sort_key", "MergeKind",
]
