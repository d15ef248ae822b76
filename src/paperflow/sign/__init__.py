"""Signing stage: officer then agency seal through PKCS#11 (pyHanko), and verification.

Public surface used by the pipeline and the CLI:
- `can_prompt()`, `sign_documents(docs, settings)`, `sign_batch(...)` (with notes),
- `verify_pdfs(paths, trust_roots)` → `PdfVerification`s; `trust_roots(settings)` for the CLI,
- `demo.ensure_demo_pki(settings)`.
"""

from .errors import (
    AlreadySigned,
    CertificateNotValidNow,
    CertificateRevoked,
    KeyCertificateMismatch,
    PinLocked,
    PinUnavailable,
    TokenAbsent,
    TokenFailure,
    WrongPin,
)
from .signing import SignOutcome, sign_batch, sign_documents, signed_path, trust_roots
from .tokens import can_prompt
from .verify import PdfVerification, SignatureReport, verify_pdfs

__all__ = [
    "AlreadySigned", "CertificateRevoked", "CertificateNotValidNow", "KeyCertificateMismatch",
    "PinLocked", "PinUnavailable", "TokenAbsent", "TokenFailure", "WrongPin", "SignOutcome",
    "sign_batch", "sign_documents", "signed_path", "trust_roots", "can_prompt", "PdfVerification",
    "SignatureReport", "verify_pdfs",
]
