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
from .people import Need, classify
from .persons import current_agency


def token_actions(ctx: Context, revocations: list[Action], renames: dict[str, Rename],
                  kept: set[str] | frozenset[str] = frozenset()
                  ) -> tuple[list[Action], list[PlanWarning]]:
    """Rules 5, 6: a revoked certificate's token is recalled — Party-network or not (393 §5
    only lets such a token sign elsewhere too). `kept`: certificates still in use; a token that
    also carries one of them is not recalled (one token, one fate), and the clerk is told."""
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    seen: set[str] = set()
    shared = _token_certificates(ctx)
    for rev in revocations:
        s = rev.subscriber
        if s is None or s.token_serial in seen:
            continue
        if not s.token_serial:
            warnings.append(PlanWarning(
                "token_unknown",
                f"Chứng thư {s.cert_serial} của {s.name} bị thu hồi nhưng chưa rõ số serial "
                "thiết bị lưu khóa bí mật: bổ sung để thu hồi thiết bị (275/BCY-CTSBMTT mục 2)."))
            continue
        seen.add(s.token_serial)
        others = sorted(c for c in shared.get(s.token_serial, ())
                        if c in kept and c != s.cert_serial)
        if others:
            warnings.append(PlanWarning(
                "token_shared",
                f"Thiết bị {s.token_serial} của {s.name} còn mang chứng thư {', '.join(others)} "
                "đang sử dụng: chưa thu hồi thiết bị; xác nhận với đơn vị quản lý."))
            continue
        province = new_province(ctx, province_of(ctx, s, ctx.cert(s.cert_serial)))
        need = classify(s.need_note)
        if s.type == "person" and (not s.needed or need in (Need.LEAVE, Need.NO_LONGER,
                                                            Need.POSITION)):
            # the agency that manages the officer now (never a unit of an absorbed agency)
            agency = current_agency(ctx, s.agency, s.managing_agency, province, renames)
            actions.append(Action(
                kind="token", action="hand_over", rule=R_TOKEN_HANDOVER,
                token_serial=s.token_serial, subscriber=s, serial=s.cert_serial,
                hand_over_to=agency, sender=s.name, route_to=agency,
                reason=f"Ông/bà {s.name} không còn sử dụng chứng thư: bàn giao thiết bị "
                       f"{s.token_serial} cho {agency} (cơ quan quản lý trực tiếp)."))
            sender = agency
        elif s.type == "organization":
            # the token is held by the organisation, or by the agency that absorbed it; a
            # district body's by the province's People's Committee
            hit = renames.get(key(s.name))
            sender = hit.new if hit else (rev.sender if ctx.ended(s) else ctx.standard(s.name))
        else:
            sender = rev.sender
        to = sko_khcn(ctx, province) if province else CA_NAME
        via = (f"gửi {to} tổng hợp gửi {CA_NAME}" if to != CA_NAME
               else f"gửi trực tiếp {CA_NAME}")
        party = (" Thiết bị dùng cho mạng mật của cơ quan Đảng: vẫn thu hồi vì chứng thư bị thu "
                 f"hồi ({R_PARTY_NET} chỉ cho phép dùng thiết bị trên các mạng khác)."
                 if is_party_network(s) else "")
        actions.append(Action(
            kind="token", action="recall", rule=R_TOKEN_RECALL, token_serial=s.token_serial,
            subscriber=s, serial=s.cert_serial, hand_over_to=to, route_to=CA_NAME, sender=sender,
            reason=f"Chứng thư {s.cert_serial} của {s.name} bị thu hồi: thu hồi thiết bị lưu "
                   f"khóa bí mật {s.token_serial}, {via}.{party}"))
    return actions, warnings


def _token_certificates(ctx: Context) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in ctx.subscribers:
        if s.token_serial and s.cert_serial:
            out.setdefault(s.token_serial, set()).add(s.cert_serial)
    return out


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
            if ev.paired and not ctx.holders((src,)):
                continue    # derived from the data: only the agencies the register holds
            seen.add((key(src), key(ev.target)))
            out.append(Action(
                kind="dossier", action="hand_over", rule=R_DOSSIER, from_=src, to=ev.target,
                sender=src, route_to=ev.target, hand_over_to=ev.target,
                reason=f"“{src}” được sáp nhập vào “{ev.target}” ({ev.label}): thống kê, bàn "
                       "giao hồ sơ đề nghị cấp mới, gia hạn, thay đổi nội dung thông tin, khôi "
                       f"phục thiết bị cho “{ev.target}” tiếp nhận, quản lý."))
    return out
