"""The province's implementing dispatch passing a central one on (seeds 001 Hưng Yên, 002 Đồng
Nai): adapted, not copied — the central dispatch's points restated, routed through the focal
point (Sở KHCN) with its contact, the province's effective date, the Tỉnh ủy office among the
recipients; drafted for the Ủy ban nhân dân tỉnh to sign (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH)
or issued by the agency itself, as the plan says (the action's sender). A copy read from a scan
(OCR) becomes a draft for review: never numbered or signed here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import TemplateError
from ..models import Action, RenderedDocument
from ..text import draft_stem, nfc, numbered_stem, slug, unique_name
from . import context as C
from .engine import render_docx, template_path

Numbers = Callable[[str], str] | None
REVIEW = "bản nháp từ bản quét (OCR), cần rà soát"


def restated_points(points: tuple[tuple[str, str], ...]) -> list[str]:
    """The central dispatch's points as the template numbers them (one item per top-level
    point): sub-points ("1.1. …") and list lines ("- …") follow as paragraphs of their item
    ("\a" is docxtpl's paragraph break)."""
    items: list[str] = []
    for label, text in points:
        lines = [nfc(x).strip() for x in text.split("\n") if x.strip()]
        if label.count(".") == 1 or not items:
            items.append("\a".join(lines))
        else:
            items[-1] += "\a" + "\a".join([f"{label} {lines[0] if lines else ''}", *lines[1:]])
    return [i for i in items if i]


def implementing_dispatches(actions: list[Action], settings: Settings,
                            path_for: Callable[[str, str], Path],
                            numbers: Numbers) -> Iterator[RenderedDocument]:
    for a in actions:
        c = a.central
        if a.action != "implement" or c is None:
            continue
        recipients = [r.strip() for r in nfc(a.to).split(";") if r.strip()]
        central = {"number": c.number, "date": c.date_short, "issuer": c.issuer,
                   "subject": c.subject, "points": restated_points(c.points),
                   "recipients": recipients or None, "ocr": c.ocr}
        doc = _render(settings, central, path_for, numbers=numbers, sender=a.sender)
        yield replace(doc, request="implement", recipient=nfc(a.to) or doc.recipient)


def render_implementing_dispatch(settings: Settings, central: dict[str, Any], outdir: Path, *,
                                 numbers: Numbers = None, sender: str = "") -> RenderedDocument:
    """`central` holds number, date, issuer, subject, points (list of str); optional
    recipients, intro, closing, cc, ocr."""
    used = {draft_stem(p.name).lower() for p in outdir.glob("*")} if outdir.exists() else set()

    def path_for(stem: str, ext: str) -> Path:
        outdir.mkdir(parents=True, exist_ok=True)
        return outdir / unique_name(stem, ext, used)

    return _render(settings, central, path_for, numbers=numbers, sender=sender)


def _issuer(settings: Settings, sender: str) -> C.Issuer:
    if not sender or settings.agency.is_us(sender):
        return C.own_issuer(settings)
    issuer = C.issuer_for(settings, sender)
    if issuer.signer_authority.startswith("TM. ỦY BAN"):
        # a provincial committee's dispatch is signed by a vice-chairman for the chairman
        issuer = replace(issuer, signer_authority=f"{issuer.signer_authority}\nKT. CHỦ TỊCH",
                         signer_title="PHÓ CHỦ TỊCH")
    return issuer


def _render(settings: Settings, central: dict[str, Any],
            path_for: Callable[[str, str], Path], *, numbers: Numbers,
            sender: str) -> RenderedDocument:
    missing = [k for k in ("number", "date", "issuer", "subject", "points") if not central.get(k)]
    if missing:
        raise TemplateError("central_dispatch_incomplete", missing=', '.join(missing))
    ocr = bool(central.get("ocr"))
    issuer = _issuer(settings, sender)
    focal = C.own_issuer(settings)             # the focal point that drafts it
    drafted_for_other = not issuer.own
    subject = nfc(central.get("our_subject") or central["subject"])
    recipients = [nfc(r) for r in central.get("recipients") or
                  ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các xã, phường"]]
    cc = list(central.get("cc") or ())
    if drafted_for_other:
        cc += [f"{focal.name} (đầu mối)", "Chủ tịch, các Phó Chủ tịch UBND tỉnh"]
    ctx = C.common(settings, issuer, doc_type="dispatch", subject=subject,
                   numbers=None if ocr else numbers, recipient=recipients[0], cc=cc)
    effective = C.fmt_date(settings.plan.effective_date)
    via = "" if not drafted_for_other else (
        f"; giao {focal.name} là đầu mối tiếp nhận, tổng hợp, hướng dẫn thực hiện")
    contact = (f"{focal.name} (đầu mối: {focal.contact_name}, điện thoại {focal.contact_phone}, "
               f"thư điện tử {focal.contact_email})")
    ctx.update(
        recipients=recipients,
        central={k: nfc(central[k]) for k in ("number", "date", "issuer", "subject")},
        points=[nfc(p) for p in central["points"]],
        intro=nfc(central.get("intro") or (
            f"để bảo đảm chữ ký số chuyên dùng công vụ phục vụ bộ máy mới hoạt động từ ngày "
            f"{effective}, {issuer.name} yêu cầu các cơ quan, đơn vị thực hiện một số nội dung "
            f"sau{via}:")),
        closing=nfc(central.get("closing") or (
            "Quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị liên hệ "
            f"{contact} để được hướng dẫn./.")),
        review_note=(f"BẢN NHÁP TỪ BẢN QUÉT (OCR) — rà soát chính tả các nội dung trích từ Văn "
                     f"bản số {nfc(central['number'])} trước khi trình ký, cấp số." if ocr else ""),
    )
    stem = numbered_stem(f"CV-trien-khai-{slug(central['number'], limit=30)}", ctx["number"])
    path = render_docx(template_path(settings, "cong_van_trien_khai.docx"), ctx,
                       path_for(stem, ".docx"))
    # An OCR copy is nobody's to sign yet: the sender says so, and nothing numbers or signs it
    who = f"{issuer.name} ({REVIEW})" if ocr else issuer.name
    return RenderedDocument(path=path, type="dispatch", request="", recipient=", ".join(recipients),
                            sender=who, subject=f"V/v {subject}", number=ctx["number"])
