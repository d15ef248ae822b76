"""HTML of the local web page (Vietnamese; every value escaped)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote

STYLE = """
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:0;color:#1d2733;background:#f4f6f9}
header{background:#8a1c1c;color:#fff;padding:14px 28px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.9}
main{padding:18px 28px;max-width:1200px}
section{background:#fff;border:1px solid #d8dee6;border-radius:6px;padding:12px 18px;margin:0 0 16px}
h2{font-size:17px;margin:4px 0 10px;color:#8a1c1c}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{border-bottom:1px solid #e3e7ec;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
.st{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;white-space:nowrap}
.sent{background:#dff3e4}.pending{background:#fff4cc}.failed{background:#fbdcdc}
.held{background:#e6e9ef}.sending{background:#dce9fb}
a{color:#0b4f9c} .muted{color:#6b7785} nav a{margin-right:14px}
"""

STATE_VI = {"pending": "chờ gửi", "held": "chưa gửi", "sending": "đang gửi", "sent": "đã gửi",
            "failed": "gửi lỗi"}
TYPE_VI = {"dispatch": "Công văn", "list": "Danh sách", "handover_tokens": "Bàn giao thiết bị",
           "handover_dossiers": "Bàn giao hồ sơ", "org_list": "Danh sách cơ quan",
           "report": "Tóm tắt / báo cáo", "mail": "Thư điện tử (.eml)",
           "import_sheet": "Bảng nhập liệu", "other": "Khác"}


# Keys of the register's status report, as a clerk reads them (unknown keys shown as they are).
LABELS = {"effective_date": "Ngày hiệu lực sắp xếp", "today": "Hôm nay",
          "by_agency": "Theo cơ quan", "by_focal_point": "Theo đầu mối", "batches": "Các lô",
          "agency": "Cơ quan", "focal_point": "Đầu mối", "planned": "Đã lập kế hoạch",
          "waiting_signature": "Chờ ký", "signed": "Đã ký", "sent": "Đã gửi",
          "overdue": "Quá hạn", "pending": "Chờ gửi", "failed": "Gửi lỗi", "total": "Tổng"}


def e(value: object) -> str:
    return escape(str(value), quote=True)


def page(title: str, body: str, agency: str) -> bytes:
    html = (
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>paperflow — {e(title)}</h1><p>{e(agency)}</p></header>"
        "<main><nav><a href=\"/\">Tình trạng</a><a href=\"/#lo\">Các lô văn bản</a>"
        "<a href=\"/api/status\">JSON</a></nav>"
        f"{body}</main></body></html>"
    )
    return html.encode("utf-8")


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = False) -> str:
    """A table; cells are escaped unless `raw` (then the caller escaped them)."""
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{c if raw else e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def state_badge(state: str) -> str:
    return f"<span class=\"st {e(state)}\">{e(STATE_VI.get(state, state))}</span>"


def generic(value: Any, depth: int = 0) -> str:
    """Any JSON-like status report as nested tables (the register's report format may grow)."""
    if isinstance(value, Mapping):
        rows = [(e(LABELS.get(k, k)), generic(v, depth + 1)) for k, v in value.items()]
        return table(["Mục", "Giá trị"], rows, raw=True) if rows else "<span class=muted>—</span>"
    if isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            keys = list(dict.fromkeys(k for v in value for k in v))
            rows = [[generic(v.get(k, ""), depth + 1) for k in keys] for v in value]
            return table([LABELS.get(k, k) for k in keys], rows, raw=True)
        return "<br>".join(generic(v, depth + 1) for v in value) or "—"
    return e(value)


def link_file(batch: str, path: str, label: str, *, download: bool = False) -> str:
    href = f"/tep/{quote(batch)}/{quote(path)}" + ("?tai=1" if download else "")
    return f"<a href=\"{e(href)}\">{e(label)}</a>"


def batch_rows(batches: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[f"<a href=\"/lo/{e(quote(b['name']))}/\">{e(b['name'])}</a>", e(b["files"]),
             e(b["mails"]), e(b["signed"]), e(b["modified"])] for b in batches]


def index_body(mail_counts: Mapping[str, int], mail_rows: Sequence[Mapping[str, Any]],
               report: Any, report_note: str, batches: Sequence[Mapping[str, Any]]) -> str:
    counts = " ".join(f"{state_badge(s)} <b>{e(n)}</b>&nbsp;&nbsp;" for s, n in
                      mail_counts.items()) or "<span class=muted>Chưa có thư nào.</span>"
    mails = table(
        ["Lô", "Số văn bản", "Nơi nhận", "Địa chỉ", "Trạng thái", "Trả lời của máy chủ / ghi chú"],
        ([e(m["batch"]), e(m["number"] or "—"), e(m["recipient_name"]),
          e(m["recipient"] or "(chưa có)"), state_badge(m["state"]), e(m["answer"])]
         for m in mail_rows), raw=True)
    return (
        f"<section><h2>Thư điện tử gửi đi</h2><p>{counts}</p>{mails}</section>"
        f"<section><h2>Tình trạng hồ sơ</h2><p class=muted>{e(report_note)}</p>"
        f"{generic(report)}</section>"
        "<section id=\"lo\"><h2>Các lô văn bản</h2>"
        + table(["Lô", "Số tệp", "Thư", "Đã ký số", "Cập nhật"], batch_rows(batches), raw=True)
        + "</section>"
    )


def batch_body(batch: str, entries: Sequence[Mapping[str, Any]], has_summary: str) -> str:
    rows = []
    for x in entries:
        path = str(x["path"])
        view = link_file(batch, path, "Xem") if path.lower().endswith(".pdf") else ""
        rows.append([e(TYPE_VI.get(str(x.get("type", "")), x.get("type", ""))),
                     e(path), e(x.get("recipient", "")),
                     "có" if x.get("signed") else "không",
                     f"{view} {link_file(batch, path, 'Tải về', download=True)}"])
    summary = (f"<p>Bản tóm tắt để in: {link_file(batch, has_summary, has_summary)}</p>"
               if has_summary else "")
    return (f"<section><h2>Lô {e(batch)}</h2>{summary}"
            + table(["Loại", "Tệp", "Nơi nhận", "Ký số", ""], rows, raw=True) + "</section>")
