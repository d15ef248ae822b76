"""`paperflow verify`: is each signature of each PDF intact, trusted, and covering the document?

Works on any signed PDF (not only ours). Trust comes only from the trust roots given —
never from certificates embedded in the PDF. A PDF without a signature is not valid.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import KeyUsageConstraints, validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from ..errors import ConfigError

log = logging.getLogger("paperflow.sign")
VN_TZ = timezone(timedelta(hours=7), "+07")

# Signatures made elsewhere often carry digitalSignature only; ours carry nonRepudiation too.
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                                 match_all_key_usages=False)


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer_cn: str
    subject: str
    signing_time: datetime | None
    intact: bool                 # the signed bytes are unchanged (digest + signature verify)
    trusted: bool                # chain to one of the trust roots
    covers_whole_file: bool      # nothing at all was added after this signature
    modified_after: str          # "" | "signatures/forms only" | "other changes"
    valid: bool                  # intact, trusted, and later changes allowed
    problem: str = ""
    timestamp_time: datetime | None = None   # RFC 3161 time from the TSA, when there is one
    timestamp_trusted: bool = False          # the TSA's token verifies and chains to a root
    timestamp_tsa: str = ""                  # the TSA certificate's common name
    revocation_crls: int = 0                 # CRLs / OCSP responses embedded in the signature
    revocation_ocsps: int = 0

    def line(self, index: int) -> str:
        when = self.signing_time.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S +07:00") \
            if self.signing_time else "?"
        verdict = "HỢP LỆ (valid)" if self.valid else "KHÔNG HỢP LỆ (NOT valid)"
        parts = [f"  Chữ ký {index} (signature {index}) [{self.field}]: {verdict}",
                 f"    Người ký (signer): {self.signer_cn}",
                 f"    Chứng thư (certificate subject): {self.subject}",
                 f"    Thời gian ký (signing time): {when}",
                 "    Toàn vẹn (intact): " + ("có (yes)" if self.intact else "KHÔNG (NO)"),
                 "    Tin cậy (trusted): " + ("có (yes)" if self.trusted else
                                              "KHÔNG: không chuỗi tới CA tin cậy (NO: not "
                                              "chained to a trust root)")]
        if self.covers_whole_file:
            parts.append("    Phạm vi (coverage): toàn bộ tệp (entire file)")
        elif self.modified_after == "signatures/forms only":
            parts.append("    Sau khi ký chỉ thêm chữ ký khác (only signatures added after "
                         "signing: allowed)")
        else:
            parts.append("    TỆP ĐÃ BỊ SỬA SAU KHI KÝ (document modified after signing)")
        if self.timestamp_time is None:
            parts.append("    Dấu thời gian (RFC 3161 timestamp): không có (none)")
        else:
            ts = self.timestamp_time.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S +07:00")
            trust = "tin cậy (trusted)" if self.timestamp_trusted else \
                "KHÔNG tin cậy (NOT trusted)"
            parts.append(f"    Dấu thời gian (RFC 3161 timestamp): {ts} do {self.timestamp_tsa} "
                         f"cấp (from the TSA), {trust}")
        if self.revocation_crls or self.revocation_ocsps:
            parts.append(f"    Thông tin thu hồi nhúng trong chữ ký (embedded revocation info): "
                         f"{self.revocation_crls} CRL, {self.revocation_ocsps} OCSP")
        else:
            parts.append("    Thông tin thu hồi nhúng trong chữ ký (embedded revocation info): "
                         "không có (none)")
        if self.problem:
            parts.append(f"    Lỗi (problem): {self.problem}")
        return "\n".join(parts)


@dataclass(frozen=True)
class PdfVerification:
    path: Path
    signatures: tuple[SignatureReport, ...] = ()
    error: str = ""
    notes: tuple[str, ...] = field(default=())
    dss_crls: int = 0            # the document security store (PAdES LTV), if the file has one
    dss_ocsps: int = 0

    @property
    def valid(self) -> bool:
        return not self.error and bool(self.signatures) and all(s.valid for s in self.signatures)

    def lines(self) -> list[str]:
        head = "HỢP LỆ (VALID)" if self.valid else "KHÔNG HỢP LỆ (NOT VALID)"
        out = [f"{self.path.name}: {head}"]
        if self.error:
            out.append(f"  {self.error}")
        elif not self.signatures:
            out.append("  Tệp không có chữ ký số (the PDF has no digital signature)")
        out.extend(s.line(i) for i, s in enumerate(self.signatures, 1))
        if self.dss_crls or self.dss_ocsps:
            out.append(f"  Kho xác thực của tệp (document security store, DSS): {self.dss_crls} "
                       f"CRL, {self.dss_ocsps} OCSP")
        return out


def _load_roots(paths: Sequence[Path]):
    roots = []
    for p in paths:
        try:
            roots.append(load_cert_from_pemder(str(p)))
        except Exception as exc:
            raise ConfigError("trust_root_unreadable", path=p, exc=exc) from exc
    return roots


def _revinfo_counts(embedded) -> tuple[int, int]:
    """CRLs and OCSP responses in the signed adobe-revinfo-archival attribute."""
    from pyhanko.sign.general import find_cms_attribute_iter

    crls = ocsps = 0
    try:
        for ria in find_cms_attribute_iter(embedded.signer_info["signed_attrs"],
                                           "adobe_revocation_info_archival"):
            crls += len(ria["crl"]) if ria["crl"] else 0
            ocsps += len(ria["ocsp"]) if ria["ocsp"] else 0
    except (ValueError, KeyError, TypeError):     # malformed attribute: report none
        return 0, 0
    return crls, ocsps


def _timestamp(st) -> tuple[datetime | None, bool, str]:
    ts = st.timestamp_validity
    if ts is None:
        return None, False, ""
    cert = ts.signing_cert
    tsa = (cert.subject.native.get("common_name", "") or cert.subject.human_friendly) \
        if cert is not None else "?"
    return ts.timestamp, bool(ts.intact and ts.valid and ts.trusted), tsa


def _report(embedded, roots) -> SignatureReport:
    cert = embedded.signer_cert
    cn = cert.subject.native.get("common_name", "") if cert is not None else ""
    subject = cert.subject.human_friendly if cert is not None else ""
    vc = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        st = validate_pdf_signature(embedded, vc, key_usage_settings=_KEY_USAGE)
    except Exception as exc:     # malformed signature: report, do not crash the whole run
        return SignatureReport(embedded.field_name, cn, subject, None, False, False, False,
                               "other changes", False, f"{type(exc).__name__}: {exc}")
    whole = st.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = st.modification_level
    if whole:
        modified = ""
    elif st.coverage == SignatureCoverageLevel.ENTIRE_REVISION and st.docmdp_ok is not False \
            and level is not None and level.name in ("NONE", "LTA_UPDATES", "FORM_FILLING"):
        modified = "signatures/forms only"
    else:
        modified = "other changes"
    problem = ""
    if not st.intact:
        problem = "nội dung đã ký bị thay đổi (signed bytes changed)"
    elif not st.valid:
        problem = "chữ ký không khớp chứng thư (signature does not verify)"
    elif not st.trusted:
        problem = str(st.trust_problem_indic or "untrusted")
    valid = bool(st.bottom_line) and modified != "other changes"
    ts_time, ts_trusted, tsa = _timestamp(st)
    crls, ocsps = _revinfo_counts(embedded)
    return SignatureReport(
        field=embedded.field_name, signer_cn=cn, subject=subject,
        signing_time=st.signer_reported_dt, intact=st.intact, trusted=st.trusted,
        covers_whole_file=whole, modified_after=modified, valid=valid, problem=problem,
        timestamp_time=ts_time, timestamp_trusted=ts_trusted, timestamp_tsa=tsa,
        revocation_crls=crls, revocation_ocsps=ocsps)


def _dss_counts(reader) -> tuple[int, int]:
    def count(key: str) -> int:
        try:
            return len(reader.root["/DSS"][key])    # [] dereferences indirect objects
        except (KeyError, TypeError):
            return 0

    return count("/CRLs"), count("/OCSPs")


def verify_pdf(path: Path, roots) -> PdfVerification:
    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            reports = tuple(_report(e, roots) for e in reader.embedded_signatures)
            dss = _dss_counts(reader) if reports else (0, 0)
    except FileNotFoundError:
        return PdfVerification(path, error="Không tìm thấy tệp (file not found)")
    except Exception as exc:
        return PdfVerification(path, error=f"Không đọc được PDF (cannot read PDF): {exc}")
    return PdfVerification(path, reports, dss_crls=dss[0], dss_ocsps=dss[1])


def verify_pdfs(paths: Sequence[Path], trust_roots: Sequence[Path]) -> list[PdfVerification]:
    """One PdfVerification per path; valid only when every signature is valid."""
    roots = _load_roots([Path(p) for p in trust_roots])
    return [verify_pdf(Path(p), roots) for p in paths]
