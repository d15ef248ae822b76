from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "deliver"))

from deliver_factory import make_batch, make_pdfs, make_register, settings_for  # noqa: E402
from smtp_servers import free_port  # noqa: E402

from paperflow.serve import make_server  # noqa: E402

BATCH = "20250701-hung-yen-001"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A workspace with one real batch (PDFs by LibreOffice, summary PDF included)."""
    tmp = tmp_path_factory.mktemp("serve")
    settings = settings_for(tmp / "ws")
    (tmp / "ws").mkdir()
    reg = make_register(tmp / "ws" / "paperflow.db")
    make_batch(settings, reg, make_pdfs(tmp / "pdfs"), BATCH, convert=True)
    reg.engine.dispose()
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
