"""One BatchSession for a whole batch: one login per token however many groups it signs,
from however many threads; the signatures valid and by whom (pyHanko and pdfsig)."""

from __future__ import annotations

import re
import subprocess
import threading

import pytest

from paperflow import sign
from paperflow.errors import SigningError
from paperflow.sign import tokens

pytestmark = pytest.mark.slow


def _pdfsig_signers(pdf) -> list[str]:
    out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    blocks = re.split(r"\nSignature #\d+:\n", out)[1:]
    assert all("Signature Validation: Signature is Valid." in b for b in blocks), out
    return [re.search(r"Signer Certificate Common Name: (.*)", b).group(1) for b in blocks]


class CountingToken:
    """The real token, its C_Login (Token.open) calls counted by token label."""

    def __init__(self, real, counts: dict[str, int]) -> None:
        self._real, self._counts = real, counts

    def __getattr__(self, name):
        return getattr(self._real, name)

    def open(self, **kwargs):
        self._counts[self._real.label] = self._counts.get(self._real.label, 0) + 1
        return self._real.open(**kwargs)


def test_one_login_per_token_for_many_groups(pki, pdfs, tmp_path, make_settings, make_doc,
                                             monkeypatch):
    c_login: dict[str, int] = {}
    real_find = tokens.find_token
    monkeypatch.setattr(tokens, "find_token",
                        lambda lib, spec: CountingToken(real_find(lib, spec), c_login))
    settings = make_settings(tmp_path, pki)
    groups = [[make_doc(tmp_path / "out", pdfs["marked"], f"d{g}-{i}") for i in range(3)]
              for g in range(4)]
    groups.append([make_doc(tmp_path / "out", pdfs["marked"], "list", type_="list")])
    before = tokens.LOGINS.attempts
    with sign.BatchSession(settings) as session:
        assert session.sessions_opened == 0          # nothing asked before the first document
        signed = [d for g in groups for d in session.sign(g)]
    assert c_login == {"officer": 1, "agency": 1}    # C_Login on each token
    assert tokens.LOGINS.attempts - before == 2      # the process-wide counter agrees
    assert session.logins == {"officer": 1, "agency": 1} and session.sessions_opened == 2
    assert session.signed == 13 and all(d.signed_pdf for d in signed)
    results = sign.verify_pdfs([d.signed_pdf for d in signed], [pki.ca_pem])
    assert all(r.valid for r in results), [r.lines() for r in results if not r.valid]
    assert [s.signer_cn for s in results[0].signatures] == [
        "Nguyễn Văn An", "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]
    assert [s.signer_cn for s in results[-1].signatures] == [
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]           # an attachment: the seal alone
    assert _pdfsig_signers(signed[5].signed_pdf) == [
        "Nguyễn Văn An", "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]


def test_a_batch_of_500_documents_logs_in_once_per_token(pki, pdfs, tmp_path, make_settings,
                                                        make_doc, monkeypatch):
    """The issue's scale: 500 documents signed as the production line gathers them (12 at a
    time), one dispatch in ten with the officer's signature and the seal, the lists with the
    seal alone — one C_Login on each token for the whole batch."""
    c_login: dict[str, int] = {}
    real_find = tokens.find_token
    monkeypatch.setattr(tokens, "find_token",
                        lambda lib, spec: CountingToken(real_find(lib, spec), c_login))
    settings = make_settings(tmp_path, pki)
    docs = [make_doc(tmp_path / "out", pdfs["marked"] if i % 10 == 0 else pdfs["plain"],
                     f"d{i:03d}", type_="dispatch" if i % 10 == 0 else "list")
            for i in range(500)]
    with sign.BatchSession(settings) as session:
        signed = [d for start in range(0, len(docs), 12)
                  for d in session.sign(docs[start:start + 12])]
    assert c_login == {"officer": 1, "agency": 1}
    assert session.logins == {"officer": 1, "agency": 1} and session.sessions_opened == 2
    assert len(signed) == 500 and all(d.signed_pdf and d.signed_pdf.is_file() for d in signed)
    first, last = sign.verify_pdfs([signed[0].signed_pdf, signed[-1].signed_pdf], [pki.ca_pem])
    assert first.valid and [s.signer_cn for s in first.signatures] == [
        "Nguyễn Văn An", "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]
    assert last.valid and [s.signer_cn for s in last.signatures] == [
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên"]


def test_threads_take_turns_on_one_session(pki, pdfs, tmp_path, make_settings, make_doc):
    settings = make_settings(tmp_path, pki, images=False)
    docs = [make_doc(tmp_path / "out", pdfs["marked"], f"t{i}") for i in range(6)]
    errors: list[BaseException] = []
    with sign.BatchSession(settings) as session:
        def work(part):
            try:
                session.sign(part)
            except BaseException as exc:  # noqa: BLE001 - reported by the assert below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(docs[i::3],)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors and session.logins == {"officer": 1, "agency": 1}
    results = sign.verify_pdfs([d.pdf.with_name(f"{d.pdf.stem}.signed.pdf") for d in docs],
                               [pki.ca_pem])
    assert all(r.valid and len(r.signatures) == 2 for r in results)


def test_nothing_to_sign_asks_for_no_pin(pki, tmp_path, make_settings, monkeypatch):
    monkeypatch.setenv("PAPERFLOW_PIN", "000000")       # would fail if a login were tried
    before = tokens.LOGINS.attempts
    with sign.BatchSession(make_settings(tmp_path, pki)) as session:
        session.check()
        assert session.sign([]) == []
    assert tokens.LOGINS.attempts == before and session.sessions_opened == 0


def test_missing_image_is_found_by_check_before_any_login(pki, tmp_path, make_settings):
    from dataclasses import replace

    settings = make_settings(tmp_path, pki)
    settings = replace(settings, signing=replace(settings.signing, signature_image="nope.png"))
    with sign.BatchSession(settings) as session, pytest.raises(SigningError) as info:
        session.check()
    assert "nope.png" in info.value.en and session.sessions_opened == 0
