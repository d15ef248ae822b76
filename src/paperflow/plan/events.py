"""Merge events resolved against the register's names, and what they rename."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..models import MergeEvent, MergeKind, PlanWarning
from ..nameindex import NameIndex
from ..text import fold, key, strip_diacritics
from .agencies import successor, superior_of
from .common import (
    FUZZY_OK,
    R_AGENCY_GONE,
    R_AGENCY_PAIR,
    R_ORG,
    R_TRANSFER,
    Context,
    known_names,
    resolve,
    uncertain,
)
from .communes import commune_events

AGENCY_DATA = "data:agencies"       # MergeEvent.source of the events derived for rule 15


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

    @property
    def paired(self) -> bool:
        """Derived from the data for rule 15 (province-level agencies of merged provinces)."""
        return self.event.source.startswith(AGENCY_DATA)

    def rule(self, revoke: bool = False) -> str:
        if self.paired:
            return R_AGENCY_GONE if revoke else R_AGENCY_PAIR
        if self.kind == MergeKind.SUPERIOR_CHANGE and not self.event.source.startswith("data:"):
            return R_TRANSFER
        return R_ORG


@dataclass(frozen=True)
class Rename:
    """An agency name that becomes another (merge into / new name / rename)."""

    old: str
    new: str
    event: Event


def _subject_names(ctx: Context) -> set[str]:
    names = set(known_names(ctx))
    for c in ctx.snapshot.certificates:
        names.update(v for k, v in c.subject if k in ("CN", "O", "OU") and v)
    return names


def agency_events(ctx: Context) -> list[MergeEvent]:
    """Rule 15 as merge events: every province-level agency of a merged province (and every
    department merged in 2025) named anywhere in the register or a certificate goes into its
    successor — Sở X tỉnh A + Sở X tỉnh B → Sở X tỉnh <new>."""
    groups: dict[str, tuple[str, bool, set[str]]] = {}
    for name in sorted(_subject_names(ctx)):
        succ = successor(ctx.names, ctx.provinces, name)
        if succ is None:
            continue
        new, kept, olds = groups.get(key(succ.new), (succ.new, True, set()))
        groups[key(succ.new)] = (new, kept and succ.kept, olds | {name})
    out = []
    version = f"{ctx.names.version}; {ctx.provinces.version}"
    for _k, (target, kept, olds) in sorted(groups.items()):
        kind = MergeKind.MERGE_KEEP if kept or ctx.holders((target,)) else MergeKind.MERGE_NEW
        out.append(MergeEvent(
            kind=kind, sources=tuple(sorted(olds, key=lambda n: (key(n), n))), target=target,
            superior=superior_of(ctx.names, ctx.provinces, target),
            decision=f"sắp xếp cơ quan cấp tỉnh 2025 ({version})",
            source=f"{AGENCY_DATA}:{version}"))
    return out


def _marked(ctx: Context, name: str) -> str:
    """`name` as the versioned data spells it when the data has one spelling for its key (a
    decision's OCR 'S6 Nông nghiệp và Moi truòng tinh Đong Nai' that the register stored as
    read); else with its diacritics when the register has it only without (a list exported
    from another system) and the canon finds it; else `name` unchanged."""
    if not name:
        return name
    data = ctx.canon().data_spelling(name)
    if data:
        return data
    if strip_diacritics(name) != name:
        return name
    better = ctx.standard(name)
    return better if key(better) == key(name) else name


_UNDER = re.compile(r"\s*\(?\s*(?:truc thuoc|thuoc)\s+")


def _untangled(events: tuple[MergeEvent, ...]) -> list[MergeEvent]:
    """A decision's table row "A (thuộc C)" → "A trực thuộc B" read as a merge into a new name
    "A trực thuộc B" is A moving under B (rule 16): a superior change, never a new CN."""
    out: list[MergeEvent] = []
    transfers = {(e.source, key(s)) for e in events if e.kind == MergeKind.SUPERIOR_CHANGE
                 for s in e.sources}
    for e in events:
        if e.kind in (MergeKind.MERGE_NEW, MergeKind.RENAME) and len(e.sources) == 1:
            src = e.sources[0]
            m = _UNDER.match(fold(e.target), len(fold(src))) \
                if key(e.target).startswith(key(src) + " ") else None
            if m and key(e.target[:len(src)]) == key(src):
                if (e.source, key(src)) in transfers:
                    continue                    # the same row also read as the transfer
                e = replace(e, kind=MergeKind.SUPERIOR_CHANGE, target=src,
                            superior=e.target[m.end():].strip(" )"))
        out.append(e)
    return out


def resolve_events(ctx: Context) -> tuple[list[Event], list[PlanWarning]]:
    known = NameIndex(known_names(ctx))
    keep_cfg = {key(k): v for k, v in ctx.settings.plan.keep_certificate_of.items()}
    out: list[Event] = []
    warnings: list[PlanWarning] = []
    derived, cw = commune_events(ctx)
    warnings.extend(cw)
    for e in (*_untangled(ctx.snapshot.merge_events), *derived, *agency_events(ctx)):
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
            sources.append(got.name if got.known else ctx.standard(
                name, warnings, what=f" trong {e.decision or e.source or 'quyết định'}"))
        tname = e.target
        if e.target and e.kind in (MergeKind.MERGE_NEW, MergeKind.RENAME):
            # A new name is expected to be unknown: take the register's spelling of exactly that
            # name if it has one, never a look-alike neighbour ("xã Trung Sơn" is not the
            # existing "xã Trung Cường", however alike the two strings are); else its standard
            # spelling when the data knows it ("So Nong nghiep va Moi truong …" read by OCR).
            tname = known.exact(e.target) or ctx.standard(
                e.target, warnings, what=f" trong {e.decision or e.source or 'quyết định'}")
        elif e.target:
            # A kept name or a managing agency must exist (it may be one of the sources).
            target = resolve(e.target, known)
            if target.known and target.score >= FUZZY_OK:
                tname = target.name
            elif target.known:
                warnings.append(uncertain(e, e.target, target))
            else:
                tname = ctx.standard(e.target, warnings,
                                     what=f" trong {e.decision or e.source or 'quyết định'}")
        kind = MergeKind(e.kind)
        if kind in (MergeKind.MERGE_NEW, MergeKind.RENAME) and tname and ctx.holders(
                tuple(sources)) and any(key(h.name) not in {key(n) for n in sources}
                                        for h in ctx.holders((tname,))):
            # "A → B" where B already holds its certificate (a table of units before / after
            # names the receiving agency): renaming A's would make a second B — B keeps its
            # name and certificate, A's goes (rule 2)
            kind = MergeKind.MERGE_KEEP
        keep = e.keep_certificate_of or keep_cfg.get(key(tname), "")
        if keep:
            keep = resolve(keep, sources).name
        superior = e.superior
        if superior:    # the register's spelling, else the standard one (never OCR's)
            superior = known.exact(superior) or ctx.standard(superior, warnings)
        sources = list(dict.fromkeys(_marked(ctx, n) for n in sources))
        out.append(Event(event=e, kind=kind, sources=tuple(sources),
                         target=_marked(ctx, tname), superior=_marked(ctx, superior),
                         keep=_marked(ctx, keep)))
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
