"""One batch's documents: dispatches with their lists, minutes, the org list, the import sheet,
the summary — and the provincial implementing dispatch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import CA_NAME, Settings
from ..models import Action, Plan, RenderedDocument
from ..text import nfc, numbered_stem, slug, unique_name
from . import context as C
from . import sheets
from .desk import desk_documents
from .engine import render_docx, template_path
from .implementing import implementing_dispatches

Numbers = Callable[[str], str] | None

FORM_TEMPLATES = {"04": "cong_van_mau04.docx", "05": "cong_van_mau05.docx",
                  "06": "cong_van_mau06.docx"}
# The subjects as the forms of Nghị định 68/2024 word them (Mẫu 04 is one form for both).
FORM_SUBJECTS = {"04": "đề nghị gia hạn, thay đổi nội dung thông tin chứng thư chữ ký số "
                       "chuyên dùng công vụ",
                 "05": "đề nghị thu hồi chứng thư chữ ký số chuyên dùng công vụ",
                 "06": "đề nghị khôi phục thiết bị lưu khóa bí mật"}
DETAIL_HEADINGS = {"04": "Nội dung đề nghị", "05": "Lý do thu hồi", "06": "Lý do khôi phục"}
REQUEST_ACTIONS = ("change_info", "renew", "revoke", "restore_token")
AT_DESK = "23/BCY-CTSBMTT; 393/BCY-CTSBMTT 2"   # plan/desk.R_DESK: done at the focal point
# What the CA's registration system imports: changes, renewals, restorations (not revocations).
IMPORT_ACTIONS = ("change_info", "renew", "restore_token")
INLINE_ROWS = 30          # more subscribers than this: the dispatch gives counts, the list the rows
LIST_PART_ROWS = 1000     # rows per part of the attached list (see list_parts)


@dataclass
class _Out:
    """Names files uniquely within the batch folder (text.unique_name: a numbered document's
    files are its draft's names behind the number, text.numbered_stem)."""

    outdir: Path
    used: set[str]

    def path(self, stem: str, ext: str) -> Path:
        return self.outdir / unique_name(stem, ext, self.used)


def render_batch(plan: Plan, settings: Settings, outdir: Path, *,
                 numbers: Numbers = None) -> list[RenderedDocument]:
    """Every document of the batch, into `outdir`."""
    return list(iter_batch(plan, settings, outdir, numbers=numbers))


def iter_batch(plan: Plan, settings: Settings, outdir: Path, *,
               numbers: Numbers = None) -> Iterator[RenderedDocument]:
    """`render_batch` one document at a time, in the same order (numbers are taken in that
    order too): each document is complete on disk when it is yielded, so the caller can
    convert it while the next ones are rendered."""
    outdir.mkdir(parents=True, exist_ok=True)
    out = _Out(outdir, set())
    certs = [a for a in plan.actions if a.kind == "certificate"]
    yield from _dispatches(certs, settings, out, numbers)
    yield from _token_minutes([a for a in plan.actions if a.kind == "token"], settings, out,
                              numbers)
    yield from _dossier_minutes([a for a in plan.actions if a.kind == "dossier"], settings, out,
                                numbers)
    letters = [*plan.letters, *(a for a in plan.actions if a.kind in ("agency", "report"))]
    agencies = [a for a in letters if a.kind == "agency" and a.subscriber]
    if agencies:
        yield _org_list(agencies, settings, out, numbers)
    requested = [a for a in certs if a.action in IMPORT_ACTIONS and a.subscriber]
    if requested:
        path = out.path("Template_import_VGCA", ".xlsx")
        sheets.write_import_sheet(path, [C.import_row(a) for a in requested])
        yield RenderedDocument(path=path, type="import_sheet", request="", recipient=CA_NAME,
                               sender=C.own_issuer(settings).name,
                               subject="Danh sách thuê bao nhập Hệ thống đăng ký trực tuyến")
    yield from implementing_dispatches([a for a in plan.actions if a.kind == "dispatch"],
                                       settings, out.path, numbers)
    desk = [a for a in plan.actions if a.kind == "desk"]
    if desk:
        yield from desk_documents(
            desk, settings, out.path,
            lambda name, ctx, path: _render(settings, name, ctx, path), numbers, plan.batch)
    for a in letters:
        if a.kind == "report":
            yield _report(plan, a, settings, out, numbers)


def _render(settings: Settings, name: str, ctx: dict[str, Any], path: Path) -> Path:
    return render_docx(template_path(settings, name), ctx, path)


def _dispatches(certs: list[Action], settings: Settings, out: _Out,
                numbers: Numbers) -> Iterator[RenderedDocument]:
    groups: dict[tuple[str, str, str], list[Action]] = {}
    for a in certs:
        form = C.FORM_OF.get(a.action)
        if form is None:            # keep / issue_new: no request form of 04–06
            continue
        if settings.agency.is_us(a.route_to) and AT_DESK in a.rule:
            continue                # carried out at our desk (rule 18): the import sheet

        route = nfc(a.route_to) or CA_NAME
        groups.setdefault((nfc(a.sender), route, form), []).append(a)
    for (sender, route, form), actions in groups.items():
        managing = next((a.subscriber.managing_agency for a in actions if a.subscriber), "")
        issuer = C.issuer_for(settings, sender, managing)
        persons, orgs = C.split_rows(actions)
        asked = C.request_words(actions)
        subject = FORM_SUBJECTS.get(form, f"đề nghị {asked} chứng thư chữ ký số chuyên dùng "
                                          "công vụ")
        ctx = C.common(settings, issuer, doc_type="dispatch", subject=subject, numbers=numbers,
                       recipient=route)
        request = ("change_info" if any(a.action == "change_info" for a in actions)
                   else actions[0].action)
        ctx.update(persons=persons, organizations=orgs, request_text=asked,
                   request_title=asked if form == "04" else subject.removeprefix("đề nghị "),
                   detail_heading=DETAIL_HEADINGS[form], form=form, part_label="",
                   inline_table=len(persons) + len(orgs) <= INLINE_ROWS,
                   person_count=len(persons), organization_count=len(orgs))
        to = "Cuc-CTSBMTT" if C.is_ca(route) else slug(C.abbreviate(route))
        stem = numbered_stem(f"CV-Mau{form}-{slug(issuer.abbreviation)}-gui-{to}", ctx["number"])
        path = _render(settings, FORM_TEMPLATES[form], ctx, out.path(stem, ".docx"))
        parts = list_parts(persons, orgs)
        list_paths = []
        for n, (p_rows, o_rows) in enumerate(parts, start=1):
            label = f" (phần {n}/{len(parts)})" if len(parts) > 1 else ""
            part_ctx = {**ctx, "persons": p_rows, "organizations": o_rows, "part_label": label}
            suffix = f"-phan-{n}" if len(parts) > 1 else ""
            list_paths.append(_render(settings, "danh_sach_kem_theo.docx", part_ctx,
                                      out.path(f"{stem}-danh-sach{suffix}", ".docx")))
        subtitle = (f"(Kèm theo Công văn số {ctx['number_symbol'].strip()} ngày "
                    f"{ctx['date_short']} của {issuer.name})")
        list_xlsx = sheets.write_list(out.path(f"{stem}-danh-sach", ".xlsx"),
                                      f"DANH SÁCH THUÊ BAO ĐỀ NGHỊ {ctx['request_title'].upper()}",
                                      subtitle, persons, orgs, DETAIL_HEADINGS[form])
        yield RenderedDocument(
            path=path, type="dispatch", request=request, recipient=route, sender=issuer.name,
            subject=f"V/v {subject}", number=ctx["number"],
            attachments=(*list_paths, list_xlsx))
        for list_docx in list_paths:
            yield RenderedDocument(path=list_docx, type="list", request=request,
                                   recipient=route, sender=issuer.name,
                                   subject=f"V/v {subject}", number=ctx["number"])


def list_parts(persons: list[dict], orgs: list[dict], size: int = 0
               ) -> list[tuple[list[dict], list[dict]]]:
    """The attached list cut into printable parts of at most `size` rows (persons first, then
    organisations, numbering kept): one LibreOffice document of thousands of rows outlasts the
    conversion time limit and keeps one worker busy while the other idles."""
    size = size or LIST_PART_ROWS
    rows = [("p", r) for r in persons] + [("o", r) for r in orgs]
    parts = []
    for i in range(0, max(len(rows), 1), size):
        chunk = rows[i:i + size]
        parts.append(([r for k, r in chunk if k == "p"], [r for k, r in chunk if k == "o"]))
    return parts


def _minutes_doc(settings: Settings, numbers: Numbers, doc_type: str, template: str,
                 giver: str, receiver: str, items: list[dict], rule_text: str, out: _Out,
                 subject: str, stem: str = "") -> RenderedDocument:
    # Our register numbers (and our token signs) only minutes we are a party to; a hand-over
    # between two other agencies is a draft they print, number and sign themselves — under the
    # header of the receiving agency, which draws it up and keeps it.
    ours = settings.agency.is_us(giver) or settings.agency.is_us(receiver)
    issuer = C.own_issuer(settings) if ours else C.issuer_for(settings, receiver)
    ctx = C.common(settings, issuer, doc_type=doc_type, subject=subject,
                   numbers=numbers if ours else None, recipient=receiver)
    ctx.update(giver=giver, receiver=receiver, items=items, rule_text=rule_text,
               giver_signer="", receiver_signer="")
    stem = numbered_stem(stem or f"BB-{'thiet-bi' if doc_type == 'handover_tokens' else 'ho-so'}-"
                         f"{slug(giver, limit=30)}", ctx["number"])
    path = _render(settings, template, ctx, out.path(stem, ".docx"))
    return RenderedDocument(path=path, type=doc_type, request="", recipient=receiver,
                            sender=settings.agency.name if ours else giver,
                            subject=f"V/v {subject}", number=ctx["number"])


def _token_minutes(tokens: list[Action], settings: Settings, out: _Out,
                   numbers: Numbers) -> Iterator[RenderedDocument]:
    """Rule 6: officers hand their tokens to the managing agency (one receipt per agency, each
    officer signing their row); rule 5: an agency sends recalled tokens to the focal point (one
    minutes per agency)."""
    received: dict[str, list[Action]] = {}
    groups: dict[tuple[str, str], list[Action]] = {}
    for a in tokens:
        if a.action not in ("recall", "hand_over"):
            continue
        s = a.subscriber
        if a.action == "hand_over" and s is not None:
            received.setdefault(nfc(a.hand_over_to or s.agency or a.sender), []).append(a)
            continue
        giver = a.sender or (s.agency if s else "") or C.own_issuer(settings).name
        receiver = a.hand_over_to or a.route_to
        groups.setdefault((nfc(giver), nfc(receiver)), []).append(a)
    for receiver, actions in received.items():
        items = []
        for n, a in enumerate(actions, start=1):
            row = C.subscriber_row(n, a)
            row["why"] = C.clerk_reason(a)
            items.append(row)
        yield _minutes_doc(settings, numbers, "handover_tokens",
                           "bien_ban_tiep_nhan_thiet_bi.docx", receiver, receiver, items,
                           _rule_text(actions), out, "tiếp nhận thiết bị lưu khóa bí mật",
                           stem=f"BB-tiep-nhan-thiet-bi-{slug(receiver, limit=30)}")
    for (giver, receiver), actions in groups.items():
        items = []
        for n, a in enumerate(actions, start=1):
            row = C.subscriber_row(n, a)
            row["reason"] = C.clerk_reason(a)
            items.append(row)
        yield _minutes_doc(settings, numbers, "handover_tokens",
                           "bien_ban_ban_giao_thiet_bi.docx", giver, receiver, items,
                           _rule_text(actions), out, "bàn giao thiết bị lưu khóa bí mật")


def _rule_text(actions: list[Action]) -> str:
    """'275/BCY-CTSBMTT 2.2' → 'Thực hiện Công văn số 275/BCY-CTSBMTT (mục 2.2) của Ban Cơ yếu
    Chính phủ.' — the clause the plan cites for these actions."""
    parts = []
    for rule in sorted({nfc(a.rule) for a in actions if a.rule}):
        doc, _, clause = rule.partition(" ")
        parts.append(f"Công văn số {doc}" + (f" (mục {clause})" if clause else ""))
    return f"Thực hiện {', '.join(parts)} của Ban Cơ yếu Chính phủ." if parts else ""


def _dossier_minutes(dossiers: list[Action], settings: Settings, out: _Out,
                     numbers: Numbers) -> Iterator[RenderedDocument]:
    """Rule 7: a merged agency hands its request dossiers over to the new agency."""
    groups: dict[tuple[str, str], list[Action]] = {}
    for a in dossiers:
        if a.action == "hand_over":
            groups.setdefault((nfc(a.from_), nfc(a.to)), []).append(a)
    for (giver, receiver), actions in groups.items():
        items = []
        for a in actions:
            rows = [(first, second) for kind, first, second in a.changes if kind == "dossier"]
            if not rows:        # the register knows no dossier of this agency: one row
                s = a.subscriber
                items.append({"stt": str(len(items) + 1), "dossier": "Hồ sơ đề nghị (kiểm đếm "
                              "khi bàn giao)", "name": nfc(s.name) if s else "",
                              "serial": nfc(a.serial), "note": ""})
            for who, what in rows:
                name, _, serial = nfc(who).partition("|")
                kind, number, when = (nfc(what).split("|") + ["", ""])[:3]
                items.append({"stt": str(len(items) + 1), "dossier": kind, "name": name,
                              "serial": serial, "note": " ngày ".join(x for x in (number, when)
                                                                        if x)})
        yield _minutes_doc(settings, numbers, "handover_dossiers",
                           "bien_ban_ban_giao_ho_so.docx", giver, receiver, items,
                           "Thực hiện khoản 3 Công văn số 275/BCY-CTSBMTT ngày 16/5/2025 "
                           "của Ban Cơ yếu Chính phủ.", out,
                           "bàn giao hồ sơ đề nghị chứng thực chữ ký số")


def _org_list(agencies: list[Action], settings: Settings, out: _Out,
              numbers: Numbers) -> RenderedDocument:
    """Rule 8: every agency of the province after the reorganisation (the plan lists them)."""
    rows = [{"stt": str(n), "name": nfc(a.subscriber.name),
             "managing": nfc(a.subscriber.managing_agency),
             "province": nfc(a.subscriber.province), "note": nfc(a.reason)}
            for n, a in enumerate(agencies, start=1) if a.subscriber]
    issuer = C.own_issuer(settings)
    recipient = nfc(agencies[0].route_to) or CA_NAME
    subject = ("cung cấp danh sách cơ quan, tổ chức phục vụ đăng ký, quản lý chữ ký số chuyên "
               "dùng công vụ")
    ctx = C.common(settings, issuer, doc_type="org_list", subject=subject, numbers=numbers,
                   recipient=recipient)
    ctx["organizations"] = rows
    stem = numbered_stem("CV-danh-sach-co-quan", ctx["number"])
    path = _render(settings, "danh_sach_co_quan.docx", ctx, out.path(stem, ".docx"))
    xlsx = sheets.write_org_list(out.path(stem, ".xlsx"), rows, issuer.name)
    return RenderedDocument(path=path, type="org_list", request="", recipient=recipient,
                            sender=issuer.name, subject=f"V/v {subject}", number=ctx["number"],
                            attachments=(xlsx,))


def _report(plan: Plan, action: Action, settings: Settings, out: _Out,
            numbers: Numbers) -> RenderedDocument:
    keys = ["change_info", "renew", "revoke", "restore_token", "recall", "hand_over", "keep"]
    counts: dict[str, dict[str, int]] = {}
    for a in plan.actions:
        # Count under the agency the subscriber belongs to (what the focal point tracks).
        who = nfc((a.subscriber.agency if a.subscriber else "") or a.from_ or a.sender) or "—"
        col = a.action if a.action in keys else "change_info" if a.action == "issue_new" else ""
        if col:
            counts.setdefault(who, dict.fromkeys(keys, 0))[col] += 1
    rows = [{"stt": str(i), "agency": who, **{k: str(v) for k, v in c.items()}}
            for i, (who, c) in enumerate(sorted(counts.items()), start=1)]
    totals = {k: str(sum(c[k] for c in counts.values())) for k in keys}
    issuer = C.own_issuer(settings)
    recipient = nfc(action.route_to or action.to)
    subject = "tổng hợp đề nghị về chứng thư chữ ký số chuyên dùng công vụ"
    ctx = C.common(settings, issuer, doc_type="report", subject=subject, numbers=numbers,
                   recipient=recipient)
    ctx.update(rows=rows, totals=totals, batch=plan.batch,
               warnings=[nfc(w.message) for w in plan.warnings])
    path = _render(settings, "bao_cao_tong_hop.docx", ctx,
                   out.path(numbered_stem("BC-tong-hop", ctx["number"]), ".docx"))
    return RenderedDocument(path=path, type="report", request="", recipient=recipient,
                            sender=issuer.name, subject=f"V/v {subject}", number=ctx["number"])
