"""The focal point's desk documents (rule 18): a reply to each requesting agency (thông báo
kết quả, numbered and signed as a công văn) and the processing register (sổ theo dõi) of the
batch, as .docx (printed, kept) and .xlsx. What to answer and to whom comes from the plan's
"desk" actions (plan/desk.py describes their fields)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..models import Action, RenderedDocument
from ..text import nfc, numbered_stem, slug
from . import context as C
from . import sheets

FORM_WORDS = {"04": "gia hạn, thay đổi nội dung thông tin chứng thư chữ ký số",
              "05": "thu hồi chứng thư chữ ký số",
              "06": "khôi phục thiết bị lưu khóa bí mật"}
CHECK_WORDS = {"valid": "Hợp lệ (thủ trưởng và cơ quan ký số)",
               "unsigned": "Chưa ký số", "invalid": "Chữ ký không hợp lệ",
               "untrusted": "Chứng thư ký không tin cậy", "not_head": "Người ký không đúng thẩm quyền",
               "no_seal": "Thiếu chữ ký số của cơ quan", "scan": "Bản quét, chờ đối chiếu",
               "no_rows": "Không đọc được danh sách",
               "accepted": "Bản quét, văn thư đã đối chiếu bản giấy"}
REGISTER_COLUMNS = [("STT", 6), ("Cơ quan đề nghị", 30), ("Số văn bản", 14), ("Ngày văn bản", 12),
                    ("Nội dung đề nghị", 28), ("Thuê bao", 24), ("Số hiệu chứng thư", 30),
                    ("Kết quả xử lý", 36), ("Ngày xử lý", 12), ("Người xử lý", 20),
                    ("Văn bản trả lời", 16)]


def parts(a: Action) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """(the request: number, date, form, subject; [(name, serial, result) …]) of a desk action."""
    req: dict[str, str] = {"number": "", "date": "", "form": "", "subject": "", "check": ""}
    rows: list[tuple[str, str, str]] = []
    for kind, first, second in a.changes:
        if kind == "request":
            req.update(number=nfc(first), date=nfc(second))
        elif kind == "check" and first == "accepted":      # who checked the scan, when
            who, _, when = nfc(second).partition("|")
            req.update(check=f"{CHECK_WORDS['accepted']} ({who}, {when})")
        elif kind == "subject":
            req.update(form=nfc(first), subject=nfc(second))
        elif kind == "row":
            name, _, serial = nfc(first).partition("|")
            rows.append((name, serial, nfc(second)))
    return req, rows


def desk_documents(desk: list[Action], settings: Settings, path_for: Callable[[str, str], Path],
                   render: Callable[[str, dict[str, Any], Path], Path],
                   numbers: Callable[[str], str] | None, batch: str
                   ) -> Iterator[RenderedDocument]:
    """One reply per received request, then the batch's processing register."""
    issuer = C.own_issuer(settings)
    done_at = C.fmt_date(C.today(settings))
    register: list[dict[str, str]] = []
    for a in desk:
        req, rows = parts(a)
        asked = FORM_WORDS.get(req["form"], "chứng thư chữ ký số")
        subject = f"thông báo kết quả thực hiện đề nghị {asked}"
        ctx = C.common(settings, issuer, doc_type="reply", subject=subject, numbers=numbers,
                       recipient=nfc(a.to))
        done = a.action == "carried_out"
        ctx.update(
            request={"number": req["number"] or "(chưa số)", "date": req["date"] or "(chưa rõ)",
                     "subject": req["subject"] or f"đề nghị {asked}"},
            rows=[{"stt": str(n), "name": name, "serial": serial, "result": result}
                  for n, (name, serial, result) in enumerate(rows, start=1)],
            intro=(f"{issuer.name} đã xử lý đề nghị, kết quả như sau:" if done else
                   f"{issuer.name} chưa thực hiện đề nghị, lý do: "
                   f"{nfc(a.reason).removeprefix('Chưa thực hiện: ').rstrip('.')}."),
            closing=("Các thuê bao tiếp tục sử dụng thiết bị lưu khóa bí mật đã cấp; chứng thư "
                     "chữ ký số sau thay đổi, gia hạn có hiệu lực khi Cục Chứng thực số và Bảo mật "
                     "thông tin cập nhật trên Hệ thống. Đề nghị thu hồi (nếu có) đã được tổng hợp "
                     "gửi Cục Chứng thực số và Bảo mật thông tin." if done else
                     "Đề nghị cơ quan gửi lại văn bản đề nghị (bản PDF) có chữ ký số của thủ "
                     "trưởng cơ quan và chữ ký số của cơ quan để được thực hiện."))
        stem = numbered_stem(f"CV-tra-loi-{slug(C.abbreviate(a.to), limit=20)}-"
                             f"{slug(req['number'], limit=20)}", ctx["number"])
        path = render("thong_bao_ket_qua.docx", ctx, path_for(stem, ".docx"))
        yield RenderedDocument(path=path, type="dispatch", request="reply", recipient=nfc(a.to),
                               sender=issuer.name, subject=f"V/v {subject}",
                               number=ctx["number"])
        reply = ctx["number"] or ctx["number_symbol"].strip()
        for name, serial, result in rows or [("", "", nfc(a.reason))]:
            register.append({
                "request": a.from_, "sender": nfc(a.to), "number": req["number"], "date": req["date"],
                "asked": asked, "name": name, "serial": serial, "result": result,
                "done_at": done_at, "done_by": issuer.contact_name, "reply": reply,
                "check": (req["check"] or CHECK_WORDS["valid"]) if done else nfc(a.reason)})
    if not register:
        return
    yield _register_document(register, settings, path_for, render, batch)


def _register_document(rows: list[dict[str, str]], settings: Settings,
                       path_for: Callable[[str, str], Path],
                       render: Callable[[str, dict[str, Any], Path], Path],
                       batch: str) -> RenderedDocument:
    issuer = C.own_issuer(settings)
    ctx = C.common(settings, issuer, doc_type="register", subject="sổ theo dõi", numbers=None,
                   recipient=issuer.name)
    # one row per request in the printed book; the sheet keeps one per subscriber
    by_request: dict[str, dict[str, str]] = {}
    for r in rows:
        k = r["request"]
        if k not in by_request:
            by_request[k] = {**r, "result": r["result"]}
            continue
        if r["result"] not in by_request[k]["result"]:
            by_request[k]["result"] += f"; {r['result']}"
    ctx.update(batch=batch, rows=[
        {"stt": str(n), "sender": r["sender"], "number_date": f"{r['number']} ngày {r['date']}",
         "asked": r["asked"], "check": r["check"],
         "result": f"{r['result']} ({sum(1 for x in rows if x['request'] == k)} "
                   "thuê bao)",
         "done_at": r["done_at"], "done_by": r["done_by"], "reply": r["reply"]}
        for n, (k, r) in enumerate(by_request.items(), start=1)])
    path = render("so_theo_doi.docx", ctx, path_for("So-theo-doi-xu-ly", ".docx"))
    xlsx = sheets.write_register(path_for("So-theo-doi-xu-ly", ".xlsx"), REGISTER_COLUMNS, [
        [str(n), r["sender"], r["number"], r["date"], r["asked"], r["name"], r["serial"],
         r["result"], r["done_at"], r["done_by"], r["reply"]]
        for n, r in enumerate(rows, start=1)], f"Đợt {batch} — {issuer.name}")
    return RenderedDocument(path=path, type="register", request="", recipient=issuer.name,
                            sender=issuer.name, subject="Sổ theo dõi xử lý đề nghị",
                            attachments=(xlsx,))
