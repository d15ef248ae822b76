"""send_pending against real SMTP servers on 127.0.0.1: exactly once, failures recorded."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from deliver_factory import BATCH, made_batch, mail_records, make_batch
from smtp_servers import (
    Collect,
    free_port,
    hang_up_during_data,
    password_checker,
    self_signed,
    smtp_server,
)
from sqlalchemy import update
from test_send_quick import sent_once_each, smtp_settings

from paperflow.deliver import send_pending
from paperflow.deliver.journal import MailRecord
from paperflow.errors import DeliveryError


def rows(reg) -> dict[str, MailRecord]:  # type: ignore[no-untyped-def]
    return {r.message_id: r for r in mail_records(reg)}


@pytest.fixture
def batch(tmp_path: Path, pdfs):  # type: ignore[no-untyped-def]
    return made_batch(tmp_path, pdfs)[:3]


def test_every_message_arrives_once_with_its_attachments_intact(batch) -> None:
    settings, reg, final = batch
    # Signed dispatches to the CA and to the focal point; the unsigned one to an agency with
    # no address stays held.
    ca, messages = sent_once_each(settings, reg, final)
    assert "thay đổi nội dung thông tin" in ca["Subject"]
    names = [p.get_filename() for p in ca.iter_attachments()]
    assert names == ["cv-ca-ky.pdf", "ds-ca-ky.pdf", "danh-sach-thay-doi.xlsx"]
    body = ca.get_body(("plain",)).get_content()
    assert "Sở Nội vụ tỉnh Hưng Yên" in body and "Trần Thị Bình" in body
    state = rows(reg)
    sent = [r for r in state.values() if r.state == "sent"]
    assert {f"<{r.message_id}>" for r in sent} == {m["Message-ID"].strip() for m in messages}
    assert all(r.answer.startswith("250") and "queued as" in r.answer for r in sent)
    assert all(r.attempts == 1 for r in sent)


def test_hang_up_after_the_whole_message_is_uncertain_and_resent_only_when_asked(batch) -> None:
    settings, reg, _ = batch
    with hang_up_during_data(after_message=True) as (port, cut):
        report = send_pending(smtp_settings(settings, port), reg)
    # the server may have queued them: not 'failed'
    assert cut[0] == 2 and len(report.uncertain) == 2 and not report.failed and not report.ok
    assert sorted(r.state for r in rows(reg).values()) == ["held", "uncertain", "uncertain"]
    assert "--resend-uncertain" in str(report) and "CHƯA RÕ" in str(report)

    handler = Collect()
    with smtp_server(handler) as port:
        s = smtp_settings(settings, port)
        assert send_pending(s, reg).sent == ()
        retried = send_pending(s, reg, retry_failed=True)
        assert retried.sent == () and len(retried.uncertain) == 2 and not handler.messages
        resent = send_pending(s, reg, resend_uncertain=True)
        assert send_pending(s, reg, retry_failed=True, resend_uncertain=True).sent == ()
    assert sorted(resent.sent) == sorted(report.uncertain) and len(handler.messages) == 2
    assert {r.attempts for r in rows(reg).values() if r.state == "sent"} == {2}


def test_server_giving_up_during_data_is_failed_then_retry_delivers_once(batch) -> None:
    settings, reg, _ = batch
    with hang_up_during_data() as (port, cut):
        report = send_pending(smtp_settings(settings, port), reg)
    assert cut[0] == 2 and len(report.failed) == 2 and not report.sent and not report.uncertain
    assert {r.state for r in rows(reg).values()} == {"failed", "held"}
    assert all(a.startswith("421") for _, a in report.failed)

    handler = Collect()
    with smtp_server(handler) as port:
        s = smtp_settings(settings, port)
        assert send_pending(s, reg).sent == ()          # failed needs --retry-failed
        retried = send_pending(s, reg, retry_failed=True)
        send_pending(s, reg, retry_failed=True)
    assert len(retried.sent) == 2 and len(handler.messages) == 2
    assert {r.attempts for r in rows(reg).values() if r.state == "sent"} == {2}


def test_refusal_is_recorded_with_the_servers_answer(batch) -> None:
    settings, reg, _ = batch
    with smtp_server(Collect(refuse="554 5.7.1 Tu choi: chinh sach")) as port:
        report = send_pending(smtp_settings(settings, port), reg)
    assert len(report.failed) == 2 and not report.ok
    failed = [r for r in rows(reg).values() if r.state == "failed"]
    assert len(failed) == 2
    assert all(r.answer.startswith("554") and "chinh sach" in r.answer for r in failed)


def test_starttls_with_a_self_signed_certificate(batch, tmp_path: Path) -> None:
    settings, reg, _ = batch
    ctx, pem = self_signed(tmp_path)
    handler = Collect()
    with smtp_server(handler, tls_context=ctx, require_starttls=True) as port:
        untrusted = smtp_settings(settings, port, security="starttls")
        with pytest.raises(DeliveryError) as err:
            send_pending(untrusted, reg)
        assert err.value.code == "smtp_unreachable" and "CERTIFICATE" in err.value.en.upper()
        assert {r.state for r in rows(reg).values()} == {"pending", "held"}
        trusted = smtp_settings(settings, port, security="starttls", ca_file=str(pem))
        report = send_pending(trusted, reg)
    assert len(report.sent) == 2 and len(handler.messages) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_from_environment_and_auth_failure(batch, monkeypatch) -> None:
    settings, reg, _ = batch
    handler = Collect()
    with smtp_server(handler, authenticator=password_checker("vanthu", "mat-khau"),
                     auth_required=True, auth_require_tls=False) as port:
        s = smtp_settings(settings, port)
        monkeypatch.setenv("PAPERFLOW_SMTP_USER", "vanthu")
        monkeypatch.setenv("PAPERFLOW_SMTP_PASSWORD", "sai")
        with pytest.raises(DeliveryError) as err:
            send_pending(s, reg)
        assert err.value.code == "smtp_auth" and "đăng nhập" in err.value.vi
        assert not handler.messages
        monkeypatch.setenv("PAPERFLOW_SMTP_PASSWORD", "mat-khau")
        assert len(send_pending(s, reg).sent) == 2
    assert len(handler.messages) == 2


def test_unreachable_server_leaves_mail_pending(batch) -> None:
    settings, reg, _ = batch
    with pytest.raises(DeliveryError) as err:
        send_pending(smtp_settings(settings, free_port()), reg)
    assert err.value.code == "smtp_unreachable" and "Không kết nối được" in err.value.vi
    assert sorted(r.state for r in rows(reg).values()) == ["held", "pending", "pending"]


def test_crash_while_sending_is_not_resent_unless_asked_and_keeps_its_message_id(batch) -> None:
    settings, reg, _ = batch
    crashed = next(r for r in rows(reg).values() if r.state == "pending")
    with reg.engine.begin() as conn:
        conn.execute(update(MailRecord).where(MailRecord.message_id == crashed.message_id)
                     .values(state="sending", attempts=1, claimed_by="other:1",
                             claimed_at=datetime.now(UTC) - timedelta(hours=1)))
    handler = Collect()
    with smtp_server(handler) as port:
        s = smtp_settings(settings, port)
        first = send_pending(s, reg)
        assert first.uncertain == (crashed.message_id,) and len(first.sent) == 1
        assert rows(reg)[crashed.message_id].state == "uncertain"
        assert send_pending(s, reg, retry_failed=True).uncertain == (crashed.message_id,)
        second = send_pending(s, reg, resend_uncertain=True)
        assert second.sent == (crashed.message_id,)
        assert send_pending(s, reg, resend_uncertain=True).sent == ()
    assert [m["Message-ID"].strip() for m in handler.messages].count(f"<{crashed.message_id}>") == 1
    assert len(handler.messages) == 2


def test_a_fresh_sending_row_belongs_to_another_sender_and_is_left_alone(batch) -> None:
    settings, reg, _ = batch
    busy = next(r for r in rows(reg).values() if r.state == "pending")
    with reg.engine.begin() as conn:
        conn.execute(update(MailRecord).where(MailRecord.message_id == busy.message_id)
                     .values(state="sending", claimed_at=datetime.now(UTC)))
    handler = Collect()
    with smtp_server(handler) as port:
        report = send_pending(smtp_settings(settings, port), reg, retry_failed=True)
    assert busy.message_id not in report.sent and len(report.sent) == 1


def test_nothing_is_sent_when_sending_is_not_configured(batch) -> None:
    settings, reg, _ = batch
    report = send_pending(settings, reg)
    assert report.sent == () and "send = true" in report.note
    assert sorted(r.state for r in rows(reg).values()) == ["held", "pending", "pending"]


def test_only_the_given_batch_is_sent(batch, pdfs, tmp_path: Path) -> None:
    settings, reg, _ = batch
    handler = Collect()
    with smtp_server(handler) as port:
        report = send_pending(smtp_settings(settings, port), reg, batch="20250701-khac-001")
    assert report.sent == () and not handler.messages


def test_report_text_for_the_clerk(batch) -> None:
    settings, reg, _ = batch
    with smtp_server(Collect(refuse="550 5.1.1 Khong co hop thu")) as port:
        report = send_pending(smtp_settings(settings, port), reg)
    text = str(report)
    assert text.startswith("Đã gửi 0 thư; lỗi 2") and "550 5.1.1" in text
    assert "--retry-failed" in text
    assert report.to_json()["held"] == 1


def test_a_batch_rendered_again_sends_each_place_once_and_supersedes_the_rest(
        batch, pdfs, tmp_path: Path) -> None:
    """`sign` after `run`: the batch is rendered again, its PDFs differ (signatures, numbers),
    so do the Message-IDs; what went out the first time is not sent again, what did not is
    superseded by the new render's message."""
    settings, reg, final = batch
    handler = Collect()
    with smtp_server(handler) as port:
        s = smtp_settings(settings, port)
        first = send_pending(s, reg)
        changed = {}
        for name, p in pdfs.items():             # the second render's bytes
            changed[name] = tmp_path / "again" / p.name
            changed[name].parent.mkdir(exist_ok=True)
            changed[name].write_bytes(p.read_bytes() + b"\n% rendered again\n")
        shutil.rmtree(final)
        make_batch(settings, reg, changed, BATCH)
        second = send_pending(s, reg, retry_failed=True, resend_uncertain=True)
    assert len(first.sent) == 2 and second.sent == () and len(handler.messages) == 2
    state = rows(reg)
    assert sorted(r.state for r in state.values()) == [
        "held", "sent", "sent", "superseded", "superseded", "superseded"]
    live = [r for r in state.values() if r.state != "superseded"]
    assert len({r.eml for r in live}) == 3          # one live row per .eml of the batch
    assert second.held == 1                         # the stale held row is not counted
