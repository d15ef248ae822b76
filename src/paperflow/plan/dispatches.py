"""Central dispatches → the province's implementing dispatch (seeds 001, 002 pass 275 and 393
on to the province's agencies). Pure: the register decides what was passed on already (an
action recorded in an earlier batch is never planned again, register/batches.action_key)."""

from __future__ import annotations

from ..models import Action, CentralDispatch, PlanWarning
from ..text import nfc
from .common import Context

R_IMPLEMENT = "NĐ 30/2020"
DEFAULT_RECIPIENTS = ("Văn phòng UBND tỉnh", "Các sở, ban, ngành tỉnh", "UBND các xã, phường")


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
    to = "; ".join(recipients(ctx))
    sender = nfc(ctx.settings.agency.name)
    for c in centrals:
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
                f"Văn bản {c.number} đọc từ bản quét (OCR): kiểm tra lại chính tả các nội dung "
                "trong công văn triển khai trước khi ký."))
    return actions, warnings


def _top(c: CentralDispatch) -> list[str]:
    return [label for label, _t in c.points if label.count(".") == 1] or [
        label for label, _t in c.points]

