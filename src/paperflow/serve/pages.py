"""HTML of the clerk's desk page, from the Jinja2 templates in serve/templates/ (package data).

Autoescaping is on for every template: names, reasons and server answers come from outside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote

import jinja2

from ..register.status import COLUMNS, HEADINGS
from .desk import ACTION_VI, KIND_VI, BatchPlan, Rejected, Step, changes_text, subject_of

STATE_VI = {"pending": "chờ gửi", "held": "chưa gửi", "sending": "đang gửi", "sent": "đã gửi",
            "failed": "gửi lỗi", "uncertain": "chưa rõ đã gửi", "superseded": "đã thay thế"}
TYPE_VI = {"dispatch": "Công văn", "list": "Danh sách", "handover_tokens": "Bàn giao thiết bị",
           "handover_dossiers": "Bàn giao hồ sơ", "org_list": "Danh sách cơ quan",
           "report": "Tóm tắt / báo cáo", "mail": "Thư điện tử (.eml)",
           "import_sheet": "Bảng nhập liệu", "review": "Bảng rà soát", "other": "Khác"}


def _vndate(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("paperflow.serve", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["urlquote"] = lambda v: quote(str(v), safe="/")
    env.filters["vndate"] = _vndate
    env.globals.update(state_vi=STATE_VI, type_vi=TYPE_VI, action_vi=ACTION_VI, kind_vi=KIND_VI,
                       columns=COLUMNS, headings=HEADINGS, changes_text=changes_text,
                       subject_of=subject_of)
    return env


def _render(name: str, **ctx: Any) -> bytes:
    return _env().get_template(name).render(**ctx).encode("utf-8")


def index(*, agency: str, steps: Sequence[Step], report: Mapping[str, Any] | None,
          report_note: str, plans: Sequence[BatchPlan], rejected: Sequence[Rejected],
          mail_counts: Mapping[str, int], mails: Sequence[Mapping[str, Any]],
          batches: Sequence[Mapping[str, Any]]) -> bytes:
    return _render("index.html", title="Bàn làm việc", agency=agency, steps=steps, report=report,
                   report_note=report_note, plans=plans, rejected=rejected,
                   mail_counts=mail_counts, mails=mails, batches=batches)


def batch(*, agency: str, plan: BatchPlan, entries: Sequence[Mapping[str, Any]],
          summary: str) -> bytes:
    return _render("batch.html", title=f"Lô {plan.name}", agency=agency, plan=plan,
                   entries=[{"type": "", "recipient": "", "signed": False, **x} for x in entries],
                   summary=summary)


def not_found(agency: str) -> bytes:
    return _render("notfound.html", title="Không tìm thấy", agency=agency)
