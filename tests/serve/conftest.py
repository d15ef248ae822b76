from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "deliver"))
sys.path.insert(0, str(Path(__file__).parent))

from deliver_factory import make_batch, make_pdfs, make_register, settings_for  # noqa: E402
from serve_case import BATCH, PLAN_ACTION, WARNING  # noqa: E402
from smtp_servers import free_port  # noqa: E402

from paperflow.errors import InputRejected  # noqa: E402
from paperflow.intake import error_note  # noqa: E402
from paperflow.serve import make_server  # noqa: E402


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A workspace with one real batch (PDFs by LibreOffice, summary PDF included)."""
    tmp = tmp_path_factory.mktemp("serve")
    settings = settings_for(tmp / "ws")
    (tmp / "ws").mkdir()
    reg = make_register(tmp / "ws" / "paperflow.db")
    make_batch(settings, reg, make_pdfs(tmp / "pdfs"), BATCH, convert=True)
    reg.engine.dispose()
    # what the desk page reads besides the register: the plan, a warning, a rejected file
    plan = {"batch": BATCH, "actions": [PLAN_ACTION],
            "warnings": [{"code": "leader_lag", "message": WARNING}]}
    (settings.outbox / BATCH / "plan.json").write_text(json.dumps(plan, ensure_ascii=False),
                                                      encoding="utf-8")
    settings.rejected.mkdir(parents=True, exist_ok=True)
    (settings.rejected / "bang-tinh-hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    err = InputRejected("bad_xlsx", error_type="<b>x</b>")
    (settings.rejected / "bang-tinh-hong.xlsx.error.txt").write_text(
        error_note("bang-tinh-hong.xlsx", err), encoding="utf-8")
    # something secret next to the outbox that must never be served
    (tmp / "ws" / "config.toml").write_text("[mail]\nca = \"ca@bcy.gov.vn\"\n", encoding="utf-8")
    return settings


@pytest.fixture(scope="module")
def server(workspace) -> Iterator[str]:  # type: ignore[no-untyped-def]
    port = free_port()
    srv = make_server(workspace, host="127.0.0.1", port=port)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.shutdown()
        srv.server_close()
