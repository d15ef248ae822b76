"""Vietnamese names for the benchmark workload: provinces, departments, districts, people.

Real names where they exist (the departments and districts of Hưng Yên and Thái Bình in 2025);
commune names are composed from common Sino-Vietnamese place-name syllables, as most are.
"""

from __future__ import annotations

# (province, CCCD province code, mail domain, districts (kind, name))
PROVINCES = {
    "Hưng Yên": ("033", "hungyen.gov.vn", [
        ("thành phố", "Hưng Yên"), ("thị xã", "Mỹ Hào"), ("huyện", "Văn Lâm"),
        ("huyện", "Văn Giang"), ("huyện", "Yên Mỹ"), ("huyện", "Khoái Châu"),
        ("huyện", "Ân Thi"), ("huyện", "Kim Động"), ("huyện", "Phù Cừ"), ("huyện", "Tiên Lữ"),
    ]),
    "Thái Bình": ("034", "thaibinh.gov.vn", [
        ("thành phố", "Thái Bình"), ("huyện", "Đông Hưng"), ("huyện", "Hưng Hà"),
        ("huyện", "Kiến Xương"), ("huyện", "Quỳnh Phụ"), ("huyện", "Thái Thụy"),
        ("huyện", "Tiền Hải"), ("huyện", "Vũ Thư"),
    ]),
}
KEPT = "Hưng Yên"          # Thái Bình merges into Hưng Yên (Nghị quyết 202/2025/QH15)
MERGED = "Thái Bình"

# Province departments before 2025 (name without the province suffix)
DEPARTMENTS = [
    "Sở Nội vụ", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Tài chính", "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn", "Sở Giao thông vận tải", "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường", "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Thanh tra tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh", "Ban Dân tộc",
]
# The 2025 department merges inside a province (DOMAIN.md): (sources, target, keeps name)
DEPARTMENT_MERGES = [
    (("Sở Kế hoạch và Đầu tư",), "Sở Tài chính", True),
    (("Sở Giao thông vận tải",), "Sở Xây dựng", True),
    (("Sở Thông tin và Truyền thông",), "Sở Khoa học và Công nghệ", True),
    (("Sở Lao động - Thương binh và Xã hội",), "Sở Nội vụ", True),
    (("Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn"),
     "Sở Nông nghiệp và Môi trường", False),
]
# District offices (abolished with the district level on 01/7/2025)
DISTRICT_OFFICES = [
    "Phòng Giáo dục và Đào tạo", "Phòng Tài chính - Kế hoạch", "Phòng Nội vụ",
    "Phòng Tài nguyên và Môi trường", "Phòng Y tế", "Phòng Tư pháp",
    "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "Phòng Kinh tế - Hạ tầng",
    "Phòng Văn hóa và Thông tin", "Phòng Lao động - Thương binh và Xã hội",
]
# Units under a department: (prefix, managing department)
UNITS = [
    ("Trường Trung học phổ thông", "Sở Giáo dục và Đào tạo"),
    ("Trung tâm Y tế", "Sở Y tế"),
    ("Chi cục Thủy lợi", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Trung tâm Dịch vụ việc làm", "Sở Lao động - Thương binh và Xã hội"),
    ("Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên", "Sở Giáo dục và Đào tạo"),
]
SYLLABLES = [
    "An", "Bình", "Đông", "Tây", "Nam", "Bắc", "Tân", "Hòa", "Minh", "Thanh", "Phú", "Quang",
    "Hưng", "Thịnh", "Long", "Phong", "Thái", "Hồng", "Vĩnh", "Đức", "Nghĩa", "Trung", "Hiệp",
    "Lạc", "Thuận", "Lợi", "Hải", "Sơn", "Xuân", "Hạ", "Thượng", "Cường", "Lộc", "Phúc", "Thọ",
    "Quý", "Hà", "Liên", "Dũng", "Tiến", "Khánh", "Hoàng", "Mỹ", "Đạo", "Lễ", "Văn", "Võ",
    "Nhân", "Định", "Kim",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Mai", "Trịnh", "Phan", "Lương", "Tô", "Đoàn"]
MIDDLE_M = ["Văn", "Đức", "Quốc", "Minh", "Hữu", "Công", "Xuân", "Thanh", "Ngọc", "Mạnh"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Minh", "Phương", "Thúy", "Bích"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long", "Nam",
           "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh"]
GIVEN_F = ["Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh",
           "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Yến"]
TITLES = ["Giám đốc", "Phó Giám đốc", "Chánh Văn phòng", "Trưởng phòng", "Phó Trưởng phòng",
          "Chuyên viên", "Chuyên viên chính", "Kế toán trưởng", "Văn thư", "Chủ tịch",
          "Phó Chủ tịch", "Hiệu trưởng", "Phó Hiệu trưởng"]
UNITS_OF_PERSON = ["Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ",
                   "Phòng Nghiệp vụ", "Thanh tra", "Bộ phận Một cửa", "Phòng Hành chính - Tổng hợp"]
RETIRE_NOTES = ["Nghỉ hưu từ 01/7/2025", "Chuyển công tác", "Không còn nhu cầu sử dụng",
                "Thôi giữ chức vụ"]
PARTY_NETWORK = "Mạng mật của cơ quan Đảng"

_ASCII = str.maketrans(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ",
    "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd",
)


def ascii_fold(text: str) -> str:
    """'Nguyễn Thị Lan' → 'nguyen thi lan' (for e-mail addresses)."""
    return text.lower().translate(_ASCII)
