"""The batch the web page tests serve (imported by name: every test folder has a conftest)."""

BATCH = "20250701-hung-yen-001"
WARNING = "Chứng thư cá nhân của Giám đốc <script>x</script> chưa thay đổi."
PLAN_ACTION = {
    "kind": "certificate", "serial": "540101010A1B2C3F",
    "subscriber": {"type": "organization", "name": "Sở Tài nguyên và Môi trường tỉnh Hưng Yên"},
    "action": "change_info",
    "changes": {"CN": ["Sở Tài nguyên và Môi trường tỉnh Hưng Yên",
                       "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"]},
    "route_to": "Cục Chứng thực số và Bảo mật thông tin, Ban Cơ yếu Chính phủ",
    "rule": "275/BCY-CTSBMTT 1.1", "reason": "Hợp nhất thành Sở Nông nghiệp và Môi trường."}
