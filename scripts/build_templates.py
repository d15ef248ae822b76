"""Builds the default .docx templates with python-docx.

The generated files are committed under src/paperflow/data/templates/, the package data that
`paperflow init` copies into a workspace; paperflow itself never builds a template. After a change
here, in template_blocks.py or template_layout.py, regenerate them and commit the result:

    PYTHONPATH=src python scripts/build_templates.py [DEST]    # DEST: src/paperflow/data/templates

tests/render/test_templates.py builds them into a temporary folder and fails when the committed
files are not in step (every XML part of the .docx compared).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docx.document import Document as DocxDocument

import template_blocks as blocks
import template_layout as L
from paperflow.render.slim import slim

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEST = ROOT / "src" / "paperflow" / "data" / "templates"

LEGAL_BASIS = ("Căn cứ Nghị định số 68/2024/NĐ-CP ngày 25/6/2024 của Chính phủ quy định về chữ "
               "ký số chuyên dùng công vụ;")
CIRCULARS = ("Thực hiện Công văn số 275/BCY-CTSBMTT ngày 16/5/2025 và Công văn số "
             "393/BCY-CTSBMTT ngày 27/6/2025 của Ban Cơ yếu Chính phủ về quản lý, sử dụng chữ ký "
             "số chuyên dùng công vụ trong quá trình sắp xếp tổ chức bộ máy,")

# Form → (what is asked, heading of the last column, text of the last column)
FORMS = {
    "04": ("{{ request_text }}", "Nội dung đề nghị", "{{ r.detail }}"),
    "05": ("thu hồi", "Lý do thu hồi", "{{ r.detail }}"),
    "06": ("khôi phục thiết bị lưu khóa bí mật của", "Lý do khôi phục", "{{ r.detail }}"),
}


def _subscriber_tables(doc: DocxDocument, form: str) -> None:
    _, head, cell = FORMS[form]
    serial_head, serial_cell = "Số hiệu chứng thư", "{{ r.serial }}"
    if form == "06":
        serial_head, serial_cell = "Số hiệu chứng thư / số serial thiết bị", "{{ r.serial_token }}"
    # Beyond a page or two the dispatch names the counts and the attached list carries the rows
    # (`inline_table` false): thousands of rows twice over is what made LibreOffice the bottleneck.
    L.tag_paragraph(doc, "{%p if not inline_table %}")
    L.tag_paragraph(doc, "{%p if person_count %}")
    L.body(doc, [("- Thuê bao là cá nhân: ", ""), ("{{ person_count }}", ""), (" thuê bao;", "")],
           indent=True)
    L.tag_paragraph(doc, "{%p endif %}")
    L.tag_paragraph(doc, "{%p if organization_count %}")
    L.body(doc, [("- Thuê bao là cơ quan, tổ chức: ", ""), ("{{ organization_count }}", ""),
                 (" thuê bao;", "")], indent=True)
    L.tag_paragraph(doc, "{%p endif %}")
    L.tag_paragraph(doc, "{%p else %}")
    L.tag_paragraph(doc, "{%p if persons %}")
    L.body(doc, [("- Thuê bao là cá nhân (", ""), ("{{ persons|length }}", ""),
                 (" thuê bao):", "")], indent=True).paragraph_format.keep_with_next = True
    t = L.grid_table(doc, [12, 34, 28, 35, 24, 32], ["STT", "Họ và tên", "Số định danh cá nhân",
                     "Chức vụ, cơ quan công tác", serial_head, head])
    L.loop_rows(t, "r", "persons", ["{{ r.stt }}", "{{ r.name }}", "{{ r.id_number }}",
                "{{ r.title_agency }}", serial_cell, cell],
                align=[L.CENTER, L.LEFT, L.CENTER, L.LEFT, L.CENTER, L.LEFT])
    L.para(doc, [], after=6)
    L.tag_paragraph(doc, "{%p endif %}")
    L.tag_paragraph(doc, "{%p if organizations %}")
    L.body(doc, [("- Thuê bao là cơ quan, tổ chức (", ""), ("{{ organizations|length }}", ""),
                 (" thuê bao):", "")], indent=True).paragraph_format.keep_with_next = True
    t = L.grid_table(doc, [12, 52, 26, 33, 42], ["STT", "Tên cơ quan, tổ chức",
                     "Tỉnh/Thành phố", serial_head, head])
    L.loop_rows(t, "r", "organizations", ["{{ r.stt }}", "{{ r.name }}", "{{ r.province }}",
                serial_cell, cell], align=[L.CENTER, L.LEFT, L.CENTER, L.CENTER, L.LEFT])
    L.para(doc, [], after=6)
    L.tag_paragraph(doc, "{%p endif %}")
    L.tag_paragraph(doc, "{%p endif %}")


def dispatch(form: str) -> DocxDocument:
    """Mẫu 04 (renew / change details), 05 (revoke), 06 (restore a key token), NĐ 68/2024."""
    asked = FORMS[form][0]
    doc = L.new_document()
    blocks.header(doc)
    blocks.kinh_gui(doc)
    L.body(doc, LEGAL_BASIS)
    L.body(doc, [(CIRCULARS + " ", ""), ("{{ agency_name }}", ""), (" đề nghị ", ""),
                 ("{{ recipient }}", ""), (f" {asked} chứng thư chữ ký số chuyên dùng công vụ "
                 "cho các thuê bao sau:", "")])
    L.body(doc, [("1. Người tiếp nhận, phối hợp", "b")])
    L.body(doc, [("Họ và tên: ", ""), ("{{ contact_name }}", ""), ("; điện thoại: ", ""),
                 ("{{ contact_phone }}", ""), ("; thư điện tử công vụ: ", ""),
                 ("{{ contact_email }}", ""), (".", "")])
    L.body(doc, [("2. Danh sách thuê bao", "b")])
    _subscriber_tables(doc, form)
    L.body(doc, [("(Chi tiết tại Danh sách kèm theo Công văn này.)", "i")])
    L.body(doc, [("{{ agency_name }}", ""), (" cam kết các thông tin nêu trên là chính xác và "
                 "chịu trách nhiệm trước pháp luật về các thông tin đã cung cấp./.", "")])
    blocks.signature(doc)
    return doc


def attached_list() -> DocxDocument:
    """Danh sách kèm theo: every column of NĐ 68/2024's tables, A4 landscape."""
    doc = L.new_document(landscape=True)
    blocks.header(doc, subject=False, number=False)
    L.para(doc, [("DANH SÁCH THUÊ BAO ĐỀ NGHỊ ", "b14"), ("{{ request_title|upper }}", "b14")],
           align=L.CENTER)
    L.para(doc, [("(Kèm theo Công văn số ", "i13"), ("{{ number_symbol }}", "i13"),
                 (" ngày ", "i13"), ("{{ date_short }}", "i13"), (" của ", "i13"),
                 ("{{ agency_name }}", "i13"), (")", "i13"), ("{{ part_label }}", "i13")],
           align=L.CENTER, after=12)
    L.tag_paragraph(doc, "{%p if persons %}")
    L.para(doc, [("I. THUÊ BAO LÀ CÁ NHÂN", "b13")], after=6, keep=True)
    t = L.grid_table(doc, [12, 30, 24, 29, 32, 34, 19, 22, 23, 27], [
        "STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân", "Thư điện tử công vụ",
        "Cơ quan, tổ chức công tác", "Tỉnh/ Thành phố", "Chức vụ", "Số hiệu chứng thư",
        "{{ detail_heading }}"], size=11)
    L.loop_rows(t, "r", "persons", ["{{ r.stt }}", "{{ r.name }}", "{{ r.birth_date }}",
                "{{ r.id_number }}", "{{ r.email }}", "{{ r.agency }}", "{{ r.province }}",
                "{{ r.title }}", "{{ r.serial }}", "{{ r.detail }}"], size=11)
    L.para(doc, [], after=6)
    L.tag_paragraph(doc, "{%p endif %}")
    L.tag_paragraph(doc, "{%p if organizations %}")
    L.para(doc, [("II. THUÊ BAO LÀ CƠ QUAN, TỔ CHỨC", "b13")], after=6, keep=True)
    t = L.grid_table(doc, [12, 58, 55, 25, 38, 28, 36], [
        "STT", "Tên cơ quan, tổ chức", "Cơ quan quản lý cấp trên", "Tỉnh/ Thành phố",
        "Thư điện tử công vụ", "Số hiệu chứng thư", "{{ detail_heading }}"], size=11)
    L.loop_rows(t, "r", "organizations", ["{{ r.stt }}", "{{ r.name }}", "{{ r.managing }}",
                "{{ r.province }}", "{{ r.email }}", "{{ r.serial }}", "{{ r.detail }}"],
                size=11)
    L.tag_paragraph(doc, "{%p endif %}")
    return doc


