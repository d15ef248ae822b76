"""config.toml → typed, validated, frozen settings.

Unknown keys are rejected by name (a typo must not silently fall back to a default).
Environment overrides: PAPERFLOW_<SECTION>_<KEY> (e.g. PAPERFLOW_REGISTER_URL,
PAPERFLOW_MAIL_SEND=true). Secrets (PINs, SMTP password) never live here: environment or prompt.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .errortexts import Phrase
from .text import key

CA_NAME = "Cục Chứng thực số và Bảo mật thông tin, Ban Cơ yếu Chính phủ"
# `paperflow init` without answers writes "<ĐIỀN … / FILL IN …>": no document may carry it
PLACEHOLDER_MARK = "<ĐIỀN"
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


@dataclass(frozen=True)
class RegisterSettings:
    url: str = ""                   # SQLAlchemy URL; "" = sqlite file paperflow.db in the workspace


@dataclass(frozen=True)
class IntakeSettings:
    polling: bool = False           # True on network shares (SMB/NFS: inotify never fires)
    poll_interval_s: float = 2.0
    quiet_s: float = 1.0            # no events and stable size+mtime for this long = arrived
    rescan_s: float = 60.0          # periodic full rescan, the safety net
    max_file_mb: int = 50
    read_timeout_s: float = 60.0    # reading one file takes longer: rejected, intake goes on


@dataclass(frozen=True)
class AgencySettings:
    """The agency that issues the dispatches (the clerk's own)."""

    name: str = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    managing: str = "Ủy ban nhân dân tỉnh Hưng Yên"
    abbreviation: str = "SKHCN"
    drafting_unit: str = "CĐS"
    place: str = "Hưng Yên"
    province: str = "Hưng Yên"
    signer_name: str = "Nguyễn Văn An"
    signer_title: str = "PHÓ GIÁM ĐỐC"
    signer_authority: str = "KT. GIÁM ĐỐC"
    contact_name: str = "Trần Thị Bình"
    contact_phone: str = "0221 3 888 999"
    contact_email: str = "cds.skhcn@hungyen.gov.vn"

    def is_us(self, name: str) -> bool:
        """'Is this ours': `name` names this agency (compared without case and diacritics).
        The one helper the plan, render, deliver and the batch ask."""
        return bool(name) and key(name) == key(self.name)


@dataclass(frozen=True)
class PlanSettings:
    effective_date: date = date(2025, 7, 1)      # the reorganisation's effective date (overdue after)
    renew_within_days: int = 60                  # renew certificates expiring within this horizon
    today: date | None = None                    # fixed "today" for reproducible runs; None = real
    # province name → its authorised focal point (rule 10/13)
    focal_points: dict[str, str] = field(default_factory=dict)
    keep_certificate_of: dict[str, str] = field(default_factory=dict)  # new name → agency (rule 1)
    # who receives the implementing dispatch passing a central one on (seeds 001, 002)
    implementing_recipients: tuple[str, ...] = (
        "Văn phòng Tỉnh ủy", "Văn phòng UBND tỉnh", "Các sở, ban, ngành tỉnh",
        "UBND các xã, phường")
    # who signs the implementing dispatch: "agency" (the Sở KHCN itself) or "ubnd" (a draft
    # for the Ủy ban nhân dân tỉnh, TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH)
    implementing_signer: str = "agency"
    # False: a run makes the plan, the drafts and XEM-XET.xlsx/.pdf; nothing is numbered or
    # signed before `paperflow approve` (or `sign`). True: signed at once, as the demo does.
    auto_approve: bool = False


@dataclass(frozen=True)
class ConvertSettings:
    soffice: str = "soffice"
    workers: int = 2
    timeout_s: float = 120.0
    mode: str = "auto"                  # auto | uno (persistent workers) | batch (soffice calls)
    # the Python that has LibreOffice's `uno`; "" = the one bundled beside soffice (Windows,
    # macOS) or /usr/bin/python3 with Debian's python3-uno
    uno_python: str = ""
    recycle_after: int = 200            # restart a worker after this many documents


@dataclass(frozen=True)
class OrgSigningSettings:
    token_label: str = "agency"
    key_label: str = "seal"
    key_id: str = ""                # CKA_ID (hex) of the key: wins over key_label
    cert_serial: str = ""           # or its certificate's serial number (hex), labels repeating
    pkcs11_module: str = ""         # inherited from [signing] when empty
    seal_image: str = ""
    pkcs12: str = ""                # development only: a .p12/.pfx instead of the token


# SoftHSM2's library where its packages put it: the demo's and the tests' token. A real token's
# vendor library (a .dll on Windows) is set in config.toml's [signing] pkcs11_module.
SOFTHSM_MODULES = {
    "win32": r"C:\SoftHSM2\lib\softhsm2-x64.dll",
    "darwin": "/usr/local/lib/softhsm/libsofthsm2.so",
}


def default_pkcs11_module(platform: str = sys.platform) -> str:
    return SOFTHSM_MODULES.get(platform, "/usr/lib/softhsm/libsofthsm2.so")


@dataclass(frozen=True)
class SigningSettings:
    pkcs11_module: str = field(default_factory=default_pkcs11_module)
    token_label: str = "officer"
    key_label: str = "signer"
    key_id: str = ""                # CKA_ID (hex) of the key: wins over key_label
    cert_serial: str = ""           # or its certificate's serial number (hex), labels repeating
    trust_roots: tuple[str, ...] = ()
    demo: bool = False              # use (and create) the workspace's demo SoftHSM token + test CA
    signature_image: str = ""
    tsa_url: str = ""               # RFC 3161 time-stamping server; "" = no timestamp
    tsa_timeout_s: float = 10.0     # per TSA request; an unreachable TSA is given up once per batch
    embed_revocation: bool = True   # embed CRL/OCSP of the signer's chain when it names any
    revocation_timeout_s: float = 10.0  # per CRL/OCSP download (once per batch)
    organization: OrgSigningSettings | None = None
    # development only: sign with a .p12/.pfx file instead of the token (password from
    # PAPERFLOW_P12_PASSWORD, or PAPERFLOW_ORG_P12_PASSWORD for [signing.organization])
    pkcs12: str = ""


@dataclass(frozen=True)
class MailSettings:
    from_: str = "cds.skhcn@hungyen.gov.vn"
    ca: str = "ca@bcy.gov.vn"
    smtp_host: str = ""
    smtp_port: int = 587
    security: str = "starttls"      # none | starttls | ssl
    send: bool = False
    # recipient name (focal point, managing agency) → e-mail address; the CA uses `ca`
    addresses: dict[str, str] = field(default_factory=dict)
    ca_file: str = ""               # extra PEM trust roots for the SMTP server's TLS certificate
    timeout_s: float = 60.0         # SMTP socket timeout
    paper_signing: bool = False     # True: every dispatch is printed and signed by hand first

    def __post_init__(self) -> None:
        if self.security not in ("none", "starttls", "ssl"):
            raise ConfigError("mail_security", security=repr(self.security))


@dataclass(frozen=True)
class NumberingSettings:
    # The records office's last number this year per series symbol, e.g. {"SKHCN-CĐS" = 57}:
    # paperflow numbers from the next one (register/numbering.py).
    start: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Settings:
    workspace: Path
    register: RegisterSettings = RegisterSettings()
    intake: IntakeSettings = IntakeSettings()
    agency: AgencySettings = AgencySettings()
    plan: PlanSettings = PlanSettings()
    convert: ConvertSettings = ConvertSettings()
    signing: SigningSettings = SigningSettings()
    mail: MailSettings = MailSettings()
    numbering: NumberingSettings = NumberingSettings()
    # `--new-register`: the clerk accepts an empty/other register next to existing batches
    # (register/identity.py); a command-line choice, never read from config.toml
    new_register: bool = False

    # Workspace layout (docs/DESIGN.md)
    @property
    def inbox(self) -> Path:
        return self.workspace / "inbox"

    @property
    def rejected(self) -> Path:
        return self.inbox / "rejected"

    @property
    def archive(self) -> Path:
        return self.workspace / "archive"

    @property
    def outbox(self) -> Path:
        return self.workspace / "outbox"

    @property
    def templates(self) -> Path:
        return self.workspace / "templates"

    @property
    def state(self) -> Path:
        """Private working state (temporary files, LibreOffice profiles, demo PKI)."""
        return self.workspace / ".paperflow"

    @property
    def register_url(self) -> str:
        return self.register.url or f"sqlite:///{self.workspace / 'paperflow.db'}"

    def resolve(self, path: str) -> Path:
        """A path from the config, relative to the workspace."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.workspace / p


_SECTIONS = {
    "register": RegisterSettings,
    "intake": IntakeSettings,
    "agency": AgencySettings,
    "plan": PlanSettings,
    "convert": ConvertSettings,
    "signing": SigningSettings,
    "mail": MailSettings,
    "numbering": NumberingSettings,
}
# TOML keys that are Python keywords
_RENAMES = {"from": "from_"}


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], where)
    if hint is bool:
        if isinstance(value, str):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
        if isinstance(value, bool):
            return value
    elif hint in (int, float):
        try:
            return hint(value)
        except (TypeError, ValueError):
            pass
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint is date:
        if isinstance(value, date):
            return value
        # Vietnamese order first (01/07/2025 is the 1st of July), then ISO 2025-07-01
        m = _DMY.match(str(value))
        try:
            if m:
                return date(int(m[3]), int(m[2]), int(m[1]))
            return date.fromisoformat(str(value).strip())
        except ValueError:
            pass
    elif origin is tuple:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        if isinstance(value, list):
            return tuple(_coerce(v, args[0], where) for v in value)
    elif origin is dict:
        if isinstance(value, dict):
            return {str(k): str(v) for k, v in value.items()}
    elif dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return _build(hint, value, where)
    raise ConfigError("config_bad_value", where=where, value=repr(value))


def _build(cls: type, data: dict[str, Any], section: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    kwargs = {}
    for raw_key, value in data.items():
        name = _RENAMES.get(raw_key, raw_key)
        if name not in names or name == "workspace":
            raise ConfigError("config_unknown_key", section=section, raw_key=raw_key)
        kwargs[name] = _coerce(value, hints[name], f"{section}.{raw_key}")
    return cls(**kwargs)


def _env_overrides(data: dict[str, Any]) -> None:
    for section, cls in _SECTIONS.items():
        for f in dataclasses.fields(cls):
            if dataclasses.is_dataclass(f.type) or f.name == "organization":
                continue
            toml_key = next((k for k, v in _RENAMES.items() if v == f.name), f.name)
            env = f"PAPERFLOW_{section}_{toml_key}".upper()
            if env in os.environ:
                data.setdefault(section, {})[toml_key] = os.environ[env]


def unfilled(settings: Settings) -> list[str]:
    """The config keys still holding `paperflow init`'s marked blanks ("<ĐIỀN …>")."""
    keys = [f"agency.{f.name}" for f in dataclasses.fields(settings.agency)
            if PLACEHOLDER_MARK in str(getattr(settings.agency, f.name))]
    if PLACEHOLDER_MARK in settings.mail.from_:
        keys.append("mail.from")
    return keys


def require_filled(settings: Settings) -> None:
    """Refuse to produce documents under placeholder names (a dispatch signed as "<ĐIỀN …>")."""
    keys = unfilled(settings)
    if keys:
        where = settings.workspace / "config.toml"
        raise ConfigError("config_not_filled", where=where, keys=', '.join(keys))


def load_settings(config_path: Path | str | None = None, *, workspace: Path | None = None,
                  required: bool = False) -> Settings:
    """Read config.toml (its folder is the workspace). A missing file gives the defaults, unless
    `required` (the commands that write into a workspace must not make one by accident)."""
    path = Path(config_path) if config_path else Path("config.toml")
    if required and not path.exists() and config_path is None:
        raise ConfigError("not_a_workspace", cwd=Path.cwd())
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            # the commonest slip on Windows: "C:\Program Files\..." in double quotes
            slip = any(w in str(exc).lower() for w in ("escape", "hex value", "'\\'"))
            raise ConfigError("config_unreadable", path=path, exc=exc,
                              hint=Phrase("windows_path_quotes") if slip else "") from exc
    elif config_path is not None:
        raise ConfigError("config_not_found", path=path)
    _env_overrides(data)
    kwargs: dict[str, Any] = {}
    for section, value in data.items():
        cls = _SECTIONS.get(section)
        if cls is None or not isinstance(value, dict):
            raise ConfigError("config_unknown_section", section=section)
        kwargs[section] = _build(cls, value, section)
    ws = workspace or path.resolve().parent
    settings = Settings(workspace=ws.resolve(), **kwargs)
    _check_register_driver(settings.register.url)
    return settings


def _check_register_driver(url: str) -> None:
    """PostgreSQL's driver is an extra (paperflow[postgresql]): say how to add it, not a trace."""
    import importlib.util

    if url.startswith("postgresql+psycopg:") and importlib.util.find_spec("psycopg") is None:
        raise ConfigError("postgres_driver_missing")
