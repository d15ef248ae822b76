"""render_batch writes the implementing dispatch for a plan's 'dispatch/implement' actions."""

from __future__ import annotations

from datetime import date

from docx import Document

from paperflow.models import Action, CentralDispatch, Plan
from paperflow.render import render_batch
from paperflow.render.implementing import restated_points

C275 = CentralDispatch(
    "275/BCY-CTSBMTT", date(2025, 5, 16), "Ban Cơ yếu Chính phủ",
    "tăng cường công tác quản lý, sử dụng dịch vụ chữ ký số chuyên dùng công vụ",
    (("1.", "Về quản lý, sử dụng chứng thư chữ ký số chuyên dùng công vụ"),
     ("1.1.", "Chứng thư chữ ký số của cơ quan, tổ chức\n- Trường hợp sáp nhập <A & B>;\n"
              "- Trường hợp giữ nguyên tên."),
     ("1.2.", "Chứng thư chữ ký số của cá nhân."),
     ("2.", "Thu hồi thiết bị lưu khóa bí mật không còn nhu cầu sử dụng.")))
TO = "Văn phòng UBND tỉnh; Các sở, ban, ngành tỉnh; UBND các xã, phường"


def action(c: CentralDispatch = C275) -> Action:
    return Action(kind="dispatch", action="implement", rule=f"NĐ 30/2020; {c.number}",
                  reason="…", from_=c.issuer, to=TO, route_to=TO,
                  sender="Sở Khoa học và Công nghệ tỉnh Hưng Yên", central=c)


def test_points_restated_one_item_per_top_level_point():
    items = restated_points(C275.points)
    assert len(items) == 2
    assert items[0].split("\a") == [
        "Về quản lý, sử dụng chứng thư chữ ký số chuyên dùng công vụ",
        "1.1. Chứng thư chữ ký số của cơ quan, tổ chức", "- Trường hợp sáp nhập <A & B>;",
        "- Trường hợp giữ nguyên tên.", "1.2. Chứng thư chữ ký số của cá nhân."]


def test_render_batch_writes_the_implementing_dispatch(settings, tmp_path):
    docs = render_batch(Plan("b", (action(),)), settings, tmp_path, numbers=lambda t: "07/SKHCN-CĐS")
    (doc,) = docs                       # no summary report for a batch of dispatches only
    assert (doc.type, doc.request, doc.recipient) == ("dispatch", "implement", TO)
    assert doc.sender == settings.agency.name and doc.number == "07/SKHCN-CĐS"
    paras = [p.text for p in Document(str(doc.path)).paragraphs]
    text = "\n".join(paras)
    assert "nhận Văn bản số 275/BCY-CTSBMTT ngày 16/5/2025 của Ban Cơ yếu Chính phủ" in text
    for line in ("1. Về quản lý, sử dụng chứng thư chữ ký số chuyên dùng công vụ",
                 "1.1. Chứng thư chữ ký số của cơ quan, tổ chức",
                 "- Trường hợp sáp nhập <A & B>;", "1.2. Chứng thư chữ ký số của cá nhân.",
                 "2. Thu hồi thiết bị lưu khóa bí mật không còn nhu cầu sử dụng."):
        assert line in paras, line       # each sub-point and list line is its own paragraph
    for r in ("- Văn phòng UBND tỉnh;", "- Các sở, ban, ngành tỉnh;", "- UBND các xã, phường."):
        assert r in paras


def test_two_central_dispatches_two_files(settings, tmp_path):
    c393 = CentralDispatch("393/BCY-CTSBMTT", date(2025, 6, 27), "Ban Cơ yếu Chính phủ",
                           "triển khai một số giải pháp", (("1.", "Không cấp mới."),))
    docs = render_batch(Plan("b", (action(), action(c393))), settings, tmp_path)
    assert sorted(d.path.name for d in docs) == ["CV-trien-khai-275-bcy-ctsbmtt.docx",
                                                 "CV-trien-khai-393-bcy-ctsbmtt.docx"]
