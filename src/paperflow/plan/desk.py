"""The focal point's desk (rule 18; 393/BCY-CTSBMTT §2, 23/BCY-CTSBMTT, 275 §2).

When the agency in [agency] is its province's authorised focal point it CARRIES OUT changes,
renewals and token restorations itself — registered in the CA's system through the import
sheet, recorded in the processing register, answered to the requesting agency — instead of
re-filing them as its own Mẫu 04/06 to the Cục; revocations and recalled tokens it aggregates
into one Mẫu 05 to the Cục with the token hand-over minutes.

Received requests (snapshot.received) are used only when their check passed (signed, valid and
trusted, by the head of the requesting agency and its seal); any other is listed for follow-up
with its reason and never carried out. Each request gets one "desk" action: the processing
register's row and the reply's content. Its fields (plan.json): from_ = the request's sha256,
to = the requesting agency, action = carried_out | follow_up, reason = what was done, changes =
("request", number, date) · ("subject", form, subject) · ("row", "name|serial", what was done)….
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..config import CA_NAME
from ..models import Action, PlanWarning, ReceivedRequest, Request, Subscriber
from ..text import key, nfc
from .common import R_FOCAL, R_PERSON, R_TOKEN_RECALL, Context
from .dispatches import is_focal_desk

R_DESK = f"{R_FOCAL}; 393/BCY-CTSBMTT 2"      # rule 18: carried out at the focal point
AT_DESK = ("change_info", "renew", "restore_token")
DONE_WORDS = {"change_info": "Đã thay đổi nội dung thông tin trên Hệ thống đăng ký",
              "renew": "Đã gia hạn trên Hệ thống đăng ký",
              "restore_token": "Đã khôi phục thiết bị lưu khóa bí mật",
              "revoke": "Đã tổng hợp đề nghị thu hồi gửi Cục Chứng thực số và Bảo mật thông tin"}
# "what changes" as the Mẫu 04 column writes it ("Cơ quan: A → B; Đơn vị: C → D")
_LABELS = {"ten": "CN", "co quan": "O", "don vi": "OU", "dia phuong": "L",
           "tinh/thanh pho": "ST", "tinh": "ST", "chuc vu": "T", "thu dien tu": "E",
           "co quan quan ly cap tren": "superior"}
_CHANGE = re.compile(r"([^:;]{2,40}):\s*([^;→]*?)\s*(?:→|->|=>)\s*([^;]+)")


def desk_route(ctx: Context, actions: list[Action]) -> list[Action]:
    """In focal-point mode the changes, renewals and restorations the plan would file with the
    Cục are carried out here (route_to = the focal point itself): no Mẫu 04/06 of our own."""
    if not is_focal_desk(ctx):
        return actions
    us = nfc(ctx.settings.agency.name)
    return [replace(a, route_to=us, rule=a.rule if R_DESK in a.rule else f"{a.rule}; {R_DESK}")
            if a.kind == "certificate" and a.action in AT_DESK and a.route_to == CA_NAME
            else a for a in actions]


def parse_changes(text: str) -> tuple[tuple[str, str, str], ...]:
    """'Thay đổi thông tin: Cơ quan: A → B; Đơn vị: C → D' → (('O', 'A', 'B'), ('OU', 'C', 'D'))."""
    body = re.sub(r"^\s*thay đổi (?:nội dung )?thông tin\s*:\s*", "", nfc(text), flags=re.I)
    out = []
    for m in _CHANGE.finditer(body):
        attr = _LABELS.get(key(m.group(1)).strip())
        if attr:
            old = m.group(2).strip()
            out.append((attr, "" if old == "(trống)" else old, m.group(3).strip(" .")))
    return tuple(out)


def _holder(ctx: Context, s: Subscriber) -> Subscriber | None:
    for h in ctx.snapshot.subscribers:
        if s.cert_serial and h.cert_serial == s.cert_serial:
            return h
    for h in ctx.snapshot.subscribers:
        if s.id_number and h.id_number == s.id_number and h.type == s.type:
            return h
    return None


def _merged(ctx: Context, row: Request) -> Subscriber:
    """The row's subscriber completed from the register (birth date, CCCD, token …)."""
    s, held = row.subscriber, _holder(ctx, row.subscriber)
    if held is None:
        return s
    fill = {f: getattr(held, f) for f in ("birth_date", "id_number", "email", "phone",
                                          "token_serial", "managing_agency", "province",
                                          "title", "agency", "valid_until", "id_issued",
                                          "id_place", "tax_code")
            if not getattr(s, f) and getattr(held, f)}
    return replace(s, **fill)


def _label(r: ReceivedRequest) -> str:
    when = f" ngày {_short(r)}" if r.date else ""
    return f"Văn bản số {r.number or '(chưa số)'}{when} của {r.sender or 'cơ quan (chưa rõ)'}"


def _short(r: ReceivedRequest) -> str:
    d = r.date
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year}" if d.month < 3 else f"{d.day:02d}/{d.month}/{d.year}"


