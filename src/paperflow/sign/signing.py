"""Signing a batch: officer, then the agency's seal, one token session per token for the batch.

Order (Nghị định 30/2020 Điều 13–17): the person with authority signs, then the agency's
signature (its seal). Attachments (doc.type == "list") carry the agency's signature alone.
Each output `<stem>.signed.pdf` is written atomically beside the unsigned PDF, which is never
modified; an output already complete from an earlier run is kept, so a batch resumes.
An RFC 3161 timestamp and the chain's revocation info are added when available (trustinfo.py);
whatever is skipped is said in the outcome's notes, never silently, never failing the batch.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from ..config import Settings
from ..errors import ConfigError, SigningError
from ..models import RenderedDocument
from .appearance import Appearances, attachment_box, officer_placement, scan_pdf, seal_box, vn_time
from .keys import selector
from .tokens import Credential, TokenSpec
from .trustinfo import revocation_context, revocation_urls, tsa_failed_note

log = logging.getLogger("paperflow.sign")


class _PrefetchedRevinfo(logging.Filter):
    """pyHanko warns on every signature that fetching is off when revocation info is embedded;
    ours is fetched once per batch on purpose (trustinfo.py), so that warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation/revocation info will be embedded, but "
                                              "fetching is not allowed")


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_PrefetchedRevinfo())

VN_TZ = timezone(timedelta(hours=7), "+07")      # Vietnam: UTC+7 all year, no DST
OFFICER_FIELD, SEAL_FIELD = "PF_Officer", "PF_Seal"


@dataclass(frozen=True)
class SignSetup:
    """Everything a batch needs from the settings (and the demo PKI when enabled)."""

    officer: TokenSpec
    agency: TokenSpec | None
    signature_image: Path | None
    seal_image: Path | None
    tsa_url: str
    cache_dir: Path
    place: str
    tsa_timeout_s: float = 10.0
    embed_revocation: bool = True
    revocation_timeout_s: float = 10.0
    trust_roots: tuple[Path, ...] = ()


@dataclass
class SignOutcome:
    documents: list[RenderedDocument]
    signed: int = 0
    resumed: int = 0
    notes: list[str] = field(default_factory=list)


def _image(settings: Settings, value: str) -> Path | None:
    if not value:
        return None
    path = settings.resolve(value)
    if not path.is_file():
        raise SigningError("signature_image_missing", path=path)
    return path


def resolve_setup(settings: Settings) -> SignSetup:
    sg = settings.signing
    cache = settings.state / "sign"
    if sg.demo:
        from .demo import demo_pin, ensure_demo_pki

        pki = ensure_demo_pki(settings)
        return SignSetup(
            officer=TokenSpec("officer", pki.module, pki.officer_token, pki.officer_key,
                              "PAPERFLOW_PIN", default_pin=demo_pin("PAPERFLOW_PIN")),
            agency=TokenSpec("agency", pki.module, pki.agency_token, pki.agency_key,
                             "PAPERFLOW_ORG_PIN", default_pin=demo_pin("PAPERFLOW_ORG_PIN")),
            signature_image=pki.signature_image, seal_image=pki.seal_image,
            tsa_url=sg.tsa_url, cache_dir=cache, place=settings.agency.place,
            **_network(settings))
    chosen = selector(sg.key_label, sg.key_id, sg.cert_serial, "signing")
    officer = TokenSpec("officer", sg.pkcs11_module, sg.token_label, sg.key_label,
                        "PAPERFLOW_PIN", pkcs12=settings.resolve(sg.pkcs12) if sg.pkcs12 else None,
                        key_id=chosen.key_id, cert_serial=chosen.cert_serial)
    agency = None
    org = sg.organization
    if org is not None:
        # No fallback to PAPERFLOW_PIN: trying the officer's PIN on the agency's token would
        # burn one of its few tries.
        chosen = selector(org.key_label, org.key_id, org.cert_serial, "signing.organization")
        agency = TokenSpec("agency", org.pkcs11_module or sg.pkcs11_module, org.token_label,
                           org.key_label, "PAPERFLOW_ORG_PIN",
                           pkcs12=settings.resolve(org.pkcs12) if org.pkcs12 else None,
                           p12_password_env="PAPERFLOW_ORG_P12_PASSWORD",
                           key_id=chosen.key_id, cert_serial=chosen.cert_serial)
    return SignSetup(officer=officer, agency=agency,
                     signature_image=_image(settings, sg.signature_image),
                     seal_image=_image(settings, org.seal_image) if org else None,
                     tsa_url=sg.tsa_url, cache_dir=cache, place=settings.agency.place,
                     **_network(settings))


