"""Key tokens (rules 5, 6, 12) and request dossiers (rule 7)."""

from __future__ import annotations

from ..config import CA_NAME
from ..models import Action, MergeKind, PlanWarning
from ..text import key
from .common import (
    R_DOSSIER,
    R_PARTY_NET,
    R_TOKEN_HANDOVER,
    R_TOKEN_RECALL,
    Context,
    is_party_network,
    new_province,
    province_of,
    sko_khcn,
)
from .events import Event, Rename


def token_actions(ctx: Context, revocations: list[Action], renames: dict[str, Rename]
                  ) -> tuple[list[Action], list[PlanWarning]]:
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    seen: set[str] = set()
    for rev in revocations:
        s = rev.subscriber
        if s is None or not s.token_serial or s.token_serial in seen:
            continue
        seen.add(s.token_serial)
        province = new_province(ctx, province_of(ctx, s, ctx.cert(s.cert_serial)))
        if s.type == "person" and not s.needed:
            agency = s.agency or ctx.settings.agency.name
            hit = renames.get(key(agency))
            agency = hit.new if hit else agency
            actions.append(Action(
                kind="token", action="hand_over", rule=R_TOKEN_HANDOVER,
                token_serial=s.token_serial, subscriber=s, serial=s.cert_serial,
                hand_over_to=agency, sender=s.name, route_to=agency,
                reason=f"Ông/bà {s.name} không còn nhu cầu sử dụng chứng thư: bàn giao thiết bị "
                       f"{s.token_serial} cho {agency} (cơ quan quản lý trực tiếp)."))
            sender = agency
        elif s.type == "organization":
            # the token is held by the organisation, or by the agency that absorbed it
            hit = renames.get(key(s.name))
            sender = hit.new if hit else s.name
        else:
            sender = rev.sender
        if is_party_network(s):
            actions.append(Action(
                kind="token", action="keep", rule=R_PARTY_NET, token_serial=s.token_serial,
                subscriber=s, serial=s.cert_serial, sender=sender,
                reason=f"Thiết bị {s.token_serial} cấp cho mạng mật của cơ quan Đảng được dùng "
                       "để ký trên các mạng khác; không thu hồi vì lý do này."))
            warnings.append(PlanWarning(
                "party_network_token",
                f"Thiết bị {s.token_serial} của {s.name} phục vụ mạng mật của cơ quan Đảng: không "
                f"đưa vào danh sách thu hồi ({R_PARTY_NET}); xác nhận với đơn vị quản lý."))
            continue
        to = sko_khcn(ctx, province) if province else CA_NAME
        via = (f"gửi {to} tổng hợp gửi {CA_NAME}" if to != CA_NAME
               else f"gửi trực tiếp {CA_NAME}")
        actions.append(Action(
            kind="token", action="recall", rule=R_TOKEN_RECALL, token_serial=s.token_serial,
            subscriber=s, serial=s.cert_serial, hand_over_to=to, route_to=CA_NAME, sender=sender,
            reason=f"Chứng thư {s.cert_serial} của {s.name} bị thu hồi: thu hồi thiết bị lưu "
                   f"khóa bí mật {s.token_serial}, {via}."))
    return actions, warnings


def dossier_actions(ctx: Context, events: list[Event]) -> list[Action]:
    """Each merged agency hands its request dossiers to the new (or receiving) agency."""
    out: list[Action] = []
    seen: set[tuple[str, str]] = set()
    for ev in events:
        if ev.kind not in (MergeKind.MERGE_NEW, MergeKind.MERGE_KEEP):
            continue
        for src in ev.sources:
            if key(src) == key(ev.target) or (key(src), key(ev.target)) in seen:
                continue
            seen.add((key(src), key(ev.target)))
            out.append(Action(
                kind="dossier", action="hand_over", rule=R_DOSSIER, from_=src, to=ev.target,
                sender=src, route_to=ev.target, hand_over_to=ev.target,
                reason=f"“{src}” được sáp nhập vào “{ev.target}” ({ev.label}): thống kê, bàn "
                       "giao hồ sơ đề nghị cấp mới, gia hạn, thay đổi nội dung thông tin, khôi "
                       f"phục thiết bị cho “{ev.target}” tiếp nhận, quản lý."))
    return out
