"""Without a Python that has `uno`: batched `soffice --convert-to pdf` calls, one per chunk."""

from __future__ import annotations

import pytest
from convert_factory import (
    MOTTO,
    NATION,
    make_docx,
    make_settings,
    pdf_fonts,
    pdf_text,
    processes_under,
)

from paperflow.convert import ConversionError, Converter


def test_no_uno_falls_back_to_batched_calls(tmp_path, monkeypatch):
    monkeypatch.delenv("HOME", raising=False)       # CI may have no HOME: profiles are explicit
    settings = make_settings(tmp_path / "ws")
    outbox = tmp_path / "outbox"
    good = [make_docx(outbox / f"cv-{i}.docx", body=f"Văn bản thứ {i}") for i in range(5)]
    # Same stem in another folder: the batched call names outputs by stem, they must not clash.
    twin = make_docx(outbox / "khac" / "cv-0.docx", body="Bản ở thư mục khác")
    garbage = outbox / "hong.docx"
    garbage.write_bytes(b"garbage" * 100)
    with Converter(settings, uno_python="/nonexistent/python3") as conv:
        made = conv.convert([*good, garbage, twin])
        assert conv.mode == "batch"
    assert made == [p.with_suffix(".pdf") for p in [*good, twin]]
    assert [p for p, _e in conv.failures] == [garbage]
    text = pdf_text(made[0])
    assert NATION.upper() in text and MOTTO in text and "Văn bản thứ 0" in text
    assert "Bản ở thư mục khác" in pdf_text(twin.with_suffix(".pdf"))
    assert all(emb == "yes" for _n, emb in pdf_fonts(made[0]))
    assert processes_under(settings.state) == []
    assert sorted(p.name for p in outbox.iterdir() if p.is_file()) == sorted(
        [f"cv-{i}.{ext}" for i in range(5) for ext in ("docx", "pdf")] + ["hong.docx"])


def test_batched_call_that_hangs_is_killed_and_the_rest_converts(tmp_path):
    settings = make_settings(tmp_path / "ws", workers=1, timeout_s=2.0)
    outbox = tmp_path / "outbox"
    first = make_docx(outbox / "a-truoc.docx")
    slow = make_docx(outbox / "b-rat-dai.docx", table_rows=1000)
    last = make_docx(outbox / "c-sau.docx")
    with Converter(settings, mode="batch") as conv:
        made = conv.convert([first, slow, last])
    assert made == [first.with_suffix(".pdf"), last.with_suffix(".pdf")]
    assert [p for p, _e in conv.failures] == [slow]
    assert "hung" in conv.failures[0][1].en
    assert processes_under(settings.state) == []
    assert not [p.name for p in outbox.iterdir() if p.suffix not in (".docx", ".pdf")]


def test_missing_libreoffice_says_what_to_install(tmp_path):
    settings = make_settings(tmp_path / "ws", soffice="/nonexistent/soffice")
    docx = make_docx(tmp_path / "outbox" / "cv.docx")
    with Converter(settings) as conv, pytest.raises(ConversionError) as info:
        conv.convert([docx])
    assert "libreoffice-writer-nogui" in info.value.en
    assert "libreoffice-writer-nogui" in info.value.vi and "Cài" in info.value.vi


def test_uno_mode_required_but_unavailable(tmp_path):
    settings = make_settings(tmp_path / "ws")
    docx = make_docx(tmp_path / "outbox" / "cv.docx")
    with Converter(settings, mode="uno", uno_python="/nonexistent/python3") as conv, \
            pytest.raises(ConversionError, match="python3-uno"):
        conv.convert([docx])


def test_stream_without_uno_converts_what_it_was_given(tmp_path):
    from paperflow.models import RenderedDocument

    settings = make_settings(tmp_path / "ws")
    outbox = tmp_path / "outbox"
    docs = [RenderedDocument(path=make_docx(outbox / f"bb-{i}.docx", body=f"Biên bản {i}"),
                             type="handover_tokens", request="", recipient="", sender="")
            for i in range(3)]
    items = iter([*enumerate(docs), None, None])
    got: dict[int, RenderedDocument] = {}
    with Converter(settings, uno_python="/nonexistent/python3") as conv:
        conv.convert_stream(lambda: next(items), lambda tag, d: got.__setitem__(tag, d))
        assert conv.mode == "batch"
    assert sorted(got) == [0, 1, 2]
    assert all(got[i].pdf == docs[i].path.with_suffix(".pdf") for i in got)
    assert "Biên bản 2" in pdf_text(got[2].pdf)
