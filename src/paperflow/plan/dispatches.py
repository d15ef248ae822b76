"""Central dispatches → the province's implementing dispatch (seeds 001, 002 pass 275 and 393
on to the province's agencies). Pure: the register decides what was passed on already (an
action recorded in an earlier batch is never planned again, register/batches.action_key)."""

from __future__ import annotations

from ..config import CA_NAME
from ..models import Action, CentralDispatch, MergeKind, PlanWarning, Subscriber
from ..text import key, nfc
from .common import R_ORG_LIST, Context, focal_point, full_province, new_province, province_of
from .events import superiors

R_IMPLEMENT = "NĐ 30/2020"
R_REPORT = "NĐ 30/2020; 275/BCY-CTSBMTT"
DEFAULT_RECIPIENTS = ("Văn phòng Tỉnh ủy", "Văn phòng UBND tỉnh", "Các sở, ban, ngành tỉnh",
                      "UBND các xã, phường")


def recipients(ctx: Context) -> tuple[str, ...]:
    """Who the implementing dispatch goes to ([plan] implementing_recipients)."""
    got = getattr(ctx.settings.plan, "implementing_recipients", None) or DEFAULT_RECIPIENTS
    return tuple(nfc(r).strip(" ;.") for r in got if nfc(r).strip(" ;."))


def _symbol(c: CentralDispatch) -> str:
    return c.number.split("/", 1)[-1]


def dispatch_actions(ctx: Context) -> tuple[list[Action], list[PlanWarning]]:
    """One implementing dispatch per central dispatch with a number and a date. A copy without
    its number (a draft like seed 000) waits, with a warning, unless the numbered copy of the
    same symbol and date is in the register too."""
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    centrals = ctx.snapshot.central_dispatches
    numbered = {(_symbol(c), c.date) for c in centrals if not c.number.startswith("/")}
    # a clean copy and an OCR'd one of the same dispatch: the clean one is passed on
    clean = {(c.number, c.date) for c in centrals if not c.ocr}
    to = "; ".join(recipients(ctx))
    # drafted for the UBND tỉnh to sign, or issued by the agency itself ([plan]
    # implementing_signer); the focal point drafts it either way
    sender = (provincial_committee(ctx)
              if getattr(ctx.settings.plan, "implementing_signer", "agency") == "ubnd"
              else nfc(ctx.settings.agency.name))
    for c in centrals:
        if c.ocr and (c.number, c.date) in clean:
            continue
        if c.number.startswith("/") or c.date is None:
            if (_symbol(c), c.date) not in numbered:
                warnings.append(PlanWarning(
                    "central_incomplete",
                    f"Văn bản {c.number} của {c.issuer} ({c.source}) chưa đọc được "
                    f"{'số' if c.number.startswith('/') else 'ngày'}: chưa soạn công văn triển "
                    "khai; thả vào inbox/ bản đã ban hành (có số, ngày)."))
            continue
        reason = (f"{c.issuer} ban hành Văn bản số {c.number} ngày {c.date_short} về "
                  f"{c.subject.rstrip('.')}: {sender} có công văn triển khai, gửi các cơ quan, "
                  f"đơn vị trong tỉnh thực hiện {len(_top(c))} nội dung của văn bản.")
        actions.append(Action(
            kind="dispatch", action="implement", rule=f"{R_IMPLEMENT}; {c.number}",
            reason=reason, from_=nfc(c.issuer), to=to, route_to=to, sender=sender, central=c))
        if c.ocr:
            warnings.append(PlanWarning(
                "central_ocr",
                f"Văn bản {c.number} đọc từ bản quét (OCR): công văn triển khai là bản nháp chưa "
                "cấp số, chưa ký — rà soát chính tả các nội dung (hoặc thả vào inbox/ bản gốc "
                "không qua OCR) trước khi ban hành."))
    return actions, warnings


def _top(c: CentralDispatch) -> list[str]:
    return [label for label, _t in c.points if label.count(".") == 1] or [
        label for label, _t in c.points]



# --- the batch's own letters: whom they go to is decided here, never in render -------------

def is_focal_desk(ctx: Context) -> bool:
    """Rule 18: the agency in [agency] is its province's authorised focal point."""
    fp = focal_point(ctx, ctx.settings.agency.province)
    return bool(fp) and key(fp) == key(ctx.settings.agency.name)


def provincial_committee(ctx: Context) -> str:
    """'Ủy ban nhân dân tỉnh Hưng Yên': the managing agency when it is the province's UBND."""
    managing = nfc(ctx.settings.agency.managing)
    if key(managing).startswith(("uy ban nhan dan tinh", "uy ban nhan dan thanh pho", "ubnd")):
        return managing
    return f"Ủy ban nhân dân {full_province(ctx, ctx.settings.agency.province)}"


def report_action(ctx: Context, actions: list[Action]) -> list[Action]:
    """The summary report of the batch: an agency reports to its focal point; the focal point
    reports what it carried out to the UBND tỉnh (never to its own director)."""
    if not any(a.kind in ("certificate", "token", "dossier") for a in actions):
        return []
    us = nfc(ctx.settings.agency.name)
    if is_focal_desk(ctx):
        to = provincial_committee(ctx)
    else:
        to = focal_point(ctx, ctx.settings.agency.province) or provincial_committee(ctx)
    return [Action(kind="report", action="report", rule=R_REPORT, to=to, route_to=to,
                   sender=us, from_=us,
                   reason=f"{us} báo cáo {to} kết quả tổng hợp, thực hiện đề nghị về chứng thư "
                          "chữ ký số chuyên dùng công vụ của đợt này.")]


