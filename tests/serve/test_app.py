"""The local web page over real HTTP: status, batches, preview/download, no path escapes."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

import pytest
from serve_case import BATCH


def raw_get(base: str, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET with the path sent exactly as given (no client-side normalisation of '..')."""
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_index_shows_mail_status_and_batches_in_vietnamese(server: str) -> None:
    status, headers, body = raw_get(server, "/")
    html = body.decode("utf-8")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "Thư điện tử gửi đi" in html and "Các lô văn bản" in html
    assert "chờ gửi" in html and "chưa gửi" in html     # 2 pending, 1 held (no address)
    assert f"/lo/{BATCH}/" in html
    assert "Sở Tài chính tỉnh Hưng Yên" in html and "12/SNV-VP" in html


def test_batch_page_lists_documents_with_preview_and_download(server: str) -> None:
    status, _, body = raw_get(server, f"/lo/{BATCH}/")
    html = body.decode("utf-8")
    assert status == 200
    assert f"/tep/{BATCH}/cv-ca-ky.pdf" in html and "Tải về" in html and "Xem" in html
    assert "TOM-TAT-LO.pdf" in html      # the printable summary, converted by LibreOffice


def test_pdf_preview_is_inline_and_download_is_an_attachment(server: str, workspace) -> None:
    path = f"/tep/{BATCH}/cv-ca-ky.pdf"
    status, headers, body = raw_get(server, path)
    original = (workspace.outbox / BATCH / "cv-ca-ky.pdf").read_bytes()
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline")
    assert hashlib.sha256(body).digest() == hashlib.sha256(original).digest()
    status, headers, _ = raw_get(server, path + "?tai=1")
    assert headers["content-disposition"].startswith("attachment")
    assert headers["x-content-type-options"] == "nosniff"


def test_files_in_recipient_folders_with_vietnamese_names_are_served(server: str,
                                                                     workspace) -> None:
    folder = next((workspace.outbox / BATCH).glob("01-*/2-gui-di"))
    name = "Công văn gửi Cục.pdf"
    (folder / name).write_bytes((folder / "cv-ca-ky.pdf").read_bytes())
    rel = f"{folder.parent.name}/2-gui-di/{name}"
    status, headers, _ = raw_get(server, f"/tep/{BATCH}/" + quote(rel))
    assert status == 200
    assert "filename*=UTF-8''" + quote(name) in headers["content-disposition"]


def test_status_json(server: str) -> None:
    with urlopen(server + "/api/status", timeout=10) as resp:
        data = json.loads(resp.read().decode("utf-8"))
    assert data["mail"]["counts"] == {"pending": 2, "held": 1}
    assert data["batches"][0]["name"] == BATCH and data["batches"][0]["mails"] == 3


@pytest.mark.parametrize("path", [
    "/tep/../config.toml",
    "/tep/%2e%2e/config.toml",
    "/tep/%2E%2E%2Fconfig.toml",
    f"/tep/{BATCH}/../../config.toml",
    f"/tep/{BATCH}/%2e%2e/%2e%2e/paperflow.db",
    "/tep//etc/passwd",
    "/tep/%2Fetc%2Fpasswd",
    f"/tep/{BATCH}/..%5c..%5cconfig.toml",
    f"/tep/.{BATCH}.partial/manifest.json",
    f"/tep/{BATCH}/.manifest.json.tmp",
    "/tep/escape/secret.txt",
    "/lo/../",
    "/lo/%2e%2e/",
    "/lo/escape/",
])
def test_paths_never_escape_the_outbox(server: str, workspace, path: str) -> None:
    outside = workspace.workspace.parent / "secret.txt"
    outside.write_text("BÍ MẬT", encoding="utf-8")
    link = workspace.outbox / "escape"
    if not link.exists():
        os.symlink(workspace.workspace.parent, link)      # a symlink leading out of outbox/
    (workspace.outbox / f".{BATCH}.partial").mkdir(exist_ok=True)
    (workspace.outbox / f".{BATCH}.partial" / "manifest.json").write_text("[]")
    status, _, body = raw_get(server, path)
    assert status == 404
    assert b"BI MAT" not in body and "BÍ MẬT".encode() not in body and b"[mail]" not in body


def test_foreign_host_header_is_refused(server: str) -> None:
    status, _, _ = raw_get(server, "/", host="attacker.example:8765")
    assert status == 403
    assert raw_get(server, "/", host="localhost:8765")[0] == 200


def test_only_get_and_head(server: str) -> None:
    u = urlsplit(server)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("POST", "/", body=b"x")
    assert conn.getresponse().status == 405
    conn.close()


def test_html_is_escaped(server: str) -> None:
    html = raw_get(server, "/")[2].decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_the_desk_shows_next_steps_warnings_and_rejected_files_with_reasons(server: str) -> None:
    html = raw_get(server, "/")[2].decode()
    assert "Việc cần làm tiếp" in html
    # the batch is not signed, mails wait, one file was rejected: each is a step with its command
    assert f"paperflow sign {BATCH}" in html and "paperflow send" in html
    assert "1 tệp bị từ chối" in html and "1 files were rejected" in html
    assert "bang-tinh-hong.xlsx" in html and "Không mở được tệp Excel" in html
    assert "Cannot open the Excel file" in html
    assert "Chứng thư cá nhân của Giám đốc" in html and "leader_lag" in html


def test_the_desk_shows_the_status_grid_the_cli_prints(server: str) -> None:
    html = raw_get(server, "/")[2].decode()
    for heading in ("Đã lập KH", "Chờ ký", "Đã ký", "Đã gửi", "Gửi lỗi", "Quá hạn"):
        assert f"<th>{heading}</th>" in html
    assert "Theo cơ quan gửi" in html and "Theo đầu mối tiếp nhận" in html


def test_the_batch_page_is_the_review_sheet_of_its_plan(server: str) -> None:
    html = raw_get(server, f"/lo/{BATCH}/")[2].decode()
    assert "Kế hoạch xử lý" in html and "1 việc" in html
    assert "Thay đổi thông tin" in html and "540101010A1B2C3F" in html
    assert ("CN: Sở Tài nguyên và Môi trường tỉnh Hưng Yên → Sở Nông nghiệp và Môi trường tỉnh "
            "Hưng Yên") in html
    assert "275/BCY-CTSBMTT 1.1" in html and "Hợp nhất thành" in html


def test_status_json_carries_rejected_files_and_next_steps(server: str) -> None:
    data = json.loads(raw_get(server, "/api/status")[2])
    assert [r["name"] for r in data["rejected"]] == ["bang-tinh-hong.xlsx"]
    assert any(s["command"] == f"paperflow sign {BATCH}" for s in data["next_steps"])