def _minutes(subtitle: str, intro: str, heads: list[str], cols: list[float],
             cells: list[str], *, from_persons: bool = False) -> DocxDocument:
    doc = L.new_document()
    blocks.header(doc, subject=False)
    blocks.title(doc, "BIÊN BẢN", subtitle)
    L.body(doc, [("Hôm nay, ", ""), ("{{ date_words }}", ""), (", tại ", ""),
                 ("{{ receiver }}", ""), (", chúng tôi gồm:", "")])
    if from_persons:
        # One receipt per agency for all its officers (as clerks do on paper): each officer
        # signs their own row instead of a minutes of their own.
        L.body(doc, [("Bên giao: ", "b"), ("các cá nhân có tên tại bảng dưới đây", "")])
    else:
        L.body(doc, [("Bên giao: ", "b"), ("{{ giver }}", "b")])
        _representative(doc)
    L.body(doc, [("Bên nhận: ", "b"), ("{{ receiver }}", "b")])
    _representative(doc)
    if from_persons:
        L.body(doc, [("{{ rule_text }}", ""), (" Các cá nhân có tên dưới đây bàn giao cho ", ""),
                     ("{{ receiver }}", ""), (" ", ""), ("{{ items|length }}", ""),
                     (f" {intro} như sau:", "")])
    else:
        L.body(doc, [("{{ rule_text }}", ""), (" Hai bên thống nhất bàn giao ", ""),
                     ("{{ items|length }}", ""), (f" {intro} như sau:", "")])
    t = L.grid_table(doc, cols, heads)
    L.loop_rows(t, "r", "items", cells, align=[L.CENTER] + [L.LEFT] * (len(cells) - 1))
    L.para(doc, [], after=6)
    if from_persons:
        L.body(doc, "Bên nhận đã kiểm tra, tiếp nhận đủ số lượng nêu trên; mỗi người giao ký xác "
                    "nhận tại dòng của mình. Biên bản được lập thành 02 bản có giá trị như nhau, "
                    "Bên nhận giữ 01 bản, 01 bản gửi kèm danh sách thu hồi./.")
        blocks.two_party_signature(doc, giver="NGƯỜI LẬP BIÊN BẢN")
    else:
        L.body(doc, "Bên nhận đã kiểm tra, tiếp nhận đủ số lượng nêu trên. Biên bản được lập "
                    "thành 02 bản có giá trị như nhau, mỗi bên giữ 01 bản./.")
        blocks.two_party_signature(doc)
    return doc


