"""A realistic batch of 2025 (Hưng Yên): agency merges, a province merge, awkward characters."""

from __future__ import annotations

from datetime import date

from paperflow.config import CA_NAME
from paperflow.models import Action, Plan, PlanWarning, Subscriber

HY = "Sở Khoa học và Công nghệ tỉnh Hưng Yên"
UB = "Ủy ban nhân dân tỉnh Hưng Yên"
KHDT = "Sở Kế hoạch và Đầu tư tỉnh Hưng Yên"
STC = "Sở Tài chính tỉnh Hưng Yên"
TNMT = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"
NNPTNT = "Sở Nông nghiệp và Phát triển nông thôn tỉnh Hưng Yên"
NNMT = "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"
SYT_TB = "Sở Y tế tỉnh Thái Bình"
ODD = "Phòng Kế hoạch & Tài chính <KH&TC>"


def org(name: str, serial: str, **kw) -> Subscriber:
    return Subscriber(type="organization", name=name, agency=name, managing_agency=UB,
                      province="Hưng Yên", cert_serial=serial, email="vp@hungyen.gov.vn", **kw)


def person(name: str, agency: str, serial: str, **kw) -> Subscriber:
    kw.setdefault("province", "Hưng Yên")
    kw.setdefault("managing_agency", UB)
    return Subscriber(type="person", name=name, agency=agency, cert_serial=serial,
                      birth_date=date(1980, 3, 9), email="a@hungyen.gov.vn", phone="0912345678",
                      **kw)


def realistic_plan() -> Plan:
    c = "certificate"
    acts = [
        Action(c, "revoke", "275/BCY-CTSBMTT 1.1", "Sở Kế hoạch và Đầu tư sáp nhập vào Sở Tài "
               "chính (giữ nguyên tên): thu hồi chứng thư.", serial="5401A1",
               subscriber=org(KHDT, "5401A1"), route_to=CA_NAME, sender=HY),
        Action(c, "keep", "275/BCY-CTSBMTT 1.1", "Giữ nguyên tên: tiếp tục sử dụng.",
               serial="5401A2", subscriber=org(STC, "5401A2"), route_to=CA_NAME, sender=HY),
        Action(c, "change_info", "275/BCY-CTSBMTT 1.1", "Hợp nhất thành tên mới.",
               serial="5401A3", subscriber=org(NNPTNT, "5401A3"),
               changes=(("CN", NNPTNT, NNMT),), route_to=CA_NAME, sender=HY),
        Action(c, "revoke", "275/BCY-CTSBMTT 1.1", "Hợp nhất: thu hồi chứng thư còn lại.",
               serial="5401A4", subscriber=org(TNMT, "5401A4"), route_to=CA_NAME, sender=HY),
        Action(c, "change_info", "275/BCY-CTSBMTT 1.2", "Chuyển công tác sang Sở Tài chính.",
               serial="5402B1", subscriber=person(
                   "Trần Văn Minh", KHDT, "5402B1", id_number="034085001234",
                   title="Phó Giám đốc"),
               changes=(("O", KHDT, STC), ("OU", "Phòng Tổng hợp", ODD)), route_to=CA_NAME,
               sender=HY),
        Action(c, "revoke", "275/BCY-CTSBMTT 1.2", "Nghỉ hưu từ 01/7/2025.", serial="5402B2",
               subscriber=person("Lê Thị Hoa", TNMT, "5402B2", id_number="001190000777",
                                 title="Chuyên viên", needed=False, token_serial="TK0099"),
               route_to=CA_NAME, sender=HY),
        Action(c, "renew", "23/BCY-CTSBMTT", "Hết hạn trong 60 ngày.", serial="5402B3",
               subscriber=person("Phạm Quốc <Bảo> & Cộng", STC, "5402B3",
                                 id_number="033099004321", title="Trưởng phòng",
                                 valid_until=date(2025, 8, 1)),
               route_to=CA_NAME, sender=HY),
        Action(c, "restore_token", "23/BCY-CTSBMTT", "Thiết bị bị khóa do nhập sai mã PIN.",
               serial="5402B4", subscriber=person("Vũ Thị Lan", STC, "5402B4",
                                                  id_number="034190002222", title="Kế toán",
                                                  token_serial="TK0123"),
               token_serial="TK0123", route_to=CA_NAME, sender=HY),
        Action(c, "change_info", "393/BCY-CTSBMTT 3", "Thái Bình hợp nhất vào Hưng Yên.",
               serial="5403C1", subscriber=person(
                   "Đỗ Văn Nam", SYT_TB, "5403C1", id_number="034070005555",
                   province="Thái Bình", managing_agency="Ủy ban nhân dân tỉnh Thái Bình",
                   title="Giám đốc"),
               changes=(("ST", "Thái Bình", "Hưng Yên"),), route_to=HY, sender=SYT_TB),
        Action("token", "hand_over", "275/BCY-CTSBMTT 2.2", "Nghỉ hưu: bàn giao thiết bị.",
               subscriber=person("Lê Thị Hoa", TNMT, "5402B2", token_serial="TK0099"),
               token_serial="TK0099", hand_over_to=NNMT, sender=TNMT),
        Action("token", "hand_over", "275/BCY-CTSBMTT 2.2", "Chuyển công tác: bàn giao thiết bị.",
               subscriber=person("Vũ Văn Tùng", TNMT, "5402B5", token_serial="TK0100",
                                 needed=False, need_note="Chuyển công tác ra ngoài tỉnh"),
               token_serial="TK0100", hand_over_to=NNMT, sender=TNMT),
        Action("token", "recall", "275/BCY-CTSBMTT 2.1", "Chứng thư đã thu hồi.",
               subscriber=org(KHDT, "5401A1", token_serial="TK0001"), token_serial="TK0001",
               sender=STC, hand_over_to=HY),
        Action("dossier", "hand_over", "275/BCY-CTSBMTT 3.1",
               "Hồ sơ đề nghị cấp mới chứng thư chữ ký số (12 bộ)", from_=KHDT, to=STC,
               sender=KHDT),
        Action("dossier", "hand_over", "275/BCY-CTSBMTT 3.1",
               "Hồ sơ đề nghị gia hạn & thay đổi thông tin <2024>", from_=KHDT, to=STC,
               sender=KHDT, changes=(
                   ("dossier", "Trần Văn Minh|5402B1", "Thay đổi nội dung thông tin|12/KHĐT-VP|"
                                                       "05/6/2025"),
                   ("dossier", "Phạm Quốc <Bảo> & Cộng|5402B3",
                    "Gia hạn|Đợt 20250520-hung-yen-001|20/5/2025"))),
    ]
    # the batch's own letters, as plan/dispatches.py addresses them (render never routes)
    letters = [Action("agency", "list", "275/BCY-CTSBMTT 4", reason, route_to=CA_NAME,
                    to=CA_NAME, sender=HY, subscriber=Subscriber(
                        type="organization", name=name, agency=name, managing_agency=UB,
                        province="Hưng Yên"))
             for name, reason in ((STC, ""), (NNMT, f"Tên cũ: {NNPTNT}"), (HY, ""))]
    letters.append(Action("report", "report", "NĐ 30/2020", "Báo cáo kết quả.", to=UB,
                          route_to=UB, sender=HY, from_=HY))
    return Plan("20250703-hung-yen-001", tuple(acts),
                (PlanWarning("leader_unchanged", "Lãnh đạo Sở Tài chính chưa thay đổi thông tin "
                             "chứng thư cá nhân: được tiếp tục ký trong trường hợp khẩn cấp."),),
                letters=tuple(letters))
