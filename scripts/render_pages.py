"""Render every document type of a realistic batch and save its pages as PNG in docs/pages/.

    PYTHONPATH=src python scripts/render_pages.py [docs/pages]

The batch is tests/render/render_plan.realistic_plan() (Hưng Yên, 2025) plus the focal point's
desk documents (tests/desk/desk_sample.py when present); LibreOffice converts, pdftoppm draws
each page at 60 dpi. Look at the pictures after a template change: they are what a clerk prints.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "render"))
sys.path.insert(0, str(ROOT / "tests" / "desk"))

from render_plan import HY, SYT_TB, realistic_plan  # noqa: E402

from paperflow.config import PlanSettings, Settings  # noqa: E402
from paperflow.convert import Converter  # noqa: E402
from paperflow.render import render_batch, render_implementing_dispatch  # noqa: E402

CENTRAL = {"number": "393/BCY-CTSBMTT", "date": "27/6/2025", "issuer": "Ban Cơ yếu Chính phủ",
           "subject": "bảo đảm chứng thư chữ ký số chuyên dùng công vụ phục vụ chính quyền địa "
                      "phương 02 cấp",
           "points": ["Không cấp mới chứng thư chữ ký số cho bộ máy mới; thay đổi nội dung "
                      "thông tin chứng thư đã cấp.",
                      "Gia hạn, thay đổi nội dung thông tin, khôi phục thiết bị lưu khóa bí mật "
                      "thực hiện tại Sở Khoa học và Công nghệ (đầu mối được ủy quyền)."]}


def _name(d) -> str:
    """A stable picture name per document type."""
    stem = d.path.stem
    if d.type == "dispatch":
        if stem.startswith("CV-trien-khai"):
            base = "implementing-dispatch" + ("" if d.sender == HY else "-ubnd")
        elif d.sender == SYT_TB:
            base = "dispatch-draft-other-agency"
        elif d.sender != HY:
            base = "dispatch-draft-" + d.request
        else:
            base = {"change_info": "dispatch-mau04", "renew": "dispatch-mau04",
                    "revoke": "dispatch-mau05", "restore_token": "dispatch-mau06",
                    "reply": "reply"}.get(d.request, "dispatch-" + d.request)
    elif d.type == "handover_tokens":
        base = "receipt-tokens" if stem.startswith("BB-tiep-nhan") else "handover-tokens"
    else:
        base = {"list": "list", "handover_dossiers": "handover-dossiers", "org_list": "org-list",
                "report": "report", "register": "processing-register"}.get(d.type, d.type)
    return base


def main(argv: list[str]) -> int:
    dest = Path(argv[0]) if argv else ROOT / "docs" / "pages"
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        settings = Settings(workspace=ws, plan=PlanSettings(today=date(2025, 7, 3)))
        docs = render_batch(realistic_plan(), settings, ws / "batch")
        docs.append(render_implementing_dispatch(settings, CENTRAL, ws / "batch"))
        docs.append(render_implementing_dispatch(settings, CENTRAL, ws / "batch",
                                                 sender="Ủy ban nhân dân tỉnh Hưng Yên"))
        try:
            from desk_sample import desk_documents  # the focal point's desk, when built
            docs += desk_documents(settings, ws / "desk")
        except ImportError:
            pass
        with Converter(settings) as conv:
            done = conv.convert_documents([d for d in docs if d.path.suffix == ".docx"])
        produced: set[str] = set()
        for d in done:
            name = _name(d)
            if d.pdf is None or name in produced:
                continue                      # one picture per type is enough
            produced.add(name)
            out = ws / "png" / name
            out.parent.mkdir(exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "3", str(d.pdf), str(out)],
                           check=True)
            pages = sorted(out.parent.glob(f"{name}-*.png"))
            for i, page in enumerate(pages, start=1):
                target = dest / (f"{name}.png" if len(pages) == 1 else f"{name}-p{i}.png")
                shutil.copy(page, target)
                print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
