"""`paperflow init`: a ready workspace (config.toml, inbox/, outbox/, archive/, templates/)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from .config import default_pkcs11_module
from .errors import ConfigError

CONFIG_TEMPLATE = """\
# paperflow — cấu hình thư mục làm việc / workspace configuration.
# Mã PIN KHÔNG bao giờ ghi ở đây: dùng biến môi trường PAPERFLOW_PIN hoặc nhập khi được hỏi.
# (PINs never go here: PAPERFLOW_PIN / PAPERFLOW_ORG_PIN or the prompt.)

[agency]                      # cơ quan ban hành văn bản / the issuing agency
name = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
managing = "Ủy ban nhân dân tỉnh Hưng Yên"
abbreviation = "SKHCN"
drafting_unit = "CĐS"
place = "Hưng Yên"
province = "Hưng Yên"
signer_name = "Nguyễn Văn An"
signer_title = "PHÓ GIÁM ĐỐC"
signer_authority = "KT. GIÁM ĐỐC"
contact_name = "Trần Thị Bình"
contact_phone = "0221 3 888 999"
contact_email = "cds.skhcn@hungyen.gov.vn"

[plan]
effective_date = 2025-07-01   # ngày bộ máy mới hoạt động / the reorganisation's effective date
renew_within_days = 60

[plan.focal_points]           # tỉnh → đầu mối được ủy quyền (rule 10, 13)
"Hưng Yên" = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"

[intake]
polling = false               # true cho thư mục mạng (SMB/NFS) / true on network shares

[convert]
workers = 2

[signing]
{signing}

[mail]
from = "cds.skhcn@hungyen.gov.vn"
ca = "ca@bcy.gov.vn"
send = false                  # true: gửi qua SMTP / send over SMTP
smtp_host = ""
smtp_port = 587
security = "starttls"
"""

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


def init_workspace(target: Path, *, example: bool = False, demo: bool = False) -> Path:
    from .render import install_templates

    target = target.resolve()
    target.mkdir(parents=True, exist_ok=True)
    for sub in ("inbox", "inbox/rejected", "outbox", "archive", "templates"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    cfg = target / "config.toml"
    if not cfg.exists():
        signing = (DEMO_SIGNING if demo else REAL_SIGNING).format(module=default_pkcs11_module())
        cfg.write_text(CONFIG_TEMPLATE.format(signing=signing), encoding="utf-8")
    install_templates(target / "templates")
    guide = template_guide()
    if guide is not None and not (target / "templates" / "README.md").exists():
        shutil.copyfile(guide, target / "templates" / "README.md")
    if example:
        src = example_inbox()
        if src is None:
            raise ConfigError("Không tìm thấy bộ tệp mẫu.", "The bundled example inbox is missing.")
        for f in sorted(src.iterdir()):
            if f.is_file() and not f.name.startswith("."):
                shutil.copy2(f, target / "inbox" / f.name)
    return target
