"""Personal certificates (rule 4), request forms (rule 9), renewals (23/BCY), leaders (rule 11)."""

from __future__ import annotations

from datetime import timedelta

from ..config import CA_NAME
from ..models import Action, MergeKind, PlanWarning, Request, Subscriber
from ..text import key
from .changes import compute
from .common import (
    R_FOCAL,
    R_ISSUE,
    R_LEADER,
    R_NO_NEW,
    R_PERSON,
    R_PROVINCE,
    Context,
    filer,
    is_leader,
    province_of,
    route,
)
from .events import Event, Rename


def _sender(ctx: Context, s: Subscriber, renames: dict[str, Rename]) -> str:
    """The directly managing agency: the officer's agency as it is now called."""
    agency = s.new_agency or s.agency
    hit = renames.get(key(agency))
    return (hit.new if hit else agency) or ctx.settings.agency.name


def _act(ctx: Context, s: Subscriber, action: str, rule: str, reason: str,
         renames: dict[str, Rename], changes: tuple = (), route_to: str = "") -> Action:
    cert = ctx.cert(s.cert_serial)
    return Action(kind="certificate", action=action, rule=rule, reason=reason,
                  serial=s.cert_serial, subscriber=s, changes=changes,
                  route_to=route_to or route(ctx, province_of(ctx, s, cert)),
                  sender=filer(ctx, _sender(ctx, s, renames), province_of(ctx, s, cert)))


def person_actions(ctx: Context, renames: dict[str, Rename]
                   ) -> tuple[list[Action], list[PlanWarning]]:
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    for s in ctx.snapshot.subscribers:
        if s.type != "person" or not s.cert_serial:
            continue
        if not s.needed:
            note = s.need_note or "hết nhu cầu sử dụng"
            actions.append(_act(ctx, s, "revoke", R_PERSON,
                                f"Ông/bà {s.name} ({s.agency}) không còn nhu cầu sử dụng chứng "
                                f"thư ({note}): đề nghị thu hồi và bàn giao thiết bị.", renames))
            continue
        ch = compute(ctx, s, ctx.cert(s.cert_serial), renames=renames,
                     new_agency=s.new_agency, new_title=s.new_title)
        warnings.extend(ch.warnings)
        if not ch.changes:
            continue
        desc = "; ".join(f"{a}: “{o}” → “{n}”" for a, o, n in ch.changes)
        if ch.events or s.new_agency or s.new_title:
            why = (f"theo {', '.join(e.label for e in ch.events)}" if ch.events
                   else "do thay đổi công tác/chức vụ")
            rule = R_PERSON
        else:
            why = (f"do tỉnh {ch.province[0]} hợp nhất vào tỉnh {ch.province[1]} "
                   f"(dữ liệu {ctx.provinces.version})") if ch.province else "do sắp xếp"
            rule = R_PROVINCE
        actions.append(_act(ctx, s, "change_info", rule,
                            f"Thông tin chứng thư của ông/bà {s.name} thay đổi {why}. "
                            f"Thay đổi: {desc}.", renames, changes=ch.changes))
    return actions, warnings


def _holder(ctx: Context, r: Request) -> Subscriber | None:
    want = r.subscriber
    for s in ctx.snapshot.subscribers:
        if not s.cert_serial or s.type != want.type:
            continue
        if want.cert_serial and s.cert_serial == want.cert_serial:
            return s
        if want.id_number and s.id_number == want.id_number:
            return s
        if not want.id_number and key(s.name) == key(want.name) and (
                key(s.agency) == key(want.agency) or not want.agency):
            return s
    return None


