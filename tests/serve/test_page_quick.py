"""The local web page over real HTTP on a batch made without LibreOffice (blank PDFs): the desk
page in Vietnamese with the batch, its warning and the rejected file, the batch page, a PDF
served as it is on disk, no way out of the outbox, foreign hosts refused. The slow test_app.py
serves a batch converted by LibreOffice and tries many more paths."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from urllib.request import urlopen

import pytest
from deliver_factory import make_batch, make_blank_pdfs, make_register, settings_for
from serve_case import BATCH, PLAN_ACTION, WARNING
from smtp_servers import free_port
from test_app import raw_get

from paperflow.config import Settings
from paperflow.errors import InputRejected
from paperflow.intake import error_note
from paperflow.serve import make_server


@pytest.fixture(scope="module")
def quick_workspace(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("serve-quick")
    settings = settings_for(tmp / "ws")
    (tmp / "ws").mkdir()
    reg = make_register(tmp / "ws" / "paperflow.db")
    make_batch(settings, reg, make_blank_pdfs(tmp / "pdfs"), BATCH)
    reg.engine.dispose()
    plan = {"batch": BATCH, "actions": [PLAN_ACTION],
            "warnings": [{"code": "leader_lag", "message": WARNING}]}
    (settings.outbox / BATCH / "plan.json").write_text(json.dumps(plan, ensure_ascii=False),
                                                      encoding="utf-8")
    settings.rejected.mkdir(parents=True, exist_ok=True)
    (settings.rejected / "bang-tinh-hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    err = InputRejected("bad_xlsx", error_type="BadZipFile")
    (settings.rejected / "bang-tinh-hong.xlsx.error.txt").write_text(
        error_note("bang-tinh-hong.xlsx", err), encoding="utf-8")
    (tmp / "ws" / "config.toml").write_text("[mail]\nca = \"ca@bcy.gov.vn\"\n", encoding="utf-8")
    return settings


@pytest.fixture(scope="module")
def quick_server(quick_workspace: Settings) -> Iterator[str]:
    port = free_port()
    srv = make_server(quick_workspace, host="127.0.0.1", port=port)
    # polled every 50 ms, not the default 0.5 s, so shutting it down does not wait
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_the_desk_page_shows_the_batch_its_warning_and_the_rejected_file(quick_server) -> None:
    status, headers, body = raw_get(quick_server, "/")
    html = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "Các lô văn bản" in html and f"/lo/{BATCH}/" in html
    assert "bang-tinh-hong.xlsx" in html
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html    # escaped
    with urlopen(quick_server + "/api/status", timeout=10) as resp:
        data = json.loads(resp.read().decode("utf-8"))
    assert data["mail"]["counts"] == {"pending": 2, "held": 1}
    assert data["batches"][0]["name"] == BATCH and data["rejected"][0]["name"] == "bang-tinh-hong.xlsx"


def test_the_batch_page_and_a_pdf_as_it_is_on_disk(quick_server, quick_workspace) -> None:
    status, _, body = raw_get(quick_server, f"/lo/{BATCH}/")
    assert status == 200 and f"/tep/{BATCH}/cv-ca-ky.pdf" in body.decode("utf-8")
    status, headers, body = raw_get(quick_server, f"/tep/{BATCH}/cv-ca-ky.pdf")
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert body == (quick_workspace.outbox / BATCH / "cv-ca-ky.pdf").read_bytes()


@pytest.mark.parametrize("path", ["/tep/../config.toml", f"/tep/{BATCH}/%2e%2e/%2e%2e/paperflow.db",
                                  "/lo/%2e%2e/", "/khong-co"])
def test_nothing_outside_the_outbox_is_served(quick_server, path: str) -> None:
    status, _, body = raw_get(quick_server, path)
    assert status == 404 and b"[mail]" not in body


def test_a_foreign_host_is_refused(quick_server) -> None:
    assert raw_get(quick_server, "/", host="attacker.example:8765")[0] == 403