def _representative(doc: DocxDocument) -> None:
    # Filled in by hand at the hand-over; left aligned so the dots are not stretched.
    L.para(doc, "Đại diện: ông/bà ……………………………… chức vụ: ………………………",
           align=L.LEFT, indent=True, after=6)


def handover_tokens() -> DocxDocument:
    return _minutes("Bàn giao thiết bị lưu khóa bí mật", "thiết bị lưu khóa bí mật",
                    ["STT", "Thuê bao", "Cơ quan, tổ chức", "Số serial thiết bị",
                     "Số hiệu chứng thư", "Lý do"], [12, 32, 35, 27, 27, 32],
                    ["{{ r.stt }}", "{{ r.name }}", "{{ r.agency }}", "{{ r.token_serial }}",
                     "{{ r.serial }}", "{{ r.reason }}"])


def receipt_tokens() -> DocxDocument:
    """Rule 6 for a whole agency: its officers' tokens received in one minutes."""
    return _minutes("Tiếp nhận thiết bị lưu khóa bí mật", "thiết bị lưu khóa bí mật",
                    ["STT", "Họ và tên", "Chức vụ, đơn vị", "Số serial thiết bị",
                     "Số hiệu chứng thư", "Lý do", "Người giao ký"], [12, 30, 31, 24, 24, 24, 20],
                    ["{{ r.stt }}", "{{ r.name }}", "{{ r.title_agency }}", "{{ r.token_serial }}",
                     "{{ r.serial }}", "{{ r.why }}", ""], from_persons=True)