def _network(settings: Settings) -> dict:
    sg = settings.signing
    return {"tsa_timeout_s": sg.tsa_timeout_s, "embed_revocation": sg.embed_revocation,
            "revocation_timeout_s": sg.revocation_timeout_s,
            "trust_roots": tuple(trust_roots(settings))}


def trust_roots(settings: Settings) -> list[Path]:
    """The trust roots `paperflow verify` should use: configured ones, plus the demo CA."""
    roots = [settings.resolve(r) for r in settings.signing.trust_roots]
    if settings.signing.demo:
        from .demo import ensure_demo_pki

        roots.append(ensure_demo_pki(settings).ca_pem)
    return roots


def signed_path(pdf: Path) -> Path:
    return pdf.with_name(f"{pdf.stem}.signed.pdf")


def _signature_count(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return len(PdfFileReader(fh, strict=False).embedded_signatures)
    except Exception:       # unreadable / truncated output: treat as absent and redo
        return -1


def _roles(doc: RenderedDocument, setup: SignSetup) -> tuple[str, ...]:
    """Which signatures, in order: ('officer', 'seal'), ('officer',), ('attachment',)."""
    if doc.type == "list":
        return ("attachment",)
    return ("officer", "seal") if setup.agency is not None else ("officer",)


class _TimedSigner(signers.PdfSigner):
    """PdfSigner whose signing time is ours (+07:00), so the stamp text and CMS time agree."""

    def __init__(self, *args, signing_time: datetime, **kwargs):
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


class BatchSigner:
    """Signs one document at a time with the open credentials, appearances and TSA of a batch
    (session.py opens and fills them; `app` is set before the first document)."""

    def __init__(self, setup: SignSetup, officer: Credential | None, agency: Credential | None,
                 appearances: Appearances | None, timestamper=None, revocation=None,
                 notes: list[str] | None = None) -> None:
        self.setup, self.officer, self.agency = setup, officer, agency
        self.app, self.timestamper = appearances, timestamper
        # role → no-fetch ValidationContext holding the batch's CRLs/OCSPs (absent: none)
        self.revocation: dict[str, object] = dict(revocation or {})
        self.notes = notes if notes is not None else []
        self.current = ""       # the document being signed, for notes

    @property
    def bytes_reserved(self) -> int:
        # A fixed reservation spares pyHanko a dry-run signature per document to estimate the
        # size: RSA-4096 + a few certificates fit in 16 KiB; a timestamp token or CRLs need more.
        n = 16384 + (16384 if self.timestamper is not None else 0)
        vc = self.revocation.get("officer") or self.revocation.get("agency")
        if vc is not None:
            n += sum(len(c.dump()) for c in vc.crls) + sum(len(o.dump()) for o in vc.ocsps)
        return n

    def _sign(self, data: bytes, cred: Credential, field_name: str, page: int, box,
              style, params: dict[str, str], when: datetime) -> bytes:
        vc = self.revocation.get(cred.spec.role)
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256", location=self.setup.place,
            reason="Ký số văn bản điện tử (Nghị định 30/2020/NĐ-CP)",
            # adbe.pkcs7.detached (pyHanko's default here): the CRLs/OCSPs go into the signed
            # CMS attribute adobe-revinfo-archival, so the signature itself covers them and no
            # DSS revision is appended after it
            embed_validation_info=vc is not None, validation_context=vc)
        spec = fields.SigFieldSpec(field_name, on_page=page,
                                   box=tuple(int(round(v)) for v in box))

        def attempt() -> bytes:
            writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
            pdf_signer = _TimedSigner(meta, signer=cred.signer, stamp_style=style,
                                      new_field_spec=spec, timestamper=self.timestamper,
                                      signing_time=when)
            with cred.lock:     # one PKCS#11 session is never used by two threads at once
                out = pdf_signer.sign_pdf(writer, appearance_text_params=params,
                                          bytes_reserved=self.bytes_reserved)
            return out.getvalue()

        if self.timestamper is None:
            return attempt()
        try:
            return attempt()
        except SigningError:
            raise
        except Exception as exc:
            # The TSA answered the batch's probe but fails now: sign without it (one more
            # signature on the token) and stop asking it for the rest of the batch.
            url = getattr(self.timestamper, "url", "?")
            self.timestamper = None
            try:
                result = attempt()
            except Exception:
                raise exc from None
            self.notes.append(tsa_failed_note(url, self.current, exc))
            return result

    def sign_document(self, doc: RenderedDocument, roles: tuple[str, ...]) -> tuple[bytes, str]:
        """The signed bytes, and a note ('' when nothing to say)."""
        assert doc.pdf is not None
        self.current = doc.pdf.name
        data = doc.pdf.read_bytes()
        layout = scan_pdf(doc.pdf)
        note = ""
        if roles == ("attachment",):
            cred = self.agency or self.officer
            assert cred is not None
            when = datetime.now(VN_TZ).replace(microsecond=0)
            params = {"number": doc.number or doc.pdf.stem, "iso": when.isoformat()}
            data = self._sign(data, cred, SEAL_FIELD, 0, attachment_box(layout.media[0]),
                              self.app.attachment, params, when)
            return data, note
        place = officer_placement(layout)
        if not place.from_marker:
            note = (f"{doc.pdf.name}: không thấy vị trí chữ ký (PFSIGN) — đặt ở góc dưới phải trang "
                    "cuối (no PFSIGN marker: signature placed bottom right of the last page)")
        assert self.officer is not None
        when = datetime.now(VN_TZ).replace(microsecond=0)
        data = self._sign(data, self.officer, OFFICER_FIELD, place.page, place.box,
                          self.app.officer, {"cn": self.officer.cn, "when": vn_time(when)}, when)
        if "seal" in roles and self.agency is not None:
            when = datetime.now(VN_TZ).replace(microsecond=0)
            box = seal_box(place.box, with_image=self.app.has_seal_image)
            data = self._sign(data, self.agency, SEAL_FIELD, place.page, box, self.app.seal,
                              {"cn": self.agency.cn, "when": vn_time(when)}, when)
        return data, note


def _revocation(setup: SignSetup, creds: dict[str, Credential | None], stamper,
                notes: list[str]) -> dict[str, object]:
    """Per role, the batch's revocation info (fetched once), or nothing and a note why."""
    if not setup.embed_revocation:
        return {}
    roots = None
    out: dict[str, object] = {}
    for role, cred in creds.items():
        if cred is None:
            continue
        others = [c for c in cred.signer.cert_registry if c != cred.cert]
        if roots is None and revocation_urls(cred.cert, others):
            roots = _roots(setup.trust_roots, notes)     # read only when something is fetched
        vc = revocation_context(cred.cert, others, roots or [], stamper, who=f"'{cred.cn}'",
                                timeout_s=setup.revocation_timeout_s, notes=notes)
        if vc is not None:
            out[role] = vc
    return out


def _roots(paths: Sequence[Path], notes: list[str]) -> list:
    from .verify import _load_roots

    try:
        return _load_roots(list(paths))
    except ConfigError as err:
        notes.append(f"{err.vi} ({err.en})")
        return []


def _write_atomically(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
