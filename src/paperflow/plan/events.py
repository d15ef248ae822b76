"""Merge events resolved against the register's names, and what they rename."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import MergeEvent, MergeKind, PlanWarning
from ..text import NameIndex, key
from .common import FUZZY_OK, Context, resolve, uncertain
from .communes import commune_events


@dataclass(frozen=True)
class Event:
    event: MergeEvent
    kind: MergeKind
    sources: tuple[str, ...]      # as the register knows them
    target: str
    superior: str
    keep: str                     # rule 1: whose certificate to change ("" = longest validity)

    @property
    def label(self) -> str:
        return self.event.decision or "quyết định sắp xếp"


@dataclass(frozen=True)
class Rename:
    """An agency name that becomes another (merge into / new name / rename)."""

    old: str
    new: str
    event: Event


def known_names(ctx: Context) -> list[str]:
    names = {o.name for o in ctx.snapshot.organisations}
    for s in ctx.snapshot.subscribers:
        names.update(n for n in (s.agency, s.managing_agency) if n)
        if s.type == "organization":
            names.add(s.name)
    # ties broken by the name itself: 'xã Hà Quý' and 'xã Hạ Quý' share a key, and a set's
    # order changes from run to run
    return sorted(names, key=lambda n: (key(n), n))


def resolve_events(ctx: Context) -> tuple[list[Event], list[PlanWarning]]:
    known = NameIndex(known_names(ctx))
    keep_cfg = {key(k): v for k, v in ctx.settings.plan.keep_certificate_of.items()}
    out: list[Event] = []
    warnings: list[PlanWarning] = []
    derived, cw = commune_events(ctx)
    warnings.extend(cw)
    for e in (*ctx.snapshot.merge_events, *derived):
        if e.confidence < 1.0:
            warnings.append(PlanWarning(
                "uncertain_event",
                f"Nội dung “{e.kind}: {', '.join(e.sources)} → {e.target}” đọc từ "
                f"{e.source or e.decision} không chắc chắn (độ tin cậy {e.confidence:.2f}, "
                "có thể do bản quét); kiểm tra với văn bản gốc."))
        sources = []
        for name in e.sources:
            got = resolve(name, known)
            if got.known and got.score < FUZZY_OK:
                warnings.append(uncertain(e, name, got))
            sources.append(got.name)
        tname = e.target
        if e.target and e.kind in (MergeKind.MERGE_NEW, MergeKind.RENAME):
            # A new name is expected to be unknown: take the register's spelling of exactly that
            # name if it has one, never a look-alike neighbour ("xã Trung Sơn" is not the
            # existing "xã Trung Cường", however alike the two strings are).
            tname = known.exact(e.target) or e.target
        elif e.target:
            # A kept name or a managing agency must exist (it may be one of the sources).
            target = resolve(e.target, known)
            if target.known and target.score >= FUZZY_OK:
                tname = target.name
            elif target.known:
                warnings.append(uncertain(e, e.target, target))
        keep = e.keep_certificate_of or keep_cfg.get(key(tname), "")
        if keep:
            keep = resolve(keep, sources).name
        out.append(Event(event=e, kind=MergeKind(e.kind), sources=tuple(sources), target=tname,
                         superior=e.superior, keep=keep))
    return out, warnings


def renames(events: list[Event]) -> dict[str, Rename]:
    """key(old agency name) → the name it now carries (first event wins, in event order)."""
    out: dict[str, Rename] = {}
    for ev in events:
        if ev.kind in (MergeKind.MERGE_NEW, MergeKind.MERGE_KEEP, MergeKind.RENAME):
            for src in ev.sources:
                if key(src) != key(ev.target):
                    out.setdefault(key(src), Rename(src, ev.target, ev))
    return out


def superiors(events: list[Event]) -> dict[str, tuple[str, Event]]:
    """key(agency) → its new managing agency (rule 3), from superior changes and merges."""
    out: dict[str, tuple[str, Event]] = {}
    for ev in events:
        if ev.kind == MergeKind.SUPERIOR_CHANGE:
            new = ev.superior or ev.target
            for src in ev.sources:
                out.setdefault(key(src), (new, ev))
        elif ev.superior:
            out.setdefault(key(ev.target), (ev.superior, ev))
    return out