def request_actions(ctx: Context, renames: dict[str, Rename]
                    ) -> tuple[list[Action], list[PlanWarning]]:
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    for r in ctx.snapshot.requests:
        held = _holder(ctx, r)
        s = held or r.subscriber
        what = r.request
        if what == "issue_new" and held is not None:
            warnings.append(PlanWarning(
                "issue_new_to_change",
                f"{s.name} đã có chứng thư số hiệu {held.cert_serial}: không cấp mới, chuyển "
                "thành đề nghị thay đổi nội dung thông tin (393/BCY-CTSBMTT mục 2)."))
            ch = compute(ctx, held, ctx.cert(held.cert_serial), renames=renames,
                         new_agency=r.subscriber.agency if key(r.subscriber.agency) != key(
                             held.agency) else "", new_title=r.subscriber.title if key(
                             r.subscriber.title) != key(held.title) else "")
            warnings.extend(ch.warnings)
            actions.append(_act(ctx, held, "change_info", R_NO_NEW,
                                f"Đề nghị cấp mới cho {s.name} nhưng người này đã có chứng thư "
                                f"{held.cert_serial}; theo 393/BCY-CTSBMTT không cấp mới mà "
                                "thay đổi nội dung thông tin chứng thư đã cấp.", renames,
                                changes=ch.changes))
        elif what == "issue_new":
            actions.append(_act(ctx, s, "issue_new", R_ISSUE,
                                f"{s.name} chưa có chứng thư trong sổ: đề nghị cấp mới "
                                f"({'Mẫu 02' if s.type == 'organization' else 'Mẫu 01'}).",
                                renames, route_to=CA_NAME))
        elif what in ("renew", "change_info", "restore_token"):
            label = {"renew": "gia hạn", "change_info": "thay đổi nội dung thông tin",
                     "restore_token": "khôi phục thiết bị lưu khóa bí mật"}[what]
            actions.append(_act(ctx, s, what, R_FOCAL,
                                f"{s.name} đề nghị {label}"
                                f"{': ' + r.reason if r.reason else ''}; thực hiện tại đầu mối "
                                "được ủy quyền.", renames))
        elif what == "revoke":
            actions.append(_act(ctx, s, "revoke", R_PERSON,
                                f"{s.name} đề nghị thu hồi chứng thư"
                                f"{': ' + r.reason if r.reason else ''}.", renames))
        else:
            warnings.append(PlanWarning("unknown_request",
                                        f"Không rõ loại đề nghị “{what}” của {s.name}."))
    return actions, warnings


def renewal_actions(ctx: Context, renames: dict[str, Rename]) -> list[Action]:
    horizon = ctx.today + timedelta(days=ctx.settings.plan.renew_within_days)
    out = []
    for s in ctx.snapshot.subscribers:
        if not s.cert_serial or not s.needed:
            continue
        cert = ctx.cert(s.cert_serial)
        until = cert.not_after if cert else s.valid_until
        if until is None or until > horizon:
            continue
        state = "đã hết hạn" if until < ctx.today else "sắp hết hạn"
        out.append(_act(ctx, s, "renew", R_FOCAL,
                        f"Chứng thư {s.cert_serial} của {s.name} {state} ngày "
                        f"{until:%d/%m/%Y} (trong {ctx.settings.plan.renew_within_days} ngày): "
                        "đề nghị gia hạn (không cấp mới).", renames))
    return out


def leader_warnings(ctx: Context, events: list[Event], person: list[Action]
                    ) -> list[PlanWarning]:
    """Rule 11: the agency's certificate already carries the new name; its leader's does not."""
    renamed_to = {key(e.target) for e in events
                  if e.kind in (MergeKind.MERGE_NEW, MergeKind.RENAME, MergeKind.MERGE_KEEP)}
    already = set()
    for s in ctx.snapshot.subscribers:
        cert = ctx.cert(s.cert_serial) if s.type == "organization" else None
        if cert and key(cert.attr("CN")) in renamed_to:
            already.add(key(cert.attr("CN")))
    out = []
    for a in person:
        s = a.subscriber
        if a.action != "change_info" or s is None or not is_leader(s.title):
            continue
        if any(key(new) in already for _, _, new in a.changes):
            out.append(PlanWarning(
                "leader_lag",
                f"Chứng thư của cơ quan đã mang thông tin mới nhưng chứng thư cá nhân của "
                f"{s.title} {s.name} chưa thay đổi: trường hợp khẩn cấp vẫn có thể ký bằng "
                f"chứng thư cá nhân hiện có ({R_LEADER}); đề nghị thay đổi sớm."))
    return out
