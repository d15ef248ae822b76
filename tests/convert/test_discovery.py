"""Finding LibreOffice where its installers put it (not on PATH on Windows)."""

from __future__ import annotations

from pathlib import Path

from paperflow.convert._soffice import bundled_python, install_locations


def test_program_files_is_searched_on_windows(tmp_path):
    env = {"ProgramFiles": str(tmp_path / "PF"), "ProgramFiles(x86)": str(tmp_path / "PF86"),
           "LOCALAPPDATA": str(tmp_path / "AppData")}
    places = install_locations("win32", env)
    assert tmp_path / "PF" / "LibreOffice" / "program" / "soffice.exe" in places
    assert tmp_path / "PF86" / "LibreOffice" / "program" / "soffice.exe" in places
    assert tmp_path / "AppData" / "Programs" / "LibreOffice" / "program" / "soffice.exe" in places
    assert all(p.name == "soffice.exe" for p in places)


def test_the_uno_python_is_the_one_bundled_beside_soffice_on_windows(tmp_path):
    program = tmp_path / "LibreOffice" / "program"
    program.mkdir(parents=True)
    (program / "soffice.exe").write_bytes(b"")
    assert bundled_python(str(program / "soffice.exe"), "win32") == ""     # not installed
    (program / "python.exe").write_bytes(b"")
    assert Path(bundled_python(str(program / "soffice.exe"), "win32")) == program / "python.exe"


def test_linux_keeps_the_system_python_with_python3_uno(tmp_path):
    assert bundled_python("/usr/bin/soffice", "linux") == "/usr/bin/python3"
    assert Path("/usr/bin/soffice") in install_locations("linux", {})
