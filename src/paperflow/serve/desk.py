"""What the clerk's desk page shows, gathered from the workspace (no HTML here).

The status grid is the register's report (the same one `paperflow status` prints); warnings and
actions come from each batch's plan.json; rejected files from inbox/rejected/*.error.txt; the
next steps from all of these together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings, unfilled

ACTION_VI = {"change_info": "Thay đổi thông tin", "revoke": "Thu hồi", "keep": "Giữ nguyên",
             "renew": "Gia hạn", "restore_token": "Khôi phục thiết bị", "issue_new": "Cấp mới",
             "recall": "Thu hồi thiết bị", "hand_over": "Bàn giao"}
KIND_VI = {"certificate": "Chứng thư số", "token": "Thiết bị lưu khóa", "dossier": "Hồ sơ"}
REVIEW_SHEET = "XEM-XET"


@dataclass(frozen=True)
class Rejected:
    name: str
    reason: str             # the Vietnamese paragraph of NAME.error.txt
    reason_en: str
    when: str


@dataclass(frozen=True)
class Step:
    vi: str
    en: str
    command: str = ""


@dataclass(frozen=True)
class BatchPlan:
    name: str
    actions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    review_sheet: str = ""          # XEM-XET.pdf/.xlsx when the batch has one
    signed: bool = False
    approved: bool = False          # the clerk approved its plan (`paperflow approve`)


def rejected_files(settings: Settings) -> list[Rejected]:
    out = []
    folder = settings.rejected
    if not folder.is_dir():
        return out
    for note in sorted(folder.glob("*.error.txt")):
        vi, en, when = _read_error(note)
        out.append(Rejected(note.name[: -len(".error.txt")], vi, en, when))
    return out


def _read_error(note: Path) -> tuple[str, str, str]:
    """NAME.error.txt: a header ('Thời điểm / Time: …'), the Vietnamese reason, the English."""
    try:
        text = note.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "(không đọc được tệp lý do)", "(the reason file cannot be read)", ""
    when = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                 if line.startswith("Thời điểm")), "")
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    vi = next((_strip_heading(b) for b in blocks if b.startswith("LÝ DO")), "")
    en = next((_strip_heading(b) for b in blocks if b.startswith("WHY IT WAS")), "")
    if not vi:                      # another layout: show the whole note rather than nothing
        vi = text.strip()
    return vi, en, when


def _strip_heading(block: str) -> str:
    return block.split("\n", 1)[1].strip() if "\n" in block else block


def batch_plan(folder: Path, *, approved: bool = False) -> BatchPlan:
    try:
        data = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    sheet = next((f"{REVIEW_SHEET}{s}" for s in (".pdf", ".xlsx") if (folder / f"{REVIEW_SHEET}{s}")
                  .is_file()), "")
    signed = any(folder.rglob("*.signed.pdf"))
    actions = [a for a in data.get("actions", []) if isinstance(a, dict)]
    warnings = [w for w in data.get("warnings", []) if isinstance(w, dict)]
    return BatchPlan(folder.name, actions, warnings, sheet, signed, approved)


def inbox_waiting(settings: Settings) -> int:
    inbox = settings.inbox
    if not inbox.is_dir():
        return 0
    return sum(1 for p in inbox.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))
               and settings.rejected not in p.parents)


def next_steps(settings: Settings, plans: list[BatchPlan], mail_counts: dict[str, int],
               rejected: list[Rejected]) -> list[Step]:
    steps: list[Step] = []
    keys = unfilled(settings)
    if keys:
        steps.append(Step(f"Điền thông tin cơ quan trong config.toml ({', '.join(keys)}).",
                          "Fill in the agency's details in config.toml."))
    waiting = inbox_waiting(settings)
    if waiting:
        steps.append(Step(f"{waiting} tệp đang chờ trong inbox/: chạy lệnh xử lý.",
                          f"{waiting} files wait in inbox/: process them.", "paperflow run"))
    if rejected:
        steps.append(Step(f"{len(rejected)} tệp bị từ chối: đọc lý do bên dưới, sửa rồi thả lại "
                          "vào inbox/.", f"{len(rejected)} files were rejected: read why below, "
                          "fix them and drop them into inbox/ again."))
    for plan in plans:
        if plan.review_sheet and not plan.approved and not plan.signed:
            steps.append(Step(f"Lô {plan.name}: rà soát bảng {plan.review_sheet} rồi duyệt.",
                              f"Batch {plan.name}: review {plan.review_sheet}, then approve.",
                              f"paperflow approve {plan.name}"))
        elif plan.actions and not plan.signed:
            steps.append(Step(f"Lô {plan.name}: rà soát văn bản rồi ký số.",
                              f"Batch {plan.name}: review the documents, then sign.",
                              f"paperflow sign {plan.name}"))
    if mail_counts.get("pending"):
        steps.append(Step(f"{mail_counts['pending']} thư điện tử chờ gửi.",
                          f"{mail_counts['pending']} e-mails wait to be sent.", "paperflow send"))
    if mail_counts.get("failed"):
        steps.append(Step(f"{mail_counts['failed']} thư gửi lỗi: xem lý do, gửi lại.",
                          f"{mail_counts['failed']} e-mails failed: see why, send again.",
                          "paperflow send --retry-failed"))
    if not steps:
        steps.append(Step("Không có việc gì đang chờ. Thả tệp mới vào inbox/ khi có.",
                          "Nothing waits. Drop new files into inbox/ when they come."))
    return steps


def changes_text(changes: Any) -> str:
    if not isinstance(changes, dict):
        return ""
    parts = []
    for key, pair in changes.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            parts.append(f"{key}: {pair[0]} → {pair[1]}")
        else:
            parts.append(f"{key}: {pair}")
    return "; ".join(parts)


def subject_of(action: dict[str, Any]) -> str:
    sub = action.get("subscriber")
    if isinstance(sub, dict):
        return str(sub.get("name", ""))
    for key in ("holder", "from", "hand_over_to"):
        if action.get(key):
            return str(action[key])
    return ""
