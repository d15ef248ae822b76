"""Organisation certificates: rules 1, 2, 3 (275/BCY-CTSBMTT 1.1), rename and dissolution."""

from __future__ import annotations

from datetime import date

from ..config import CA_NAME
from ..models import Action, MergeKind, PlanWarning, Subscriber
from ..text import key
from .changes import compute
from .common import R_ORG, R_PROVINCE, Context, filer, province_of, route
from .events import Event, Rename, superiors


def _valid_until(ctx: Context, s: Subscriber) -> date:
    cert = ctx.cert(s.cert_serial)
    return (cert.not_after if cert else s.valid_until) or date.min


def _sender(ctx: Context, s: Subscriber, superior: str = "") -> str:
    return superior or s.managing_agency or ctx.settings.agency.name


def _describe(changes: tuple[tuple[str, str, str], ...]) -> str:
    return "; ".join(f"{a}: “{o}” → “{n}”" for a, o, n in changes)


def _action(ctx: Context, s: Subscriber, action: str, reason: str, *, rule: str = R_ORG,
            changes: tuple[tuple[str, str, str], ...] = (), superior: str = "") -> Action:
    cert = ctx.cert(s.cert_serial)
    return Action(kind="certificate", action=action, rule=rule, reason=reason,
                  serial=s.cert_serial, subscriber=s, changes=changes,
                  route_to=route(ctx, province_of(ctx, s, cert)),
                  sender=filer(ctx, _sender(ctx, s, superior), province_of(ctx, s, cert)))


def _holders(ctx: Context, names: tuple[str, ...]) -> list[Subscriber]:
    return ctx.holders(names)


def org_actions(ctx: Context, events: list[Event], renames: dict[str, Rename]
                ) -> tuple[list[Action], list[PlanWarning]]:
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    done: set[str] = set()      # serials decided by an event (first event wins)
    sup = superiors(events)

    def change(s: Subscriber, ev: Event | None, why: str, *, new_cn: str = "",
               new_superior: str = "", keep_if_same: bool = False) -> None:
        ch = compute(ctx, s, ctx.cert(s.cert_serial), renames=renames, new_cn=new_cn,
                     new_superior=new_superior)
        warnings.extend(ch.warnings)
        if not ch.changes:
            if keep_if_same:
                actions.append(_action(ctx, s, "keep", why + " Chứng thư giữ nguyên nội dung."))
            return
        rule = R_ORG if ev or new_superior else R_PROVINCE
        reason = f"{why} Thay đổi: {_describe(ch.changes)}."
        if ch.province:
            reason += (f" Tỉnh {ch.province[0]} hợp nhất vào tỉnh {ch.province[1]} "
                       f"(dữ liệu {ctx.provinces.version}).")
        actions.append(_action(ctx, s, "change_info", reason, rule=rule, changes=ch.changes,
                               superior=new_superior))

    for ev in events:
        src_holders = _holders(ctx, ev.sources)
        label = ev.label
        if ev.kind == MergeKind.MERGE_NEW:
            if not src_holders:
                continue
            pick = [h for h in src_holders if ev.keep and key(h.name) == key(ev.keep)]
            ranked = sorted(src_holders, key=lambda h: (-_valid_until(ctx, h).toordinal(),
                                                        key(h.name), h.cert_serial))
            keeper = (pick or ranked)[0]
            how = ("theo quyết định/cấu hình" if pick else "vì còn thời hạn sử dụng dài nhất")
            for h in src_holders:
                if h.cert_serial in done:
                    continue
                done.add(h.cert_serial)
                if h is keeper:
                    change(h, ev, f"{', '.join(ev.sources)} hợp nhất thành “{ev.target}” ({label}): "
                           f"thay đổi thông tin chứng thư của “{h.name}” sang tên mới ({how}).",
                           new_cn=ev.target, new_superior=ev.superior)
                else:
                    actions.append(_action(ctx, h, "revoke",
                        f"“{h.name}” hợp nhất vào “{ev.target}” ({label}); chứng thư của "
                        f"“{keeper.name}” được đổi sang tên mới nên thu hồi chứng thư này."))
        elif ev.kind == MergeKind.MERGE_KEEP:
            for h in _holders(ctx, (ev.target,)):
                if h.cert_serial not in done:
                    done.add(h.cert_serial)
                    change(h, ev, f"“{h.name}” giữ nguyên tên sau khi tiếp nhận "
                           f"{', '.join(s for s in ev.sources if key(s) != key(ev.target))} "
                           f"({label}): tiếp tục sử dụng chứng thư.",
                           new_superior=ev.superior, keep_if_same=True)
            for h in src_holders:
                if key(h.name) == key(ev.target) or h.cert_serial in done:
                    continue
                done.add(h.cert_serial)
                actions.append(_action(ctx, h, "revoke",
                    f"“{h.name}” sáp nhập vào “{ev.target}” (giữ nguyên tên, {label}); thu hồi "
                    "chứng thư của cơ quan được sáp nhập."))
        elif ev.kind in (MergeKind.SUPERIOR_CHANGE, MergeKind.RENAME):
            for h in src_holders:
                if h.cert_serial in done:
                    continue
                done.add(h.cert_serial)
                if ev.kind == MergeKind.RENAME:
                    change(h, ev, f"“{h.name}” đổi tên thành “{ev.target}” ({label}).",
                           new_cn=ev.target, new_superior=ev.superior)
                else:
                    new_sup = ev.superior or ev.target
                    change(h, ev, f"“{h.name}” chuyển về trực thuộc “{new_sup}” ({label}): "
                           "cơ quan quản lý cấp trên thay đổi.", new_superior=new_sup)
        elif ev.kind == MergeKind.DISSOLVE:
            for h in src_holders:
                if h.cert_serial in done:
                    continue
                done.add(h.cert_serial)
                actions.append(_action(ctx, h, "revoke",
                                       f"“{h.name}” giải thể ({label}); thu hồi chứng thư."))

    # Agencies not named in a decision: managing agency renamed (rule 3) or province merged.
    for s in ctx.snapshot.subscribers:
        if s.type != "organization" or not s.cert_serial or s.cert_serial in done:
            continue
        new_sup = ""
        hit = renames.get(key(s.managing_agency))
        if hit:
            new_sup = hit.new
        elif key(s.name) in sup:
            new_sup = sup[key(s.name)][0]
        why = (f"Cơ quan quản lý cấp trên của “{s.name}” thay đổi thành “{new_sup}”."
               if new_sup else f"Thông tin địa danh của “{s.name}” thay đổi do sắp xếp tỉnh.")
        change(s, hit.event if hit else None, why, new_superior=new_sup)
    return actions, warnings


def no_certificate_for_new(ctx: Context, events: list[Event]) -> list[PlanWarning]:
    """Rule 9 for organisations: a new agency without any predecessor certificate."""
    out = []
    for ev in events:
        if ev.kind == MergeKind.MERGE_NEW and not _holders(ctx, ev.sources):
            out.append(PlanWarning(
                "no_predecessor_certificate",
                f"Không có chứng thư của {', '.join(ev.sources)} trong sổ để đổi sang tên "
                f"“{ev.target}”. Bổ sung danh sách thuê bao; chỉ đề nghị cấp mới (gửi {CA_NAME}) "
                "khi chắc chắn không có chứng thư nào (393/BCY-CTSBMTT mục 2)."))
    return out
