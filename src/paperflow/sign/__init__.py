"""Signing stage: officer then agency seal through PKCS#11 (pyHanko), and verification.

Public surface used by the batch and the CLI:
- `BatchSession(settings)`: one login per token for a whole batch, held by the batch line
  (session.py says how to use it),
- `can_prompt()`, `sign_documents(docs, settings)`, `sign_batch(...)` (with notes),
- `verify_pdfs(paths, trust_roots)` → `PdfVerification`s; `trust_roots(settings)` for the CLI,
- `demo.ensure_demo_pki(settings)`.
"""

from .errors import (
    AlreadySigned,
    CertificateNotValidNow,
    CertificateRevoked,
    KeyCertificateMismatch,
    KeyNotFound,
    PinLocked,
    PinTriesLow,
    PinUnavailable,
    TokenAbsent,
    TokenFailure,
    WrongPin,
)
from .session import BatchSession, sign_batch, sign_documents
from .signing import SignOutcome, signed_path, trust_roots
from .tokens import can_prompt
from .verify import PdfVerification, SignatureReport, verify_pdfs

__all__ = [
    "AlreadySigned", "BatchSession", "CertificateRevoked", "CertificateNotValidNow",
    "KeyCertificateMismatch", "KeyNotFound", "PinLocked", "PinTriesLow", "PinUnavailable",
    "TokenAbsent", "TokenFailure", "WrongPin", "SignOutcome", "sign_batch", "sign_documents",
    "signed_path", "trust_roots", "can_prompt", "PdfVerification", "SignatureReport",
    "verify_pdfs",
]
