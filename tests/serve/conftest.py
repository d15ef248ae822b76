from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "deliver"))
sys.path.insert(0, str(Path(__file__).parent))

from deliver_factory import make_batch, make_blank_pdfs, make_pdfs, make_register, settings_for  # noqa: E402
from serve_case import BATCH, PLAN_ACTION, WARNING  # noqa: E402
from smtp_servers import free_port  # noqa: E402

from paperflow.config import Settings  # noqa: E402
from paperflow.errors import InputRejected  # noqa: E402
from paperflow.intake import error_note  # noqa: E402
from paperflow.serve import make_server  # noqa: E402


def _seeded_workspace(tmp: Path, pdfs: dict[str, Path], *, convert: bool, error_type: str) -> Settings:
    """A workspace in `tmp` with one batch made of `pdfs`, and what the desk page reads besides the
    register: the plan, a warning, a rejected file (its note naming `error_type`)."""
    settings = settings_for(tmp / "ws")
    (tmp / "ws").mkdir()
    reg = make_register(tmp / "ws" / "paperflow.db")
    make_batch(settings, reg, pdfs, BATCH, convert=convert)
    reg.engine.dispose()
    plan = {"batch": BATCH, "actions": [PLAN_ACTION],
            "warnings": [{"code": "leader_lag", "message": WARNING}]}
    (settings.outbox / BATCH / "plan.json").write_text(json.dumps(plan, ensure_ascii=False),
                                                      encoding="utf-8")
    settings.rejected.mkdir(parents=True, exist_ok=True)
    (settings.rejected / "bang-tinh-hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    err = InputRejected("bad_xlsx", error_type=error_type)
    (settings.rejected / "bang-tinh-hong.xlsx.error.txt").write_text(
        error_note("bang-tinh-hong.xlsx", err), encoding="utf-8")
    # something secret next to the outbox that must never be served
    (tmp / "ws" / "config.toml").write_text("[mail]\nca = \"ca@bcy.gov.vn\"\n", encoding="utf-8")
    return settings


def _serving(settings: Settings) -> Iterator[str]:
    """The web page of `settings` on a free local port, shut down when the generator is closed."""
    port = free_port()
    srv = make_server(settings, host="127.0.0.1", port=port)
    # polled every 50 ms, not the default 0.5 s, so shutting it down does not wait
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A workspace with one real batch (PDFs by LibreOffice, summary PDF included)."""
    tmp = tmp_path_factory.mktemp("serve")
    return _seeded_workspace(tmp, make_pdfs(tmp / "pdfs"), convert=True, error_type="<b>x</b>")


@pytest.fixture(scope="module")
def server(workspace: Settings) -> Iterator[str]:
    yield from _serving(workspace)


@pytest.fixture(scope="module")
def quick_workspace(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The same workspace without LibreOffice: the batch's PDFs are blank (test_page_quick.py)."""
    tmp = tmp_path_factory.mktemp("serve-quick")
    return _seeded_workspace(tmp, make_blank_pdfs(tmp / "pdfs"), convert=False,
                             error_type="BadZipFile")


@pytest.fixture(scope="module")
def quick_server(quick_workspace: Settings) -> Iterator[str]:
    yield from _serving(quick_workspace)
