"""`paperflow init`: a ready workspace (config.toml, inbox/, outbox/, archive/, templates/)."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from .config import PLACEHOLDER_MARK, default_pkcs11_module
from .errors import ConfigError

# The agency's details: (key, question in Vietnamese, in English, the example's value).
AGENCY_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("name", "Tên cơ quan ban hành văn bản", "issuing agency's name",
     "Sở Khoa học và Công nghệ tỉnh Hưng Yên"),
    ("managing", "Cơ quan chủ quản", "managing agency", "Ủy ban nhân dân tỉnh Hưng Yên"),
    ("abbreviation", "Chữ viết tắt của cơ quan (trong số ký hiệu)", "agency's abbreviation",
     "SKHCN"),
    ("drafting_unit", "Đơn vị soạn thảo (viết tắt)", "drafting unit", "CĐS"),
    ("place", "Địa danh ghi ở đầu văn bản", "place name in the heading", "Hưng Yên"),
    ("province", "Tỉnh, thành phố", "province", "Hưng Yên"),
    ("signer_name", "Họ tên người ký", "signer's name", "Nguyễn Văn An"),
    ("signer_title", "Chức vụ người ký", "signer's title", "PHÓ GIÁM ĐỐC"),
    ("signer_authority", "Thẩm quyền ký (KT., TL., Q. …)", "signing authority", "KT. GIÁM ĐỐC"),
    ("contact_name", "Người liên hệ", "contact person", "Trần Thị Bình"),
    ("contact_phone", "Điện thoại liên hệ", "contact phone", "0221 3 888 999"),
    ("contact_email", "Thư điện tử liên hệ", "contact e-mail", "cds.skhcn@hungyen.gov.vn"),
)
EXAMPLE_AGENCY = {key: example for key, _vi, _en, example in AGENCY_FIELDS}


def placeholder(vi: str, en: str) -> str:
    """A clearly marked blank; `paperflow run` refuses to produce documents while one is left."""
    return f"{PLACEHOLDER_MARK} {vi} / FILL IN the {en}>"


def blank_agency() -> dict[str, str]:
    return {key: placeholder(vi, en) for key, vi, en, _ex in AGENCY_FIELDS}


def ask_agency(ask: Callable[[str], str]) -> dict[str, str]:
    """The agency's details from the clerk, one question each; an empty answer leaves a blank."""
    values = {}
    for key, vi, en, example in AGENCY_FIELDS:
        answer = ask(f"{vi} / {en} (ví dụ/e.g. {example}): ").strip()
        values[key] = unicodedata.normalize("NFC", answer) if answer else placeholder(vi, en)
    return values


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config_text(agency: dict[str, str], signing: str, *, review: str = "") -> str:
    lines = [f"{key} = {_toml_str(agency[key])}" for key, *_ in AGENCY_FIELDS]
    province = agency["province"]
    focal = (f"{_toml_str(province)} = {_toml_str(agency['name'])}"
             if PLACEHOLDER_MARK not in province + agency["name"] else
             '# "Tên tỉnh" = "Sở Khoa học và Công nghệ tỉnh …"   (FILL IN: province = focal point)')
    return CONFIG_TEMPLATE.format(agency="\n".join(lines), focal=focal,
                                  mail_from=_toml_str(agency["contact_email"]), signing=signing,
                                  review=review or REVIEW)


CONFIG_TEMPLATE = """\
# paperflow — cấu hình thư mục làm việc / workspace configuration.
# Mã PIN KHÔNG bao giờ ghi ở đây: dùng biến môi trường PAPERFLOW_PIN hoặc nhập khi được hỏi.
# (PINs never go here: PAPERFLOW_PIN / PAPERFLOW_ORG_PIN or the prompt.)
# Ngày viết 01/07/2025 hoặc 2025-07-01, trong dấu nháy / dates as "01/07/2025" or 2025-07-01.
# Dòng có "<ĐIỀN" phải được điền trước khi chạy / lines with "<ĐIỀN" must be filled in first.

[agency]                      # cơ quan ban hành văn bản / the issuing agency
{agency}

[plan]
effective_date = "01/07/2025" # ngày bộ máy mới hoạt động / the reorganisation's effective date
renew_within_days = 60
{review}

[plan.focal_points]           # tỉnh → đầu mối được ủy quyền (rule 10, 13)
{focal}

[intake]
polling = false               # true cho thư mục mạng (SMB/NFS) / true on network shares

[convert]
workers = 2

[signing]
{signing}

[mail]
from = {mail_from}
ca = "ca@bcy.gov.vn"
send = false                  # true: gửi qua SMTP / send over SMTP
smtp_host = ""
smtp_port = 587
security = "starttls"
"""

