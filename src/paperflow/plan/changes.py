"""What changes in a certificate's subject, computed from the certificate actually issued."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Certificate, PlanWarning, Subscriber
from ..nameindex import NameIndex
from ..text import key
from .agencies import is_commune_body, merged_province_named
from .common import FUZZY_OK, Context, fit, full_province
from .events import Event, Rename
from .provinces import province_key

_PREFIXED = re.compile(r"^(tinh|thanh pho|tp)\b")


@dataclass(frozen=True)
class Change:
    changes: tuple[tuple[str, str, str], ...]
    warnings: tuple[PlanWarning, ...] = ()
    events: tuple[Event, ...] = ()          # the decisions behind the change
    province: tuple[str, str] | None = None  # (old, new) when the province merged


def subject_of(s: Subscriber, cert: Certificate | None) -> tuple[tuple[str, str], ...]:
    """The issued subject; without a certificate file, what the subscriber list says."""
    if cert is not None:
        return cert.subject
    if s.type == "organization":
        pairs = [("CN", s.name), ("O", s.managing_agency), ("ST", s.province)]
    elif s.managing_agency and s.agency and key(s.managing_agency) != key(s.agency):
        # a unit under its agency (a phòng of a Sở or of a district): issued as OU = the unit,
        # O = the agency (docs/DOMAIN.md) — so a merge of the agency changes O with ST
        pairs = [("CN", s.name), ("T", s.title), ("OU", s.agency), ("O", s.managing_agency),
                 ("ST", s.province)]
    else:
        pairs = [("CN", s.name), ("T", s.title), ("O", s.agency), ("ST", s.province)]
    return tuple((k, v) for k, v in pairs if v)


def _renamed(value: str, renames: dict[str, Rename]) -> Rename | None:
    hit = renames.get(key(value))
    if hit:
        return hit
    return fuzzy_rename(value, renames)


def fuzzy_rename(value: str, renames: dict[str, Rename]) -> Rename | None:
    """The rename whose old name `value` fuzzily matches (OCR, typing); memoised per value for
    the renames of one plan (a unit's name recurs on every officer of it)."""
    memo = _MEMO.get(id(renames))
    if memo is None or memo[0] is not renames:
        by_old = {r.old: r for r in renames.values()}
        memo = (renames, {}, (by_old, NameIndex(by_old)))
        _MEMO.clear()                   # one plan at a time: never grows
        _MEMO[id(renames)] = memo
    k = key(value)
    if k not in memo[1]:
        by_old, index = memo[2]
        old, _score = index.best(value, threshold=FUZZY_OK, score_below=False)
        memo[1][k] = by_old[old] if old is not None else None
    return memo[1][k]


_MEMO: dict[int, tuple[dict[str, Rename], dict[str, Rename | None],
                       tuple[dict[str, Rename], NameIndex]]] = {}


def _new_place(ctx: Context, value: str) -> tuple[str, str] | None:
    """(old short, new value) when `value` names a province merged into another in 2025."""
    p = ctx.provinces.province(value)
    if p is None or (province_key(p.new) == province_key(p.old)
                     and not ctx.provinces.renamed(value)):
        return None
    if _PREFIXED.match(key(value)):
        full = full_province(ctx, p.new)
        return p.old, full[0].upper() + full[1:]
    return p.old, p.new


def _locality(ctx: Context, value: str, province: tuple[str, str] | None
              ) -> tuple[str, tuple[str, str] | None]:
    """An address-like L/ST ('huyện Đồng Phú, tỉnh Bình Phước'): the district level ended, so
    only the province part goes on — under its new name when the province merged (rule 15)."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if len(parts) < 2:
        return value, province
    last = parts[-1]
    hit = _new_place(ctx, last)
    if hit:
        return hit[1], (hit[0], ctx.provinces.province(last).new)  # type: ignore[union-attr]
    if ctx.district(f"Ủy ban nhân dân {parts[-2]}") and ctx.provinces.province(last):
        return last, province
    return value, province


def _agency_attr(s: Subscriber, subject: tuple[tuple[str, str], ...], new_agency: str) -> str:
    """Which attribute of a person's subject names their agency ('' when no move)."""
    if not new_agency or s.type != "person":
        return ""
    for attr, value in subject:
        if attr in ("OU", "O") and key(value) == key(s.agency):
            return attr
    return "O" if any(a == "O" for a, _ in subject) else ""


def compute(ctx: Context, s: Subscriber, cert: Certificate | None, *,
            renames: dict[str, Rename], new_cn: str = "", new_superior: str = "",
            new_agency: str = "", new_title: str = "", new_place: str = "",
            transfer: tuple[str, str] | None = None) -> Change:
    """The subject's changes. A person moving to `new_agency` (rules 14, 17): the attribute
    naming the agency takes the new one, the managing agency beside it `new_superior`, the
    place `new_place`; every other value naming an old agency or province is recomputed too."""
    changes: list[tuple[str, str, str]] = []
    warnings: list[PlanWarning] = []
    events: list[Event] = []
    province: tuple[str, str] | None = None
    subject = subject_of(s, cert)
    attrs = {k for k, _ in subject}
    moved = _agency_attr(s, subject, new_agency)
    # rule 16: the person's unit moved from A to B — the value naming A becomes B
    old_sup, new_sup = transfer or ("", "")
    for attr, value in subject:
        new = value
        if attr == "CN":
            if s.type == "organization" and new_cn:
                new = new_cn
        elif attr in ("O", "OU"):
            if s.type == "organization" and attr == "O" and new_superior:
                new = new_superior
            elif attr == moved:
                new = new_agency
            elif moved and attr == "O" and new_superior:
                new = new_superior          # the managing agency of the new agency
            elif moved == "O" and attr == "OU":
                new = ""                    # a unit of the agency left behind
            elif s.type == "person" and new_sup and attr == "O" and (
                    not old_sup or key(value) == key(old_sup)) and key(value) != key(s.agency):
                new = new_sup
            else:
                r = _renamed(value, renames)
                if r:
                    new = r.new
                    events.append(r.event)
                elif s.type == "person" and attr == "O" and ctx.district(value) and \
                        is_commune_body(s.agency):
                    # a commune officer: the commune is now under the province (two tiers)
                    p = ctx.provinces.province(s.province or (cert.attr("ST") if cert else ""))
                    if p is not None:
                        new = f"Ủy ban nhân dân {full_province(ctx, p.new)}"
        elif attr in ("ST", "L") and new_place and key(new_place) != key(value):
            new = new_place
        elif attr in ("ST", "L"):
            hit = _new_place(ctx, value)
            if hit:
                province = (hit[0], ctx.provinces.province(value).new)  # type: ignore[union-attr]
                new = hit[1]
            elif "," in value:
                new, province = _locality(ctx, value, province)
        elif attr == "T" and new_title:
            new = new_title
        if not new and value:
            changes.append((attr, value, ""))
            continue
        if attr in ("O", "OU") and new == value:
            stale = merged_province_named(ctx.names, ctx.provinces, value)
            if stale:
                warnings.append(PlanWarning(
                    "stale_agency_name",
                    f"“{value}” ({attr} trong chứng thư {s.cert_serial} của {s.name}) mang tên "
                    f"tỉnh {stale} đã hợp nhất; chưa rõ tên mới của đơn vị này: bổ sung quyết "
                    "định sắp xếp hoặc cột cơ quan mới để đề nghị thay đổi cùng lúc."))
        # a list typed without diacritics is no ground for a change: without the certificate
        # file, a value differing only in marks is the list's spelling, not the subject's
        if key(new) != key(value) or (new != value and attr != "CN" and cert is not None):
            new, w = fit(new)
            if w:
                warnings.append(w)
            if new != value:
                changes.append((attr, value, new))
    if new_title and "T" not in attrs:
        changes.append(("T", "", new_title))
    if s.type == "organization" and new_superior and key(new_superior) != key(s.managing_agency):
        changes.append(("superior", s.managing_agency, new_superior))
    if cert is None and changes:
        warnings.append(PlanWarning(
            "no_certificate",
            f"Chưa có tệp chứng thư số hiệu {s.cert_serial or '(không rõ)'} của “{s.name}”: nội "
            "dung thay đổi tính theo danh sách thuê bao; nên bổ sung tệp chứng thư để đối chiếu."))
    return Change(tuple(changes), tuple(warnings), tuple(dict.fromkeys(events)), province)
