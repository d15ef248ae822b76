"""build_plan: the rules over a register snapshot → a deterministic Plan (pure: no I/O)."""

from __future__ import annotations

from dataclasses import replace

from .. import clock
from ..config import Settings
from ..models import Action, MergeKind, Plan, PlanWarning, Subscriber
from ..register.snapshot import RegisterSnapshot
from ..text import key, strip_diacritics
from .common import R_ORG_LIST, Context, focal_point, full_province, orphan_subscriber, province_of
from .desk import desk_actions, desk_route, with_dossiers
from .dispatches import (
    agency_list_actions,
    dispatch_actions,
    missing_data_warnings,
    report_action,
)
from .events import renames as renames_of
from .events import resolve_events, superiors
from .handover import dossier_actions, token_actions
from .merging import merge_per_certificate, orphan_warnings, versus_earlier
from .orgs import no_certificate_for_new, org_actions
from .people import join_personnel
from .persons import leader_warnings, person_actions, renewal_actions, request_actions
from .provinces import ProvinceData, load_2025

_KIND_ORDER = {"certificate": 0, "token": 1, "dossier": 2}
_ACTION_ORDER = {a: i for i, a in enumerate(
    ("change_info", "revoke", "renew", "restore_token", "issue_new", "keep", "recall",
     "hand_over"))}


def sort_key(a: Action) -> tuple:
    s = a.subscriber
    return (_KIND_ORDER.get(a.kind, 9), key(a.route_to), key(a.sender),
            _ACTION_ORDER.get(a.action, 99), s.type if s else "", key(s.name) if s else "",
            a.serial, a.token_serial, key(a.from_), key(a.to), a.rule)


def _dedupe(actions: list[Action]) -> list[Action]:
    """One action per (kind, action, serial); a revoked certificate needs nothing else."""
    revoked = {a.serial for a in actions if a.kind == "certificate" and a.action == "revoke"}
    out: list[Action] = []
    seen: set[tuple] = set()
    for a in actions:
        if a.kind == "certificate" and a.serial in revoked and a.action != "revoke":
            continue
        ident = (a.kind, a.action, a.serial or "", a.token_serial, key(a.from_), key(a.to),
                 "" if a.serial else (a.subscriber.name if a.subscriber else ""))
        if ident in seen:
            continue
        seen.add(ident)
        out.append(a)
    return out


def _org_list_warning(ctx: Context, actions: list[Action], events: list) -> list[PlanWarning]:
    """Rule 8: after the reorganisation the focal point sends the CA the list of agencies."""
    if not events and not any(a.kind == "certificate" and a.changes for a in actions):
        return []
    province = ctx.settings.agency.province
    who = focal_point(ctx, province) or ctx.settings.agency.name
    return [PlanWarning(
        "org_list",
        f"{who} là đầu mối gửi Cục Chứng thực số và Bảo mật thông tin danh sách cơ quan, tổ "
        f"chức thuộc {full_province(ctx, province)} sau sắp xếp để cập nhật Hệ thống đăng ký "
        f"trực tuyến ({R_ORG_LIST}).")]


def _focal_warnings(ctx: Context, actions: list[Action]) -> list[PlanWarning]:
    missing = sorted({province_of(ctx, a.subscriber, ctx.cert(a.serial))
                      for a in actions if a.kind == "certificate" and a.subscriber
                      and a.action in ("change_info", "renew", "restore_token")
                      and not focal_point(ctx, province_of(ctx, a.subscriber,
                                                           ctx.cert(a.serial)))} - {""})
    return [PlanWarning(
        "no_focal_point",
        f"Chưa cấu hình đầu mối được ủy quyền cho {p} ([plan] focal_points): đề nghị gửi thẳng "
        "Cục Chứng thực số và Bảo mật thông tin.") for p in missing]


