from datetime import date
from pathlib import Path

import pytest

from paperflow.config import load_settings
from paperflow.errors import ConfigError
from paperflow.workspace import (
    DEMO_REVIEW,
    DEMO_SIGNING,
    EXAMPLE_AGENCY,
    REAL_SIGNING,
    REVIEW,
    config_text,
)


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert s.workspace == tmp_path.resolve()
    assert s.register_url == f"sqlite:///{tmp_path.resolve() / 'paperflow.db'}"
    assert s.inbox == tmp_path.resolve() / "inbox"


@pytest.mark.parametrize(("signing", "review"), [(DEMO_SIGNING, DEMO_REVIEW),
                                                (REAL_SIGNING, REVIEW)])
def test_the_config_init_writes_is_valid(tmp_path, signing, review):
    s = load_settings(write(tmp_path, config_text(EXAMPLE_AGENCY, signing.format(module="m.so"),
                                                  review=review)))
    assert s.plan.auto_approve is (review is DEMO_REVIEW)   # the demo signs at once
    assert s.agency.name == "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
    assert s.plan.effective_date == date(2025, 7, 1)
    assert s.plan.focal_points["Hưng Yên"].startswith("Sở Khoa học")
    assert s.mail.from_ == "cds.skhcn@hungyen.gov.vn"
    assert (s.signing.organization is not None) == (signing is DEMO_SIGNING)


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, "[signing]\ntoken_lable = 'x'\n"))
    assert "token_lable" in exc.value.en and "token_lable" in exc.value.vi


def test_unknown_section_is_named(tmp_path):
    with pytest.raises(ConfigError, match="smtp"):
        load_settings(write(tmp_path, "[smtp]\nhost = 'x'\n"))


def test_bad_value_type(tmp_path):
    with pytest.raises(ConfigError, match="convert.workers"):
        load_settings(write(tmp_path, "[convert]\nworkers = 'many'\n"))


def test_broken_toml_is_a_clerk_error(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, "[agency\nname = 1"))
    assert "config.toml" in exc.value.vi


def test_missing_named_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml")


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERFLOW_MAIL_SEND", "true")
    monkeypatch.setenv("PAPERFLOW_REGISTER_URL", "postgresql://u@h/db")
    monkeypatch.setenv("PAPERFLOW_MAIL_FROM", "a@b.vn")
    s = load_settings(write(tmp_path, "[mail]\nsend = false\n"))
    assert s.mail.send is True
    assert s.register_url == "postgresql://u@h/db"
    assert s.mail.from_ == "a@b.vn"


def test_the_repository_config_is_valid():
    s = load_settings(Path(__file__).resolve().parents[1] / "config.toml")
    assert s.signing.pkcs11_module.endswith(".so")


def test_a_windows_token_library_is_accepted_in_single_quotes(tmp_path):
    dll = r"C:\Program Files\VNPT-CA\vnpt-ca_csp11.dll"
    s = load_settings(write(tmp_path, f"[signing]\npkcs11_module = '{dll}'\n"))
    assert s.signing.pkcs11_module == dll


def test_a_windows_path_in_double_quotes_is_explained(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, '[signing]\npkcs11_module = "C:\\Users\\token.dll"\n'))
    assert "nháy đơn" in exc.value.vi and "single quotes" in exc.value.en


@pytest.mark.parametrize(("platform", "suffix"), [("win32", ".dll"), ("linux", ".so")])
def test_the_default_token_library_suits_the_platform(platform, suffix):
    from paperflow.config import default_pkcs11_module

    assert default_pkcs11_module(platform).endswith(suffix)


def test_postgresql_without_its_driver_says_which_extra_to_install(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "psycopg" else real(name, *a))
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, "[register]\nurl = 'postgresql+psycopg://u@h/db'\n"))
    assert "paperflow[postgresql]" in exc.value.vi and "paperflow[postgresql]" in exc.value.en
