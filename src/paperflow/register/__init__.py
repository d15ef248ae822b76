"""The register: SQLAlchemy database of organisations, subscribers, certificates, tokens,
merge events, requests (with their lifecycle), documents, numbering and an audit log."""

from .core import Register
from .snapshot import Organisation, RegisterSnapshot

__all__ = ["Register", "RegisterSnapshot", "Organisation"]