def _as_issued(snapshot: RegisterSnapshot):  # type: ignore[no-untyped-def]
    """The holder's name as the certificate spells it when a list or a scan lost its marks
    ('Tran Thi Binh' is 'Trần Thị Bình' on the certificate): documents never carry the
    damaged spelling when the right one is known."""
    certs = {c.serial: c for c in snapshot.certificates}
    for s in snapshot.subscribers:
        c = certs.get(s.cert_serial) if s.cert_serial else None
        cn = c.attr("CN") if c else ""
        yield replace(s, name=cn) if cn and cn != s.name and key(cn) == key(s.name) else s


# titles as lists export them without diacritics ('Pho Giam doc'): their one spelling
_TITLES = {key(t): t for t in (
    "Chuyên viên", "Chuyên viên chính", "Chuyên viên cao cấp", "Cán sự", "Nhân viên", "Văn thư",
    "Kế toán", "Giám đốc", "Phó Giám đốc", "Trưởng phòng", "Phó Trưởng phòng", "Chủ tịch",
    "Phó Chủ tịch", "Chánh Văn phòng", "Phó Chánh Văn phòng", "Chánh Thanh tra",
    "Phó Chánh Thanh tra", "Trưởng ban", "Phó Trưởng ban", "Bí thư", "Phó Bí thư",
    "Công chức", "Viên chức", "Thanh tra viên")}


def _respelled(ctx: Context) -> tuple[tuple[Subscriber, ...], list[PlanWarning]]:
    """The subscribers with every name typed without diacritics (a list exported from another
    system) in its right spelling when the data knows it with the same key; the names left
    bare are named in one warning, for the clerk to correct before anything is sent."""
    out: list[Subscriber] = []
    bare_left: list[str] = []
    for s in ctx.subscribers:
        fields: dict[str, str] = {}
        names = ("name", "agency", "managing_agency") if s.type == "organization" else (
            "agency", "managing_agency")
        for f in names:
            v = getattr(s, f)
            if v and strip_diacritics(v) == v:
                better = ctx.standard(v)
                if better != v and key(better) == key(v):
                    fields[f] = better
        if s.title and strip_diacritics(s.title) == s.title:
            # the title as the certificate spells it, else the common spelling of the title
            cert = ctx.cert(s.cert_serial) if s.cert_serial else None
            t = cert.attr("T") if cert else ""
            t = t if t and key(t) == key(s.title) else _TITLES.get(key(s.title), "")
            if t:
                fields["title"] = t
        p = ctx.provinces.province(s.province) if s.province else None
        if p is not None and s.province == strip_diacritics(s.province) != p.old and \
                key(p.old) == key(s.province):
            fields["province"] = p.old
        s = replace(s, **fields) if fields else s
        out.append(s)
        bare_left += [v for v in (s.name, s.agency) if v and strip_diacritics(v) == v
                      and any(c.isalpha() for c in v)]
    bare_left = list(dict.fromkeys(bare_left))
    warnings = [PlanWarning(
        "name_unaccented",
        f"{len(bare_left)} tên không dấu chưa tìm được cách viết chuẩn (sẽ in như đã đọc): "
        f"{'; '.join(bare_left[:20])}{' …' if len(bare_left) > 20 else ''}. Sửa trong danh sách "
        "(hoặc bổ sung tệp chứng thư) trước khi gửi.")] if bare_left else []
    return tuple(out), warnings


def _no_serial_warnings(ctx: Context, actions: list[Action]) -> list[PlanWarning]:
    """Rows without a certificate serial (left blank, or invalid and blanked by the reader)
    that joined no holder and got no action: named, never dropped silently."""
    acted = {key(a.subscriber.name) for a in actions if a.subscriber}
    held = {key(s.name) for s in ctx.subscribers if s.cert_serial}
    left = [s for s in ctx.subscribers if not s.cert_serial and s.name
            and key(s.name) not in acted | held]
    if not left:
        return []
    named = [f"{s.name} ({', '.join(x for x in (s.agency, s.need_note) if x) or 'không rõ'}"
             f"{', ' + s.source if s.source else ''})" for s in left]
    return [PlanWarning(
        "no_serial",
        f"{len(left)} thuê bao không có số serial chứng thư (để trống hoặc không hợp lệ) và không "
        f"khớp người có chứng thư nào, nên chưa lập đề nghị: {'; '.join(named[:30])}"
        f"{' …' if len(named) > 30 else ''}. Bổ sung số serial hoặc tệp chứng thư.")]