# docs/DESIGN.md: nothing numbered or signed before the clerk approves the reviewed plan
REVIEW = ("auto_approve = false           # true: ký ngay, không chờ 'paperflow approve' "
          "(sign without review)")
DEMO_REVIEW = ("auto_approve = true            # DEMO: ký ngay, không chờ duyệt "
               "(signs at once, no review)")

DEMO_SIGNING = """\
# DEMO: token SoftHSM và CA thử nghiệm do paperflow tự tạo trong .paperflow/demo-pki/
# (a SoftHSM token and a TEST CA made by paperflow; NOT for real documents)
demo = true
pkcs11_module = '{module}'
token_label = "officer"
key_label = "signer"

[signing.organization]
token_label = "agency"
key_label = "seal\""""

REAL_SIGNING = """\
# thư viện PKCS#11 của token (tệp .dll trên Windows, do hãng cung cấp), trong dấu nháy đơn
# (the token vendor's PKCS#11 library — a .dll on Windows — in single quotes)
pkcs11_module = '{module}'
token_label = "officer"
key_label = "signer"
trust_roots = ["ca.pem"]
# [signing.organization]          # chữ ký số của cơ quan (con dấu) / the agency's seal token
# token_label = "agency"
# key_label = "seal\""""


def example_inbox() -> Path | None:
    """The bundled example inbox: the repo's inbox/example, or the copy inside the package."""
    packaged = Path(str(resources.files("paperflow") / "data" / "example"))
    repo = Path(__file__).resolve().parents[2] / "inbox" / "example"
    here = Path.cwd() / "inbox" / "example"      # `paperflow init` run from a clone
    for cand in (repo, here, packaged):
        if cand.is_dir() and any(cand.iterdir()):
            return cand
    return None


def template_guide() -> Path | None:
    """templates/README.md (every variable a template may use): the clone's, else the wheel's."""
    repo = Path(__file__).resolve().parents[2] / "templates" / "README.md"
    packaged = Path(str(resources.files("paperflow") / "data" / "templates" / "README.md"))
    return next((p for p in (repo, packaged) if p.is_file()), None)


def init_workspace(target: Path, *, example: bool = False, demo: bool = False,
                   ask: Callable[[str], str] | None = None) -> Path:
    """A ready workspace. Its config.toml names the example agency for --example/--demo, the
    clerk's answers when `ask` is given (a terminal), clearly marked blanks otherwise."""
    from .render import install_templates

    target = target.resolve()
    target.mkdir(parents=True, exist_ok=True)
    for sub in ("inbox", "inbox/rejected", "outbox", "archive", "templates"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    cfg = target / "config.toml"
    if not cfg.exists():
        signing = (DEMO_SIGNING if demo else REAL_SIGNING).format(module=default_pkcs11_module())
        if example or demo:
            agency = dict(EXAMPLE_AGENCY)
        else:
            agency = ask_agency(ask) if ask is not None else blank_agency()
        cfg.write_text(config_text(agency, signing, review=DEMO_REVIEW if demo else REVIEW),
                       encoding="utf-8")
    install_templates(target / "templates")
    guide = template_guide()
    if guide is not None and not (target / "templates" / "README.md").exists():
        shutil.copyfile(guide, target / "templates" / "README.md")
    if example:
        src = example_inbox()
        if src is None:
            raise ConfigError("example_inbox_missing")
        for f in sorted(src.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                shutil.copy2(f, target / "inbox" / f.name)
    return target
