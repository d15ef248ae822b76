"""The local web page over real HTTP on a batch made without LibreOffice (blank PDFs): the desk
page in Vietnamese with the batch, its warning and the rejected file, the batch page, a PDF
served as it is on disk, no way out of the outbox, foreign hosts refused. The slow test_app.py
serves a batch converted by LibreOffice and tries many more paths; both workspaces are made by
conftest.py (quick_workspace, quick_server here)."""

from __future__ import annotations

import json
from urllib.request import urlopen

import pytest
from serve_case import BATCH
from test_app import raw_get


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
