"""The signing stage's errors: one class per thing a clerk or officer must act on differently.

All are `SigningError`s (exit code 6), so the batch and the CLI need no special cases.
"""

from __future__ import annotations

from ..errors import SigningError


class PinUnavailable(SigningError):
    code = "pin_unavailable"


class TokenAbsent(SigningError):
    code = "token_absent"


class WrongPin(SigningError):
    code = "wrong_pin"


class PinTriesLow(PinUnavailable):
    """The token says few tries are left: a PIN from the environment is not sent."""

    code = "pin_tries_low"


class KeyNotFound(SigningError):
    """No key, or several, match the configured selection on the token."""

    code = "key_not_found"


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


_VI_TRIES = {"low": " Token báo chỉ còn ít lần thử.",
             "final": " Token báo đây là LẦN THỬ CUỐI CÙNG: nhập sai nữa token sẽ bị khóa."}
_EN_TRIES = {"low": " The token says few tries are left.",
             "final": " The token says this is the FINAL TRY: one more wrong PIN locks it."}


def tries_warning(tries: str) -> str:
    return f"{_VI_TRIES.get(tries, '').strip()}\n{_EN_TRIES.get(tries, '').strip()}"


def wrong_pin(label: str, *, tries: str = "") -> WrongPin:
    vi_tries, en_tries = _VI_TRIES, _EN_TRIES
    return WrongPin(
        f"Mã PIN của token '{label}' không đúng.{vi_tries.get(tries, '')} Kiểm tra lại mã PIN "
        "(biến môi trường PAPERFLOW_PIN / PAPERFLOW_ORG_PIN hoặc nhập khi được hỏi).",
        f"Wrong PIN for token '{label}'.{en_tries.get(tries, '')} Check the PIN "
        "(PAPERFLOW_PIN / PAPERFLOW_ORG_PIN or the prompt).",
    )


def pin_refused_before(label: str, env: str) -> WrongPin:
    where_vi = f" (biến {env})" if env else ""
    where_en = f" ({env})" if env else ""
    return WrongPin(
        f"Mã PIN{where_vi} đã bị token '{label}' từ chối trong lần chạy này: paperflow không "
        "gửi lại mã PIN sai (token bị khóa sau vài lần sai). Sửa mã PIN rồi chạy "
        "'paperflow sign' trong cửa sổ dòng lệnh.",
        f"The PIN{where_en} was already refused by token '{label}' in this run: paperflow never "
        "sends a wrong PIN again (the token locks after a few). Fix the PIN, then run "
        "'paperflow sign' in a terminal.",
    )


def pin_tries_low(label: str, env: str, tries: str) -> PinTriesLow:
    return PinTriesLow(
        f"Token '{label}' báo{' đây là LẦN THỬ CUỐI CÙNG' if tries == 'final' else ' còn ít lần thử'}"
        f" (đã có lần nhập sai PIN): paperflow không dùng mã PIN trong biến {env}. Chạy "
        "'paperflow sign' trong cửa sổ dòng lệnh và tự nhập PIN; nhập đúng một lần thì token "
        "trở lại bình thường.",
        f"Token '{label}' says {'this is the FINAL TRY' if tries == 'final' else 'few tries are left'}"
        f" (a wrong PIN was entered): paperflow does not use the PIN in {env}. Run 'paperflow "
        "sign' in a terminal and type the PIN; one correct entry resets the token.",
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


def key_cert_mismatch(label: str, key: str) -> KeyCertificateMismatch:
    return KeyCertificateMismatch(
        f"Khóa bí mật ({key}) trên token '{label}' không khớp với chứng thư số đi kèm. Kiểm tra "
        "key_label / key_id / cert_serial trong config.toml, hoặc nạp lại chứng thư số đúng.",
        f"Private key ({key}) on token '{label}' does not match its certificate. Check "
        "key_label / key_id / cert_serial in config.toml or load the right certificate.",
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


def key_not_found(label: str, selection: str, listing: str, *, count: int) -> KeyNotFound:
    if count > 1:
        vi = (f"Trên token '{label}' có {count} khóa/chứng thư số khớp với {selection}: chọn "
              "đúng một bằng key_id hoặc cert_serial trong config.toml. Token đang có:")
        en = (f"{count} keys/certificates on token '{label}' match {selection}: choose one with "
              "key_id or cert_serial in config.toml. The token holds:")
    else:
        vi = (f"Không tìm thấy khóa và chứng thư số theo {selection} trên token '{label}'. "
              "Sửa key_label, key_id hoặc cert_serial trong config.toml. Token đang có:")
        en = (f"No key and certificate match {selection} on token '{label}'. Fix key_label, "
              "key_id or cert_serial in config.toml. The token holds:")
    return KeyNotFound(f"{vi}\n{listing}", f"{en}\n{listing}")


def pinpad_prompt(label: str, role: str) -> str:
    who = "cá nhân / officer" if role == "officer" else "cơ quan / agency"
    return (f"Nhập mã PIN của token '{label}' ({who}) trên bàn phím của đầu đọc.\n"
            f"Type the PIN of token '{label}' on the reader's keypad.")
