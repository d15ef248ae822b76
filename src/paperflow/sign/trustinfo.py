"""What a batch adds beyond the bare signature: an RFC 3161 timestamp and revocation info.

Both are optional and prepared ONCE per batch, before the first document:
- the TSA (`[signing] tsa_url`) is probed with one request; unreachable or answering nonsense →
  the batch is signed without timestamps and a note says so;
- revocation info: the signer's certificate (and intermediates) are checked for CRL / OCSP
  addresses; none → nothing to fetch, no network at all (the demo certificates have none);
  otherwise the CRLs / OCSP responses are fetched once and every document of the batch embeds
  the same ones (no per-document network time-outs).
Nothing here ever fails a batch except a certificate the CA says is REVOKED.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from asn1crypto import x509 as ax509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, RevokedError

from . import errors as E

log = logging.getLogger("paperflow.sign")

# Every signature carries its own copy (hex-encoded: twice the size). A big CA's full CRL can
# weigh megabytes, which would make every dispatch mailed to the CA that much heavier.
MAX_EMBEDDED_REVINFO = 512 * 1024


def _what(exc: BaseException) -> str:
    """A short technical reason, following the `raise ... from` chain to its root."""
    seen = []
    while exc is not None and len(seen) < 4:
        seen.append(f"{type(exc).__name__}: {exc}".strip().rstrip(":"))
        exc = exc.__cause__ or exc.__context__
    return " ← ".join(seen)[:300]


def probe_tsa(url: str, timeout_s: float, notes: list[str]):
    """An HTTPTimeStamper that answered one well-formed RFC 3161 request, else None + a note."""
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

    stamper = HTTPTimeStamper(url, timeout=timeout_s)
    try:
        asyncio.run(stamper.async_dummy_response("sha256"))
    except TimestampRequestError as exc:
        cause = exc.__cause__
        status = getattr(cause, "status", None)
        if status is not None:      # the server answered, with an HTTP error
            notes.append(f"Máy chủ cấp dấu thời gian {url} trả lỗi HTTP {status}: đã ký không kèm "
                         f"dấu thời gian (TSA answered HTTP {status}, signed without RFC 3161 "
                         "timestamp)")
        elif cause is not None:     # connection refused, DNS, time-out
            notes.append(f"Không kết nối được máy chủ cấp dấu thời gian {url}: đã ký không kèm "
                         f"dấu thời gian (TSA unreachable, signed without RFC 3161 timestamp: "
                         f"{_what(cause)})")
        else:                       # answered, but refused or wrong nonce
            notes.append(f"Máy chủ cấp dấu thời gian {url} từ chối cấp dấu: đã ký không kèm dấu "
                         f"thời gian (TSA refused the request, signed without RFC 3161 "
                         f"timestamp: {exc})")
        return None
    except Exception as exc:        # undecodable reply: not an RFC 3161 response
        notes.append(f"Máy chủ cấp dấu thời gian {url} trả về dữ liệu không hợp lệ: đã ký không "
                     f"kèm dấu thời gian (TSA reply is not a valid RFC 3161 response, signed "
                     f"without timestamp: {_what(exc)})")
        return None
    return stamper


def tsa_failed_note(url: str, name: str, exc: BaseException) -> str:
    return (f"Máy chủ cấp dấu thời gian {url} lỗi khi ký {name}: tệp này và các tệp sau trong đợt "
            f"được ký không kèm dấu thời gian (TSA failed while signing {name}: it and the rest "
            f"of the batch are signed without RFC 3161 timestamp: {_what(exc)})")


def revocation_urls(cert: ax509.Certificate, others: Sequence[ax509.Certificate] = ()
                    ) -> list[str]:
    """CRL distribution points and OCSP responders named by the certificate and intermediates."""
    urls: list[str] = []
    for c in (cert, *others):
        if c.self_signed != "no":           # a root needs no revocation check
            continue
        urls += [dp.url for dp in c.crl_distribution_points if dp.url]
        urls += list(c.ocsp_urls)
    return list(dict.fromkeys(urls))


async def _fetch(cert, others, roots, stamper, timeout_s: float):
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

    backend = AIOHttpFetcherBackend(per_request_timeout=timeout_s)
    try:
        vc = ValidationContext(trust_roots=list(roots), other_certs=list(others),
                               allow_fetching=True, fetcher_backend=backend)
        await CertificateValidator(cert, intermediate_certs=list(others),
                                   validation_context=vc).async_validate_usage(set())
        tsa_ok = True
        if stamper is not None:     # pyHanko checks the TSA's chain too when embedding
            try:
                async for _path in stamper.validation_paths(vc):
                    pass
            except (PathBuildingError, PathValidationError):
                tsa_ok = False
        return list(vc.crls), list(vc.ocsps), tsa_ok
    finally:
        await backend.close()


def revocation_context(cert: ax509.Certificate, others: Sequence[ax509.Certificate],
                       roots: Sequence[ax509.Certificate], stamper, *, who: str,
                       timeout_s: float, notes: list[str]) -> ValidationContext | None:
    """A no-fetch ValidationContext holding the fetched CRLs/OCSPs, or None (+ a note why)."""
    urls = revocation_urls(cert, others)
    if not urls:
        notes.append(f"Chứng thư số của {who} không có địa chỉ CRL/OCSP: không nhúng thông tin "
                     "thu hồi (the certificate names no CRL/OCSP address: no revocation info "
                     "embedded)")
        return None
    if not roots:
        notes.append(f"Chưa khai báo trust_roots: không nhúng thông tin thu hồi cho {who} (no "
                     "trust_roots configured: revocation info not embedded)")
        return None
    try:
        crls, ocsps, tsa_ok = asyncio.run(_fetch(cert, others, roots, stamper, timeout_s))
    except RevokedError as exc:
        raise E.cert_revoked(who) from exc
    except (PathBuildingError, PathValidationError) as exc:
        notes.append(f"Không kiểm tra được chuỗi chứng thư của {who} tới CA tin cậy: không nhúng "
                     f"thông tin thu hồi (chain not validated against trust_roots: revocation "
                     f"info not embedded: {_what(exc)})")
        return None
    except Exception as exc:        # network trouble beyond what soft-fail absorbs
        crls, ocsps, tsa_ok = [], [], True
        log.debug("revocation fetch failed", exc_info=exc)
    if not crls and not ocsps:
        notes.append(f"Không tải được thông tin thu hồi ({', '.join(urls)}) cho {who}: đã ký "
                     "không nhúng CRL/OCSP (revocation info unreachable: signed without "
                     "embedded CRL/OCSP)")
        return None
    size = sum(len(c.dump()) for c in crls) + sum(len(o.dump()) for o in ocsps)
    if size > MAX_EMBEDDED_REVINFO:
        notes.append(f"Thông tin thu hồi của {who} quá lớn ({size // 1024} KiB) để nhúng vào mỗi "
                     f"chữ ký: đã ký không nhúng CRL/OCSP (revocation info too large, "
                     f"{size // 1024} KiB per signature: not embedded)")
        return None
    if not tsa_ok:
        notes.append(f"Chứng thư của máy chủ cấp dấu thời gian không chuỗi tới trust_roots: không "
                     f"nhúng thông tin thu hồi cho {who} (TSA certificate not chained to "
                     "trust_roots: revocation info not embedded)")
        return None
    log.info("revocation info for %s: %d CRL, %d OCSP", who, len(crls), len(ocsps))
    return ValidationContext(trust_roots=list(roots), other_certs=list(others), crls=crls,
                             ocsps=ocsps, allow_fetching=False)