def handover_dossiers() -> DocxDocument:
    return _minutes("Bàn giao hồ sơ đề nghị cấp mới, gia hạn, thay đổi nội dung thông tin "
                    "chứng thư chữ ký số, khôi phục thiết bị lưu khóa bí mật",
                    "hồ sơ đề nghị", ["STT", "Thuê bao", "Số hiệu chứng thư", "Loại đề nghị",
                                      "Số, ngày văn bản"], [12, 45, 32, 40, 36],
                    ["{{ r.stt }}", "{{ r.name }}", "{{ r.serial }}", "{{ r.dossier }}",
                     "{{ r.note }}"])


def org_list() -> DocxDocument:
    """Rule 8 (275 §4): the list of agencies under the focal point, for the CA's system."""
    doc = L.new_document()
    blocks.header(doc)
    blocks.kinh_gui(doc)
    L.body(doc, [("Thực hiện khoản 4 Công văn số 275/BCY-CTSBMTT ngày 16/5/2025 của Ban Cơ yếu "
                  "Chính phủ và khoản 1 Điều 34 Nghị định số 68/2024/NĐ-CP, ", ""),
                 ("{{ agency_name }}", ""), (" cung cấp danh sách ", ""),
                 ("{{ organizations|length }}", ""), (" cơ quan, tổ chức sau sắp xếp thuộc phạm "
                  "vi quản lý phục vụ việc đăng ký, quản lý chữ ký số chuyên dùng công vụ trên "
                  "môi trường mạng, cụ thể như sau:", "")])
    t = L.grid_table(doc, [12, 52, 46, 25, 30], ["STT", "Tên cơ quan, tổ chức",
                     "Cơ quan quản lý cấp trên", "Tỉnh/ Thành phố", "Ghi chú"])
    L.loop_rows(t, "r", "organizations", ["{{ r.stt }}", "{{ r.name }}", "{{ r.managing }}",
                "{{ r.province }}", "{{ r.note }}"],
                align=[L.CENTER, L.LEFT, L.LEFT, L.CENTER, L.LEFT])
    L.para(doc, [], after=6)
    L.body(doc, [("Đầu mối liên hệ: ", ""), ("{{ contact_name }}", ""), (", điện thoại: ", ""),
                 ("{{ contact_phone }}", ""), (", thư điện tử: ", ""), ("{{ contact_email }}", ""),
                 ("./.", "")])
    blocks.signature(doc)
    return doc


