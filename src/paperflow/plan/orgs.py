"""Organisation certificates: rules 1, 2, 3 (275/BCY-CTSBMTT 1.1), rename and dissolution."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..config import CA_NAME
from ..models import Action, MergeKind, PlanWarning, Subscriber
from ..text import key
from .agencies import province_in
from .changes import compute
from .common import (
    R_DISTRICT,
    R_ORG,
    R_PROVINCE,
    R_TRANSFER,
    Context,
    filer,
    full_province,
    new_province,
    province_of,
    route,
)
from .events import Event, Rename, superiors


def _valid_until(ctx: Context, s: Subscriber) -> date:
    cert = ctx.cert(s.cert_serial)
    return (cert.not_after if cert else s.valid_until) or date.min


def _sender(ctx: Context, s: Subscriber, superior: str = "",
            renames: dict[str, Rename] | None = None) -> str:
    """Who files for an organisation: its (new) managing agency — an agency that exists after
    the reorganisation (a district People's Committee does not: the province's files)."""
    managing = superior or s.managing_agency
    hit = (renames or {}).get(key(managing))
    if hit:
        return hit.new
    if managing and ctx.district(managing):
        province = new_province(ctx, province_of(ctx, s, ctx.cert(s.cert_serial)))
        return f"Ủy ban nhân dân {full_province(ctx, province)}" if province else \
            ctx.settings.agency.name
    return ctx.standard(managing) if managing else ctx.settings.agency.name


def _describe(changes: tuple[tuple[str, str, str], ...]) -> str:
    return "; ".join(f"{a}: “{o}” → “{n}”" for a, o, n in changes)


def _action(ctx: Context, s: Subscriber, action: str, reason: str, *, rule: str = R_ORG,
            changes: tuple[tuple[str, str, str], ...] = (), superior: str = "",
            renames: dict[str, Rename] | None = None) -> Action:
    cert = ctx.cert(s.cert_serial)
    return Action(kind="certificate", action=action, rule=rule, reason=reason,
                  serial=s.cert_serial, subscriber=s, changes=changes,
                  route_to=route(ctx, province_of(ctx, s, cert)),
                  sender=filer(ctx, _sender(ctx, s, superior, renames), province_of(ctx, s, cert)))


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
        rule = ev.rule() if ev else (R_ORG if new_superior else R_PROVINCE)
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
            # the merged provinces' agencies: the surviving province's goes on (rule 15)
            home = province_in(ctx.names, ctx.provinces, ev.target)
            ranked = sorted(src_holders, key=lambda h: (
                bool(home) and province_in(ctx.names, ctx.provinces, h.name) != home,
                -_valid_until(ctx, h).toordinal(), key(h.name), h.cert_serial))
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
                        f"“{keeper.name}” được đổi sang tên mới nên thu hồi chứng thư này.",
                        rule=ev.rule(revoke=True)))
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
                    "chứng thư của cơ quan được sáp nhập.", rule=ev.rule(revoke=True)))
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

    # Agencies not named in a decision: district bodies ended (rule 14), managing agency renamed
    # (rule 3) or ended, province merged.
    for s in ctx.subscribers:
        if s.type != "organization" or not s.cert_serial or s.cert_serial in done:
            continue
        district = ctx.ended(s)
        if district:
            done.add(s.cert_serial)
            actions.append(_action(ctx, s, "revoke",
                f"Cấp huyện kết thúc hoạt động từ 01/7/2025: “{s.name}” (thuộc "
                f"{district}) không còn, chưa có quyết định nêu cơ quan kế thừa chứng thư; "
                "đề nghị thu hồi chứng thư và thu hồi thiết bị.", rule=R_DISTRICT,
                renames=renames))
            continue
        if ctx.district(s.managing_agency) and key(s.managing_agency) not in renames \
                and key(s.name) not in sup:
            warnings.append(PlanWarning(
                "managing_agency_ended",
                f"Cơ quan quản lý cấp trên của “{s.name}” là “{s.managing_agency}” (cấp huyện, "
                "kết thúc hoạt động từ 01/7/2025); chưa rõ cơ quan quản lý mới: bổ sung quyết "
                "định giao đơn vị về cơ quan mới để đề nghị thay đổi O (không tự đổi riêng "
                "ST/L)."))
            continue
        new_sup = ""
        hit = renames.get(key(s.managing_agency))
        cert = ctx.cert(s.cert_serial)
        listed = None
        if hit:
            new_sup = hit.new
        elif key(s.name) in sup:
            new_sup = sup[key(s.name)][0]
        elif cert and s.managing_agency and cert.attr("O") and \
                key(cert.attr("O")) != key(s.managing_agency) and key(getattr(
                    renames.get(key(cert.attr("O"))), "new", "")) != key(s.managing_agency):
            # rule 16 from a list: its managing-agency column names another agency than O
            listed = new_sup = ctx.standard(s.managing_agency)
        why = (f"Cơ quan quản lý cấp trên của “{s.name}” thay đổi thành “{new_sup}”"
               + (" (theo cột cơ quan quản lý cấp trên của danh sách thuê bao)." if listed
                  else ".")
               if new_sup else f"Thông tin địa danh của “{s.name}” thay đổi do sắp xếp tỉnh.")
        before = len(actions)
        change(s, hit.event if hit else None, why, new_superior=new_sup)
        if listed and len(actions) > before:
            actions[-1] = replace(actions[-1], rule=R_TRANSFER)
    return actions, warnings


def no_certificate_for_new(ctx: Context, events: list[Event]) -> list[PlanWarning]:
    """Rule 9 for organisations: a new agency without any predecessor certificate."""
    out = []
    for ev in events:
        if ev.kind == MergeKind.MERGE_NEW and not ev.paired and not _holders(ctx, ev.sources):
            out.append(PlanWarning(
                "no_predecessor_certificate",
                f"Không có chứng thư của {', '.join(ev.sources)} trong sổ để đổi sang tên "
                f"“{ev.target}”. Bổ sung danh sách thuê bao; chỉ đề nghị cấp mới (gửi {CA_NAME}) "
                "khi chắc chắn không có chứng thư nào (393/BCY-CTSBMTT mục 2)."))
    return out