def build_plan(snapshot: RegisterSnapshot, settings: Settings, batch: str, *,
               provinces: ProvinceData | None = None) -> Plan:
    """Every certificate, token and dossier that must change, and every central dispatch to
    pass on, with the rule and a reason."""
    listed = {s.cert_serial for s in snapshot.subscribers if s.cert_serial}
    orphans = tuple(orphan_subscriber(c) for c in snapshot.certificates
                    if c.serial not in listed)
    subscribers, joined = join_personnel(tuple(_as_issued(snapshot)) + orphans)
    ctx = Context(snapshot=snapshot, settings=settings,
                  today=settings.plan.today or clock.today(),
                  provinces=provinces or load_2025(),
                  certs={c.serial: c for c in snapshot.certificates},
                  subscribers=subscribers)
    subscribers, respelled = _respelled(ctx)
    ctx = replace(ctx, subscribers=subscribers)
    warnings: list[PlanWarning] = list(joined) + respelled
    events, w = resolve_events(ctx)
    warnings += w
    renames = renames_of(events)
    ctx.dissolved.update(key(src) for ev in events if ev.kind == MergeKind.DISSOLVE
                         for src in ev.sources)
    orgs, w = org_actions(ctx, events, renames)
    warnings += w + no_certificate_for_new(ctx, events)
    units = {k: v for k, v in superiors(events).items() if v[1].kind == MergeKind.SUPERIOR_CHANGE}
    persons, w = person_actions(ctx, renames, units)
    warnings += w
    reqs, w = request_actions(ctx, renames)
    warnings += w
    renewals, w = renewal_actions(ctx, renames)
    warnings += w
    # orphans' rows decide only what their certificate alone decides: no renewal
    renewals = [a for a in renewals if a.serial not in {o.cert_serial for o in orphans}]
    expiry = {a.serial: (ctx.cert(a.serial).not_after if ctx.cert(a.serial) else
                         a.subscriber.valid_until if a.subscriber else None)
              for a in renewals}
    certs, w = merge_per_certificate(_dedupe(orgs + persons + reqs + renewals),
                                     {k: v for k, v in expiry.items() if v})
    warnings += w
    certs, w = versus_earlier(snapshot, certs)
    warnings += w + orphan_warnings(orphans, certs)
    kept = {a.serial for a in certs if a.action != "revoke"} | {
        s.cert_serial for s in ctx.subscribers if s.cert_serial} - {
        a.serial for a in certs if a.action == "revoke"}
    tokens, w = token_actions(ctx, [a for a in certs if a.action == "revoke"], renames, kept)
    warnings += w
    keepers = tuple(o for a in orgs if a.action == "change_info"
                    for attr, o, _n in a.changes if attr == "CN")
    warnings += leader_warnings(ctx, events, persons, keepers)
    dossiers = with_dossiers(ctx, dossier_actions(ctx, events))   # rule 7: each dossier
    desk, w = desk_actions(ctx)                 # the focal point's received requests (rule 18)
    warnings += w
    actions = sorted(_dedupe(desk_route(ctx, certs + tokens + dossiers)
                             + [a for a in desk if a.kind != "desk"]), key=sort_key)
    warnings += _org_list_warning(ctx, actions, events) + _focal_warnings(ctx, actions)
    warnings += _no_serial_warnings(ctx, actions)
    warnings += missing_data_warnings(actions)
    letters = agency_list_actions(ctx, events, renames, actions) + report_action(ctx, actions)
    implementing, w = dispatch_actions(ctx)     # central dispatches passed on, after the rest
    actions += implementing + [a for a in desk if a.kind == "desk"]
    warnings += w
    unique = sorted(set(warnings), key=lambda x: (x.code, x.message))
    return Plan(batch=batch, actions=tuple(actions), warnings=tuple(unique),
                letters=tuple(letters))