def report() -> DocxDocument:
    """The summary for the focal point: counts per agency and action."""
    doc = L.new_document()
    blocks.header(doc, subject=False)
    blocks.title(doc, "BÁO CÁO", "Tổng hợp đề nghị về chứng thư chữ ký số chuyên dùng công vụ "
                 "khi sắp xếp tổ chức bộ máy")
    blocks.kinh_gui(doc)
    L.body(doc, [("{{ agency_name }}", ""), (" tổng hợp các đề nghị của đợt ", ""),
                 ("{{ batch }}", ""), (" như sau:", "")])
    heads = ["STT", "Cơ quan", "Thay đổi thông tin", "Gia hạn", "Thu hồi CTS",
             "Khôi phục thiết bị", "Thu hồi thiết bị", "Bàn giao hồ sơ", "Giữ nguyên"]
    keys = ["change_info", "renew", "revoke", "restore_token", "recall", "hand_over", "keep"]
    t = L.grid_table(doc, [12, 41] + [16] * 7, heads, size=11)
    L.loop_rows(t, "r", "rows", ["{{ r.stt }}", "{{ r.agency }}"]
                + [f"{{{{ r.{k} }}}}" for k in keys], size=11,
                align=[L.CENTER, L.LEFT] + [L.CENTER] * 7)
    L.add_row(t, ["", "Tổng cộng"] + [f"{{{{ totals.{k} }}}}" for k in keys], size=11,
              align=[L.CENTER, L.LEFT] + [L.CENTER] * 7, bold=True)
    L.para(doc, [], after=6)
    L.tag_paragraph(doc, "{%p if warnings %}")
    L.body(doc, [("Những điểm cần lưu ý:", "b")])
    L.tag_paragraph(doc, "{%p for w in warnings %}")
    L.body(doc, [("- ", ""), ("{{ w }}", "")])
    L.tag_paragraph(doc, "{%p endfor %}")
    L.tag_paragraph(doc, "{%p endif %}")
    L.body(doc, "Đề nghị đầu mối được ủy quyền xem xét, tổng hợp gửi Cục Chứng thực số và Bảo "
                "mật thông tin, Ban Cơ yếu Chính phủ./.")
    blocks.signature(doc)
    return doc


def implementing() -> DocxDocument:
    """A provincial dispatch passing a central one on (like seeds 001 and 002)."""
    doc = L.new_document()
    blocks.header(doc)
    L.tag_paragraph(doc, "{%p if review_note %}")
    L.para(doc, [("{{ review_note }}", "b13")], align=L.CENTER, after=6)
    L.tag_paragraph(doc, "{%p endif %}")
    blocks.kinh_gui_many(doc)
    L.body(doc, [("{{ agency_name }}", ""), (" nhận Văn bản số ", ""), ("{{ central.number }}", ""),
                 (" ngày ", ""), ("{{ central.date }}", ""), (" của ", ""),
                 ("{{ central.issuer }}", ""), (" về ", ""), ("{{ central.subject }}", ""),
                 (" (file điện tử kèm theo); ", ""), ("{{ intro }}", "")])
    L.tag_paragraph(doc, "{%p for item in points %}")
    L.body(doc, [("{{ loop.index }}", ""), (". ", ""), ("{{ item }}", "")])
    L.tag_paragraph(doc, "{%p endfor %}")
    L.body(doc, [("{{ closing }}", "")])
    blocks.signature(doc)
    return doc


