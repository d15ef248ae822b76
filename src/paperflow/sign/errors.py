"""The signing stage's errors: one class per thing a clerk or officer must act on differently.

All are `SigningError`s (exit code 6), so the pipeline and the CLI need no special cases.
"""

from __future__ import annotations

from ..errors import SigningError


class PinUnavailable(SigningError):
    code = "pin_unavailable"


class TokenAbsent(SigningError):
    code = "token_absent"


class WrongPin(SigningError):
    code = "wrong_pin"


class PinLocked(SigningError):
    code = "pin_locked"


class CertificateNotValidNow(SigningError):
    code = "certificate_not_valid_now"


class KeyCertificateMismatch(SigningError):
    code = "key_certificate_mismatch"


class AlreadySigned(SigningError):
    code = "already_signed"


class TokenFailure(SigningError):
    """The token or its library failed in a way we have no better words for."""

    code = "token_failure"


def token_absent(label: str, module: str, *, detail: str = "") -> TokenAbsent:
    extra = f" ({detail})" if detail else ""
    return TokenAbsent(
        f"Không tìm thấy thiết bị ký số (token) '{label}'{extra}. Cắm token vào máy, "
        f"kiểm tra thư viện PKCS#11 '{module}' trong config.toml rồi chạy lại.",
        f"Signing token '{label}' not found{extra}. Plug the token in, check the PKCS#11 "
        f"library '{module}' in config.toml and run again.",
    )


def wrong_pin(label: str, *, tries: str = "") -> WrongPin:
    vi_tries = {"low": " Token báo chỉ còn ít lần thử.",
                "final": " Token báo đây là LẦN THỬ CUỐI CÙNG: nhập sai nữa token sẽ bị khóa."}
    en_tries = {"low": " The token says few tries are left.",
                "final": " The token says this is the FINAL TRY: one more wrong PIN locks it."}
    return WrongPin(
        f"Mã PIN của token '{label}' không đúng.{vi_tries.get(tries, '')} Kiểm tra lại mã PIN "
        "(biến môi trường PAPERFLOW_PIN / PAPERFLOW_ORG_PIN hoặc nhập khi được hỏi).",
        f"Wrong PIN for token '{label}'.{en_tries.get(tries, '')} Check the PIN "
        "(PAPERFLOW_PIN / PAPERFLOW_ORG_PIN or the prompt).",
    )


def pin_locked(label: str) -> PinLocked:
    return PinLocked(
        f"Token '{label}' đã bị khóa do nhập sai PIN quá số lần cho phép. Không thử lại: lập "
        "đề nghị khôi phục thiết bị lưu khóa bí mật (Mẫu 06) gửi tổ chức cung cấp dịch vụ.",
        f"Token '{label}' is locked (too many wrong PINs). Do not retry: request token "
        "restoration (form Mẫu 06) from the certificate authority.",
    )


def cert_not_valid_now(cn: str, not_before: str, not_after: str, *, expired: bool,
                       ) -> CertificateNotValidNow:
    if expired:
        return CertificateNotValidNow(
            f"Chứng thư số của '{cn}' đã hết hạn ({not_after}). Đề nghị gia hạn hoặc cấp mới "
            "chứng thư số trước khi ký.",
            f"The certificate of '{cn}' expired on {not_after}. Renew it before signing.",
        )
    return CertificateNotValidNow(
        f"Chứng thư số của '{cn}' chưa có hiệu lực (từ {not_before}). Kiểm tra đồng hồ máy "
        "tính hoặc chờ đến ngày có hiệu lực.",
        f"The certificate of '{cn}' is not valid yet (from {not_before}). Check the computer's "
        "clock or wait until then.",
    )


def key_cert_mismatch(label: str, key_label: str) -> KeyCertificateMismatch:
    return KeyCertificateMismatch(
        f"Khóa bí mật '{key_label}' trên token '{label}' không khớp với chứng thư số cùng tên. "
        "Kiểm tra key_label trong config.toml, hoặc nạp lại chứng thư số đúng vào token.",
        f"Private key '{key_label}' on token '{label}' does not match the certificate with that "
        "label. Check key_label in config.toml or load the right certificate onto the token.",
    )


def already_signed(name: str) -> AlreadySigned:
    return AlreadySigned(
        f"Tệp '{name}' đã có chữ ký số; paperflow không ký lại văn bản đã ký. Dùng tệp PDF "
        "chưa ký, hoặc kiểm tra chữ ký bằng 'paperflow verify'.",
        f"'{name}' is already signed; paperflow does not sign a signed document again. Use the "
        "unsigned PDF, or check it with 'paperflow verify'.",
    )


def pin_unavailable(env: str, label: str) -> PinUnavailable:
    return PinUnavailable(
        f"Chưa có mã PIN cho token '{label}': đặt biến môi trường {env} hoặc chạy "
        "'paperflow sign' trong cửa sổ dòng lệnh để nhập PIN.",
        f"No PIN for token '{label}': set {env} or run 'paperflow sign' in a terminal to "
        "type it.",
    )


class CertificateRevoked(SigningError):
    code = "certificate_revoked"


def cert_revoked(who: str) -> CertificateRevoked:
    return CertificateRevoked(
        f"Chứng thư số của {who} đã bị THU HỒI theo danh sách thu hồi (CRL/OCSP) của CA: không ký "
        "bằng chứng thư này. Liên hệ tổ chức cung cấp dịch vụ để cấp chứng thư số mới.",
        f"The certificate of {who} is REVOKED according to the CA's revocation list (CRL/OCSP): "
        "do not sign with it. Ask the certificate authority for a new certificate.",
    )