def desk_actions(ctx: Context) -> tuple[list[Action], list[PlanWarning]]:
    """The received requests carried out, aggregated or listed for follow-up."""
    # Lists filed apart that no dispatch took: the focal point's concern only, and not its own
    # lists ("kèm theo Công văn số 12/SKHCN-CĐS" names one of its own dispatches).
    own = key(ctx.settings.agency.abbreviation)
    received = tuple(r for r in ctx.snapshot.received if r.check != "list" or (
        is_focal_desk(ctx) and not (own and key(r.number.partition("/")[2]).startswith(own))))
    if not received:
        return [], []
    if not is_focal_desk(ctx):
        senders = ", ".join(sorted({r.sender for r in received}))
        return [], [PlanWarning(
            "received_not_focal",
            f"{len(received)} văn bản đề nghị của cơ quan khác ({senders}) "
            f"gửi đầu mối được ủy quyền; {ctx.settings.agency.name} không phải đầu mối của "
            "tỉnh ([plan] focal_points) nên không xử lý.")]
    us = nfc(ctx.settings.agency.name)
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    for r in received:
        if r.check == "list":       # a list filed apart its dispatch has not taken (yet)
            warnings.append(PlanWarning(
                "received_list", f"Danh sách {r.source} ({len(r.rows)} dòng): {r.problem}."))
            continue
        head: tuple[tuple[str, str, str], ...] = (
            ("request", r.number, _short(r)), ("subject", r.form, r.subject))
        if r.check == "accepted":   # a scan the clerk checked against the paper: who, when
            head += (("check", "accepted", r.accepted),)
        if not r.usable:
            warnings.append(PlanWarning(
                "received_follow_up",
                f"{_label(r)} ({r.source}) chưa thực hiện: {r.problem}. Liên hệ cơ quan đề nghị "
                "gửi lại văn bản ký số hợp lệ của thủ trưởng cơ quan và chữ ký số của cơ quan."))
            rows = tuple(("row", f"{nfc(q.subscriber.name)}|{q.subscriber.cert_serial}",
                          "Chưa thực hiện") for q in r.rows)
            actions.append(Action(
                kind="desk", action="follow_up", rule=R_DESK, from_=r.sha256, to=r.sender,
                route_to=r.sender, sender=us, changes=head + rows,
                reason=f"Chưa thực hiện: {r.problem}."))
            continue
        rows = []
        for q in r.rows:
            s = _merged(ctx, q)
            what = f"{_label(r)} đề nghị: {nfc(q.reason) or q.request}"
            if q.request in AT_DESK:
                changes = parse_changes(q.reason) if q.request == "change_info" else ()
                actions.append(Action(
                    kind="certificate", action=q.request, rule=R_DESK, serial=s.cert_serial,
                    subscriber=s, changes=changes, route_to=us, sender=r.sender,
                    token_serial=s.token_serial if q.request == "restore_token" else "",
                    reason=f"{what}. Thực hiện tại đầu mối được ủy quyền."))
            elif q.request == "revoke":
                s = replace(s, needed=False, need_note=s.need_note or nfc(q.reason))
                actions.append(Action(
                    kind="certificate", action="revoke", rule=R_PERSON, serial=s.cert_serial,
                    subscriber=s, route_to=CA_NAME, sender=us,
                    reason=f"{what}. Tổng hợp gửi Cục Chứng thực số và Bảo mật thông tin."))
                if s.token_serial:
                    actions.append(Action(
                        kind="token", action="recall", rule=R_TOKEN_RECALL, serial=s.cert_serial,
                        token_serial=s.token_serial, subscriber=s, hand_over_to=CA_NAME,
                        route_to=CA_NAME, sender=us,
                        reason=f"Thiết bị {s.token_serial} thu hồi theo {_label(r)}."))
            else:
                rows.append(("row", f"{nfc(s.name)}|{s.cert_serial}",
                             "Chưa thực hiện: loại đề nghị không thuộc đầu mối"))
                continue
            rows.append(("row", f"{nfc(s.name)}|{s.cert_serial}", DONE_WORDS[q.request]))
        done = sum(1 for _r, _n, w in rows if not w.startswith("Chưa"))
        actions.append(Action(
            kind="desk", action="carried_out", rule=R_DESK, from_=r.sha256, to=r.sender,
            route_to=r.sender, sender=us, changes=head + tuple(rows),
            reason=f"Đã thực hiện {done}/{len(rows)} thuê bao theo {_label(r)}."))
    return actions, warnings


KIND_WORDS = {"change_info": "Thay đổi nội dung thông tin", "renew": "Gia hạn",
              "restore_token": "Khôi phục thiết bị lưu khóa bí mật", "revoke": "Thu hồi",
              "issue_new": "Cấp mới"}


def with_dossiers(ctx: Context, actions: list[Action]) -> list[Action]:
    """Rule 7 (275 §3): each dossier hand-over lists the giving agency's request dossiers the
    register holds — the requests received from that agency, with their number and date — one
    row each: ("dossier", "name|serial", "kind|number|date"). Only inputs count: the plan's own
    earlier batches would change the hand-over each time a batch is recorded (and plan it
    again). A hand-over the register knows no dossier of keeps its one row."""
    out = []
    for a in actions:
        if a.kind != "dossier" or a.action != "hand_over" or a.changes:
            out.append(a)
            continue
        src = key(a.from_)
        rows: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str]] = set()
        for r in ctx.snapshot.received:
            if key(r.sender) != src:
                continue
            for q in r.rows:
                s = q.subscriber
                ident = (s.cert_serial or key(s.name), q.request)
                if ident not in seen:
                    seen.add(ident)
                    rows.append(("dossier", f"{nfc(s.name)}|{s.cert_serial}",
                                 f"{KIND_WORDS.get(q.request, q.request)}|{r.number}|{_short(r)}"))
        out.append(replace(a, changes=tuple(rows)) if rows else a)
    return out