def reply() -> DocxDocument:
    """The focal point's answer to a requesting agency (thông báo kết quả, rule 18)."""
    doc = L.new_document()
    blocks.header(doc)
    blocks.kinh_gui(doc)
    L.body(doc, [("{{ agency_name }}", ""), (" nhận được Văn bản số ", ""),
                 ("{{ request.number }}", ""), (" ngày ", ""), ("{{ request.date }}", ""),
                 (" của ", ""), ("{{ recipient }}", ""), (" về việc ", ""),
                 ("{{ request.subject }}", ""), (". ", ""), ("{{ intro }}", "")])
    t = L.grid_table(doc, [12, 50, 38, 65], ["STT", "Thuê bao", "Số hiệu chứng thư",
                                              "Kết quả"])
    L.loop_rows(t, "r", "rows", ["{{ r.stt }}", "{{ r.name }}", "{{ r.serial }}",
                "{{ r.result }}"], align=[L.CENTER, L.LEFT, L.CENTER, L.LEFT])
    L.para(doc, [], after=6)
    L.body(doc, [("{{ closing }}", "")])
    L.body(doc, [("Đầu mối liên hệ: ", ""), ("{{ contact_name }}", ""), (", điện thoại: ", ""),
                 ("{{ contact_phone }}", ""), (", thư điện tử: ", ""), ("{{ contact_email }}", ""),
                 ("./.", "")])
    blocks.signature(doc)
    return doc


def processing_register() -> DocxDocument:
    """Sổ theo dõi: each received request, its check, what was done, when, by whom."""
    doc = L.new_document(landscape=True)
    blocks.header(doc, subject=False, number=False)
    blocks.title(doc, "SỔ THEO DÕI", "Tiếp nhận, xử lý đề nghị gia hạn, thay đổi nội dung "
                 "thông tin, thu hồi chứng thư chữ ký số, khôi phục thiết bị lưu khóa bí mật")
    L.para(doc, [("(Đợt ", "i13"), ("{{ batch }}", "i13"), ("; lập ", "i13"),
                 ("{{ date_words }}", "i13"), (")", "i13")], align=L.CENTER, after=12)
    t = L.grid_table(doc, [10, 36, 26, 34, 32, 44, 20, 26, 22], [
        "STT", "Cơ quan đề nghị", "Số, ngày văn bản", "Nội dung đề nghị", "Kiểm tra chữ ký số",
        "Kết quả xử lý", "Ngày xử lý", "Người xử lý", "Văn bản trả lời"], size=11)
    L.loop_rows(t, "r", "rows", ["{{ r.stt }}", "{{ r.sender }}", "{{ r.number_date }}",
                "{{ r.asked }}", "{{ r.check }}", "{{ r.result }}", "{{ r.done_at }}",
                "{{ r.done_by }}", "{{ r.reply }}"], size=11,
                align=[L.CENTER, L.LEFT, L.CENTER, L.LEFT, L.LEFT, L.LEFT, L.CENTER, L.LEFT,
                       L.CENTER])
    L.para(doc, [], after=6)
    L.body(doc, [("Người lập sổ: ", ""), ("{{ contact_name }}", ""), (".", "")])
    blocks.signature(doc, noi_nhan=False)       # the head confirms the book (signed with it)
    return doc


BUILDERS: dict[str, Callable[[], DocxDocument]] = {
    "cong_van_mau04.docx": lambda: dispatch("04"),
    "cong_van_mau05.docx": lambda: dispatch("05"),
    "cong_van_mau06.docx": lambda: dispatch("06"),
    "danh_sach_kem_theo.docx": attached_list,
    "bien_ban_ban_giao_thiet_bi.docx": handover_tokens,
    "bien_ban_tiep_nhan_thiet_bi.docx": receipt_tokens,
    "bien_ban_ban_giao_ho_so.docx": handover_dossiers,
    "danh_sach_co_quan.docx": org_list,
    "bao_cao_tong_hop.docx": report,
    "cong_van_trien_khai.docx": implementing,
    "thong_bao_ket_qua.docx": reply,
    "so_theo_doi.docx": processing_register,
}


def build_all(dest: Path) -> list[Path]:
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for name, build in BUILDERS.items():
        path = dest / name
        doc = slim(build())
        doc.core_properties.author = "paperflow"
        doc.save(str(path))
        out.append(path)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("usage: python scripts/build_templates.py [DEST]  (default: "
              "src/paperflow/data/templates)", file=sys.stderr)
        return 2
    for path in build_all(Path(args[0]) if args else DEFAULT_DEST):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