def agency_list_actions(ctx: Context, events: list, renames: dict,
                        actions: list[Action]) -> list[Action]:
    """Rule 8 (275 §4): the focal point sends the CA every agency of the province as it is after
    the reorganisation — all the register knows, not only those this batch touches — each with
    its managing agency. Agencies merged away or dissolved are left out; renamed ones carry the
    new name with the old one in the note."""
    if not is_focal_desk(ctx):
        return []
    if not events and not any(a.kind == "certificate" and a.changes for a in actions):
        return []
    home_name = new_province(ctx, ctx.settings.agency.province)
    home = key(home_name)
    gone = {key(s) for ev in events if ev.kind == MergeKind.DISSOLVE for s in ev.sources}
    gone |= {key(a.subscriber.name) for a in actions if a.kind == "certificate"
             and a.action == "revoke" and a.subscriber and a.subscriber.type == "organization"}
    ups = superiors(events)
    rows: dict[str, Action] = {}

    def add(name: str, managing: str, old: str, province: str) -> None:
        k = key(name)
        if not name or k in rows or (k in gone and not old):
            return
        hit = renames.get(key(managing))
        managing = hit.new if hit else managing
        managing = ups[k][0] if k in ups else managing
        sub = Subscriber(type="organization", name=nfc(name), agency=nfc(name),
                         managing_agency=nfc(managing), province=province)
        note = f"Tên cũ: {nfc(old)}" if old and key(old) != k else ""
        rows[k] = Action(kind="agency", action="list", rule=R_ORG_LIST, subscriber=sub,
                         route_to=CA_NAME, to=CA_NAME, sender=nfc(ctx.settings.agency.name),
                         reason=note)

    for s in ctx.snapshot.subscribers:
        if s.type != "organization":
            continue
        province = new_province(ctx, province_of(ctx, s, ctx.cert(s.cert_serial)))
        if key(province) != home:
            continue
        hit = renames.get(key(s.name))
        if hit is not None:
            add(hit.new, s.managing_agency, s.name, province)
        elif key(s.name) not in gone:
            add(s.name, s.managing_agency, "", province)
    # agencies the register knows without a certificate of their own (named in lists)
    for o in ctx.snapshot.organisations:
        province = new_province(ctx, o.province) if o.province else ""
        if province and key(province) != home:
            continue
        hit = renames.get(key(o.name))
        if hit is not None:
            add(hit.new, o.managing_agency, o.name, province or home_name)
        elif key(o.name) not in gone:
            add(o.name, o.managing_agency, "", province or home_name)
    for ev in events:
        if ev.kind in (MergeKind.MERGE_NEW, MergeKind.MERGE_KEEP, MergeKind.RENAME):
            add(ev.target, ev.superior or "", "", new_province(ctx, ctx.settings.agency.province))
    return sorted(rows.values(), key=lambda a: key(a.subscriber.name) if a.subscriber else "")


# What the CA's registration system asks for each subscriber (docs/DOMAIN.md, the import sheet) that
# subscriber lists often lack; the clerk completes it before signing (issue 14 item 8). A list
# with the columns (extract/columns.py: "Ngày cấp CCCD", "Nơi cấp", "Mã số thuế", "Mã QHNS")
# fills them; only what no input gave is listed.
_PERSON_NEEDS = (("birth_date", "ngày sinh"), ("id_number", "số CCCD"),
                 ("id_issued", "ngày cấp CCCD"), ("id_place", "nơi cấp CCCD"))
_ORG_NEEDS = (("tax_code", "mã số thuế hoặc mã quan hệ ngân sách"),)


def missing_data_warnings(actions: list[Action]) -> list[PlanWarning]:
    """Per agency, one warning naming each subscriber of a request (change, renewal,
    restoration) and the form data the CA requires that the inputs lack."""
    by_agency: dict[str, list[str]] = {}
    seen: set[str] = set()
    for a in actions:
        s = a.subscriber
        if a.kind != "certificate" or s is None or a.action not in (
                "change_info", "renew", "restore_token"):
            continue
        needs = _PERSON_NEEDS if s.type == "person" else _ORG_NEEDS
        lacking = [label for attr, label in needs if not getattr(s, attr, None)]
        ident = f"{key(s.name)}|{a.serial}"
        if not lacking or ident in seen:
            continue
        seen.add(ident)
        agency = nfc(s.agency if s.type == "person" else s.managing_agency) or "chưa rõ cơ quan"
        serial = f" ({a.serial})" if a.serial else ""
        by_agency.setdefault(agency, []).append(f"{nfc(s.name)}{serial}: {', '.join(lacking)}")
    return [PlanWarning(
        "form_data_missing",
        f"Thiếu thông tin Cục Chứng thực số và Bảo mật thông tin yêu cầu trong biểu mẫu — {agency} "
        f"({len(rows)} thuê bao): {'; '.join(rows)}. Bổ sung trước khi ký.")
        for agency, rows in sorted(by_agency.items())]
