"""Every error sentence paperflow shows, in Vietnamese and in English, keyed by a stable code.

An error is raised by its code with the facts as parameters (`raise InputRejected("pdf_too_large",
n_pages=412, max_pages=200)`); its `vi` and `en` are these templates filled with them
(`str.format`), so the wording lives here and nowhere else: a raise site holds no sentence. A
parameter is a string or a number (errors cross process boundaries), or a `Phrase`: another
entry of the catalogue, filled in the same language (e.g. what a tool was run for).
tests/test_errortexts.py checks that every code raised exists here and formats with the
parameters its raise sites give. This module imports nothing of paperflow.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phrase:
    """An entry of the catalogue used as a parameter of another: rendered in the same language."""

    code: str
    params: dict[str, str | int | float] = field(default_factory=dict)


def render(code: str, params: dict[str, object], lang: int) -> str:
    """The sentence of `code` in `lang` (0: Vietnamese, 1: English) filled with `params`."""
    pair = TEXTS.get(code)
    if pair is None:                       # never raised (tests/test_errortexts.py): say it all
        return f"{code}: {params}"
    values = {k: render(v.code, v.params, lang) if isinstance(v, Phrase) else v
              for k, v in params.items()}
    try:
        return pair[lang].format_map(values)
    except (KeyError, IndexError, ValueError):   # a wrong parameter must not hide the error
        return f"{pair[lang]} {values}"


def text(code: str, lang: int, **params: object) -> str:
    """One side of an entry, for a caller that words something other than an error with it."""
    return render(code, params, lang)


_ZIP_REFUSED = (           # a .zip refused, with a zip_detail_… phrase saying why
    "Tệp nén .zip không được mở: {detail}. Giải nén trên máy đã quét virus và thả từng tệp vào "
    "inbox/.",
    "The .zip archive was not opened: {detail}. Extract it on a scanned machine and drop the "
    "files one by one.")

TEXTS: dict[str, tuple[str, str]] = {
    # sign/
    "token_failed": (
        "Token '{label}' báo lỗi: {error_type}. Rút token ra, cắm lại và thử lại.",
        "Token '{label}' failed: {error_type}. Unplug it, plug it back in, retry."),
    "token_label_repeated": (
        "Có nhiều token cùng nhãn '{token_label}': chỉ cắm một token.",
        "Several tokens are labelled '{token_label}': plug in only one."),
    "token_key_unreadable": (
        "Không đọc được khóa và chứng thư số ({selector}) trên token '{token_label}' ({exc}). Kiểm tra "
        "key_label / key_id / cert_serial trong config.toml.",
        "Cannot read the key and certificate ({selector}) on token '{token_label}' ({exc}). Check "
        "key_label / key_id / cert_serial in config.toml."),
    "pkcs11_load_failed": (
        "Không nạp được thư viện PKCS#11 '{module}': {exc}. Kiểm tra pkcs11_module trong config.toml (mỗi "
        "lần chạy chỉ dùng được một thư viện).",
        "Cannot load PKCS#11 library '{module}': {exc}. Check pkcs11_module in config.toml (one library "
        "per process)."),
    "pinpad_per_signature": (
        "Khóa trên token '{token_label}' đòi nhập PIN cho từng chữ ký nhưng đầu đọc không chuyển PIN được: "
        "dùng đầu đọc không có bàn phím.",
        "The key on token '{token_label}' asks for the PIN on every signature and the reader could not "
        "pass it: use a reader without a keypad."),
    "trust_root_unreadable": (
        "Không đọc được chứng thư CA tin cậy '{path}' (trust_roots trong config.toml): {exc}. Dùng tệp "
        ".pem hoặc .cer của CA.",
        "Cannot read trust root '{path}' (trust_roots in config.toml): {exc}. Use the CA's .pem or .cer "
        "file."),
    "softhsm_missing": (
        "Chưa cài SoftHSM2 (softhsm2-util).",
        "SoftHSM2 (softhsm2-util) is not installed."),
    "softhsm_failed": (
        "softhsm2-util lỗi: {stderr}",
        "softhsm2-util failed: {stderr}"),
    "signature_image_missing": (
        "Không tìm thấy ảnh chữ ký/con dấu '{path}' khai báo trong config.toml.",
        "Signature/seal image '{path}' named in config.toml not found."),
    "pdf_unreadable_for_signing": (
        "Không đọc được tệp PDF {name} để ký ({detail}); token vẫn dùng được. Lô này dừng ký: "
        "chạy 'paperflow sign' để chuyển đổi lại và ký; các tệp đã ký được giữ nguyên.",
        "The PDF {name} cannot be read for signing ({detail}); the token is fine. This batch's "
        "signing stops: run 'paperflow sign' to convert it again and sign; what was signed is "
        "kept."),
    "token_stopped": (
        "Token ngừng hoạt động khi đang ký {name} ({error_type}): có thể token đã bị rút ra. Cắm lại token "
        "rồi chạy 'paperflow sign'; các tệp đã ký được giữ nguyên.",
        "The token stopped working while signing {name} ({error_type}): it may have been unplugged. Plug "
        "it back in and run 'paperflow sign'; what was signed is kept."),
    "config_not_hex": (
        "Giá trị của '{where}' trong config.toml phải là số hệ 16 (hex), ví dụ \"01a3\": {value}.",
        "'{where}' in config.toml must be hexadecimal, e.g. \"01a3\": {value}."),
    "token_absent": (
        "Không tìm thấy thiết bị ký số (token) '{label}'{extra}. Cắm token vào máy, kiểm tra thư "
        "viện PKCS#11 '{module}' trong config.toml rồi chạy lại.",
        "Signing token '{label}' not found{extra}. Plug the token in, check the PKCS#11 library "
        "'{module}' in config.toml and run again."),
    "tries_low": (
        " Token báo chỉ còn ít lần thử.",
        " The token says few tries are left."),
    "tries_final": (
        " Token báo đây là LẦN THỬ CUỐI CÙNG: nhập sai nữa token sẽ bị khóa.",
        " The token says this is the FINAL TRY: one more wrong PIN locks it."),
    "wrong_pin": (
        "Mã PIN của token '{label}' không đúng.{tries} Kiểm tra lại mã PIN (biến môi trường "
        "PAPERFLOW_PIN / PAPERFLOW_ORG_PIN hoặc nhập khi được hỏi).",
        "Wrong PIN for token '{label}'.{tries} Check the PIN (PAPERFLOW_PIN / PAPERFLOW_ORG_PIN or "
        "the prompt)."),
    "pin_refused_before_env": (
        "Mã PIN (biến {env}) đã bị token '{label}' từ chối trong lần chạy này: paperflow không gửi "
        "lại mã PIN sai (token bị khóa sau vài lần sai). Sửa mã PIN rồi chạy 'paperflow sign' "
        "trong cửa sổ dòng lệnh.",
        "The PIN ({env}) was already refused by token '{label}' in this run: paperflow never sends "
        "a wrong PIN again (the token locks after a few). Fix the PIN, then run 'paperflow sign' "
        "in a terminal."),
    "pin_refused_before": (
        "Mã PIN đã bị token '{label}' từ chối trong lần chạy này: paperflow không gửi lại mã PIN "
        "sai (token bị khóa sau vài lần sai). Sửa mã PIN rồi chạy 'paperflow sign' trong cửa sổ "
        "dòng lệnh.",
        "The PIN was already refused by token '{label}' in this run: paperflow never sends a wrong "
        "PIN again (the token locks after a few). Fix the PIN, then run 'paperflow sign' in a "
        "terminal."),
    "pin_tries_low": (
        "Token '{label}' báo còn ít lần thử (đã có lần nhập sai PIN): paperflow không dùng mã PIN "
        "trong biến {env}. Chạy 'paperflow sign' trong cửa sổ dòng lệnh và tự nhập PIN; nhập "
        "đúng một lần thì token trở lại bình thường.",
        "Token '{label}' says few tries are left (a wrong PIN was entered): paperflow does not use "
        "the PIN in {env}. Run 'paperflow sign' in a terminal and type the PIN; one correct entry "
        "resets the token."),
    "pin_final_try": (
        "Token '{label}' báo đây là LẦN THỬ CUỐI CÙNG (đã có lần nhập sai PIN): paperflow không "
        "dùng mã PIN trong biến {env}. Chạy 'paperflow sign' trong cửa sổ dòng lệnh và tự nhập "
        "PIN; nhập đúng một lần thì token trở lại bình thường.",
        "Token '{label}' says this is the FINAL TRY (a wrong PIN was entered): paperflow does not "
        "use the PIN in {env}. Run 'paperflow sign' in a terminal and type the PIN; one correct "
        "entry resets the token."),
    "pin_locked": (
        "Token '{label}' đã bị khóa do nhập sai PIN quá số lần cho phép. Không thử lại: lập đề "
        "nghị khôi phục thiết bị lưu khóa bí mật (Mẫu 06) gửi tổ chức cung cấp dịch vụ.",
        "Token '{label}' is locked (too many wrong PINs). Do not retry: request token restoration "
        "(form Mẫu 06) from the certificate authority."),
    "pin_unavailable": (
        "Chưa có mã PIN cho token '{label}': đặt biến môi trường {env} hoặc chạy 'paperflow sign' "
        "trong cửa sổ dòng lệnh để nhập PIN.",
        "No PIN for token '{label}': set {env} or run 'paperflow sign' in a terminal to type it."),
    "certificate_expired": (
        "Chứng thư số của '{cn}' đã hết hạn ({not_after}). Đề nghị gia hạn hoặc cấp mới chứng thư "
        "số trước khi ký.",
        "The certificate of '{cn}' expired on {not_after}. Renew it before signing."),
    "certificate_not_yet_valid": (
        "Chứng thư số của '{cn}' chưa có hiệu lực (từ {not_before}). Kiểm tra đồng hồ máy tính "
        "hoặc chờ đến ngày có hiệu lực.",
        "The certificate of '{cn}' is not valid yet (from {not_before}). Check the computer's "
        "clock or wait until then."),
    "key_certificate_mismatch": (
        "Khóa bí mật ({key}) trên token '{label}' không khớp với chứng thư số đi kèm. Kiểm tra "
        "key_label / key_id / cert_serial trong config.toml, hoặc nạp lại chứng thư số đúng.",
        "Private key ({key}) on token '{label}' does not match its certificate. Check key_label / "
        "key_id / cert_serial in config.toml or load the right certificate."),
    "already_signed": (
        "Tệp '{name}' đã có chữ ký số; paperflow không ký lại văn bản đã ký. Dùng tệp PDF chưa "
        "ký, hoặc kiểm tra chữ ký bằng 'paperflow verify'.",
        "'{name}' is already signed; paperflow does not sign a signed document again. Use the "
        "unsigned PDF, or check it with 'paperflow verify'."),
    "certificate_revoked": (
        "Chứng thư số của {who} đã bị THU HỒI theo danh sách thu hồi (CRL/OCSP) của CA: không ký "
        "bằng chứng thư này. Liên hệ tổ chức cung cấp dịch vụ để cấp chứng thư số mới.",
        "The certificate of {who} is REVOKED according to the CA's revocation list (CRL/OCSP): do "
        "not sign with it. Ask the certificate authority for a new certificate."),
    "keys_ambiguous": (
        "Trên token '{label}' có {count} khóa/chứng thư số khớp với {selection}: chọn đúng một "
        "bằng key_id hoặc cert_serial trong config.toml. Token đang có:\n{listing}",
        "{count} keys/certificates on token '{label}' match {selection}: choose one with key_id "
        "or cert_serial in config.toml. The token holds:\n{listing}"),
    "key_not_found": (
        "Không tìm thấy khóa và chứng thư số theo {selection} trên token '{label}'. Sửa "
        "key_label, key_id hoặc cert_serial trong config.toml. Token đang có:\n{listing}",
        "No key and certificate match {selection} on token '{label}'. Fix key_label, key_id or "
        "cert_serial in config.toml. The token holds:\n{listing}"),
    # config.py, workspace.py
    "config_bad_value": (
        "Giá trị của '{where}' trong config.toml không hợp lệ: {value}.",
        "Invalid value for '{where}' in config.toml: {value}."),
    "config_not_filled": (
        "Chưa điền thông tin cơ quan trong {where}: {keys}. Mở tệp bằng Notepad, thay các dòng có "
        "\"<ĐIỀN\" bằng thông tin thật rồi chạy lại.",
        "The agency's details in {where} are not filled in: {keys}. Replace the lines marked \"<ĐIỀN … / "
        "FILL IN …>\" with the real values, then run again."),
    "not_a_workspace": (
        "Thư mục {cwd} không phải thư mục làm việc của paperflow (không có config.toml). Chuyển vào thư "
        "mục làm việc (cd D:\\hoso), dùng --config, hoặc tạo mới bằng 'paperflow init THƯ_MỤC'.",
        "{cwd} is not a paperflow workspace (no config.toml). Change into the workspace, pass --config, or "
        "create one with 'paperflow init FOLDER'."),
    "postgres_driver_missing": (
        "Sổ đăng ký dùng PostgreSQL nhưng chưa cài trình điều khiển: chạy pipx install "
        "\"paperflow[postgresql]\" (hoặc pip install \"paperflow[postgresql]\").",
        "The register is on PostgreSQL but its driver is not installed: run pipx install "
        "\"paperflow[postgresql]\" (or pip install \"paperflow[postgresql]\")."),
    "mail_security": (
        "[mail] security phải là none, starttls hoặc ssl (đang là {security}).",
        "[mail] security must be none, starttls or ssl (got {security})."),
    "config_unknown_key": (
        "Khóa không được hỗ trợ trong config.toml: [{section}] {raw_key}. Kiểm tra lỗi chính tả.",
        "Unknown key in config.toml: [{section}] {raw_key}. Check the spelling."),
    "config_not_found": (
        "Không tìm thấy tệp cấu hình {path}. Chạy 'paperflow init' để tạo thư mục làm việc.",
        "Config file {path} not found. Run 'paperflow init' to create a workspace."),
    "config_unknown_section": (
        "Mục không được hỗ trợ trong config.toml: [{section}].",
        "Unknown section in config.toml: [{section}]."),
    "config_unreadable": (
        "Không đọc được {path}: {exc}. Mở tệp bằng Notepad và sửa dòng được nêu.{hint}",
        "Cannot read {path}: {exc}. Fix the line it names.{hint}"),
    "windows_path_quotes": (
        " Đường dẫn Windows viết trong dấu nháy đơn: 'C:\\Program Files\\Hang\\token.dll'.",
        " Write Windows paths in single quotes: 'C:\\Program Files\\Vendor\\token.dll'."),
    "example_inbox_missing": (
        "Không tìm thấy bộ tệp mẫu.",
        "The bundled example inbox is missing."),
    # extract/
    "private_key": (
        "Tệp này chứa KHÓA BÍ MẬT (private key, tệp .pfx/.p12 hoặc PEM 'PRIVATE KEY'), không phải chứng "
        "thư số. paperflow không đọc và không lưu khóa bí mật. Tệp đã được chuyển vào inbox/rejected/ và "
        "chỉ người quản trị máy đọc được: hãy giữ bí mật, chép về nơi an toàn của chủ khóa nếu cần, rồi "
        "XÓA tệp khỏi thư mục này. Chỉ gửi tệp chứng thư (.cer).",
        "This file holds a PRIVATE KEY (.pfx/.p12, or PEM 'PRIVATE KEY'), not a certificate. paperflow "
        "neither reads nor stores private keys. The file was moved to inbox/rejected/ readable by its "
        "owner only: it is a secret — keep it safe (return it to the key's holder if needed) and DELETE it "
        "from this folder. Send the certificate (.cer) only."),
    "old_office": (
        "Tệp Office định dạng cũ không phải Word hay Excel (.doc/.xls). Mở tệp rồi 'Lưu thành' .docx hoặc "
        ".xlsx và thả lại vào inbox/.",
        "An old-format Office file that is neither Word nor Excel. Open it, 'Save As' .docx or .xlsx, and "
        "drop it again."),
    "unknown": (
        "Không nhận ra loại tệp. paperflow đọc: danh sách thuê bao (.xlsx, .xls, .csv), chứng thư số "
        "(.cer, .crt, .pem, .der, .p7b), quyết định/đơn đề nghị (.docx, .doc, .pdf, ảnh .png/.jpg/.tif), "
        "tệp nén .zip chứa các tệp đó.",
        "Unknown kind of file. paperflow reads subscriber lists (.xlsx .xls .csv), certificates (.cer .crt "
        ".pem .der .p7b), decisions and request forms (.docx .doc .pdf, images .png/.jpg/.tif), and .zip "
        "archives of those."),
    "broken_zip": (
        "Tệp Office (.xlsx/.docx) bị hỏng hoặc chưa chép/tải xong (thiếu phần cuối). Mở thử bằng "
        "Excel/Word; nếu mở được hãy 'Lưu thành' tệp mới, nếu không hãy xin lại tệp gốc.",
        "The Office file (.xlsx/.docx) is damaged or truncated. Try opening it in Excel/Word and 'Save As' "
        "a new file, or ask for the original again."),
    "zip_bomb": (
        "Tệp nén bất thường, có thể là tệp độc hại ({detail}); paperflow không mở. Mở bằng Excel/Word trên "
        "máy đã quét virus, 'Lưu thành' tệp mới rồi gửi lại.",
        "Suspicious compressed content, possibly a zip bomb ({detail}); not opened. Re-save the document "
        "from Excel/Word on a scanned machine and send it again."),
    "xml_entities": (
        "Tệp chứa khai báo XML bất thường ({member}: DOCTYPE/ENTITY) — có thể là tệp độc hại; paperflow "
        "không mở. Mở bằng Word/Excel, 'Lưu thành' tệp mới rồi gửi lại.",
        "The file contains unusual XML declarations ({member}: DOCTYPE/ENTITY), possibly malicious; not "
        "opened. Re-save it from Word/Excel and send it again."),
    "office_encrypted": (
        "Tệp Office được đặt mật khẩu. Bỏ mật khẩu (File → Info → Protect) rồi gửi lại.",
        "The Office file is password-protected. Remove the password and send it again."),
    "empty": (
        "Tệp rỗng (0 byte hoặc chỉ có khoảng trắng). Có thể tệp chưa chép xong hoặc bị lỗi khi tải về: "
        "chép lại tệp gốc vào inbox/.",
        "The file is empty. It may not have finished copying or downloading: copy the original into inbox/ "
        "again."),
    "html": (
        "Tệp này là một trang web (HTML), không phải PDF/Word/Excel — thường do cổng thông tin trả về "
        "trang lỗi hoặc trang đăng nhập thay cho tệp. Tải lại tệp gốc (hoặc mở bằng trình duyệt và chọn In "
        "→ Lưu thành PDF).",
        "This file is a web page (HTML), not a PDF/Word/Excel file — usually a portal's error or login "
        "page saved instead of the document. Download the real file again."),
    "xml": (
        "Tệp XML không phải loại tài liệu paperflow xử lý. Gửi danh sách dạng .xlsx/.csv, quyết định dạng "
        ".docx/.pdf.",
        "An XML file is not an input paperflow reads. Send lists as .xlsx/.csv and decisions as .docx/.pdf."),
    "office_other": (
        "Tệp Office/OpenDocument không phải Word (.docx) hay Excel (.xlsx). Mở tệp rồi 'Lưu thành' .docx "
        "hoặc .xlsx và thả lại vào inbox/.",
        "An Office/OpenDocument file that is not Word (.docx) or Excel (.xlsx). Open it, 'Save As' .docx "
        "or .xlsx, and drop it again."),
    "pdf_encrypted": (
        "PDF được đặt mật khẩu mở tệp, paperflow không đọc được. Gửi bản PDF không đặt mật khẩu (hoặc mở "
        "bằng mật khẩu rồi In → Lưu thành PDF).",
        "The PDF is password-protected and cannot be read. Send a copy without a password (or open it and "
        "Print → Save as PDF)."),
    "ocr_empty": (
        "Bản quét không nhận dạng được chữ (trang trắng, ảnh mờ hoặc nghiêng). Quét lại rõ hơn (300 dpi, "
        "thẳng trang) hoặc gửi bản .docx/.pdf có chữ.",
        "No text could be recognised in the scan (blank, blurred or skewed). Rescan at 300 dpi, straight, "
        "or send a text .docx/.pdf."),
    "bad_docx": (
        "Không mở được tệp Word (hỏng hoặc không đúng định dạng .docx). Mở bằng Word, 'Lưu thành' Word "
        "Document (.docx) rồi gửi lại.",
        "Cannot open the Word file ({error_type}). Open it in Word, 'Save As' .docx and send it again."),
    "bad_pdf": (
        "Không đọc được tệp PDF (hỏng hoặc tải về chưa xong). Mở thử bằng trình đọc PDF; nếu mở được, In → "
        "Lưu thành PDF rồi gửi lại.",
        "Cannot read the PDF ({error_type}): damaged or truncated. If it opens in a PDF reader, print it "
        "to a new PDF and send it again."),
    "pdf_too_large": (
        "PDF quá dài ({n_pages} trang; tối đa {max_pages}). Chỉ gửi phần quyết định và danh sách liên quan.",
        "The PDF is too long ({n_pages} pages; at most {max_pages}). Send only the relevant decision and "
        "lists."),
    "pdf_content_unreadable": (
        "Không đọc được nội dung PDF. In → Lưu thành PDF rồi gửi lại.",
        "Cannot read the PDF content ({error_type}). Print it to a new PDF and send it again."),
    "file_changed": (
        "Tệp {name} thay đổi trong khi đang đọc (có thể đang được chép vào): không lưu gì từ tệp; tệp được "
        "để lại trong inbox/ và đọc lại khi đã chép xong.",
        "{name} changed while it was read (probably still being copied): nothing of it was stored; it "
        "stays in inbox/ and is read again once complete."),
    "nothing_found": (
        "Không tìm thấy nội dung sắp xếp tổ chức nào (sáp nhập, hợp nhất, đổi tên, giải thể, chuyển trực "
        "thuộc) hay bảng 'Đơn vị trước/sau sắp xếp' trong văn bản. Nếu đây là quyết định sắp xếp, gửi bản "
        ".docx hoặc bản quét rõ hơn; nếu là đơn đề nghị, văn bản cần có tiêu đề 'Đơn đề nghị'/'Phiếu yêu "
        "cầu' và dòng 'Họ và tên: …'.",
        "No reorganisation statement (merge, rename, dissolve, change of superior) or before/after table "
        "was found. If this is a decision, send the .docx or a clearer scan; a request form needs a 'Đơn "
        "đề nghị'/'Phiếu yêu cầu' title and a 'Họ và tên:' line."),
    "no_header": (
        "Không tìm thấy dòng tiêu đề bảng trong {header_window} dòng đầu. Danh sách cần có cột 'Họ và tên' "
        "(hoặc 'Tên thuê bao', 'Tên cơ quan/tổ chức') và các cột như 'Số CCCD', 'Số serial chứng thư'; "
        "bảng sắp xếp cần cột 'Đơn vị trước sắp xếp' và 'Đơn vị sau sắp xếp'.",
        "No table header found in the first {header_window} rows. A list needs a 'Họ và tên' (or 'Tên thuê "
        "bao') column plus columns such as 'Số CCCD', 'Số serial chứng thư'; a reorganisation table needs "
        "'Đơn vị trước/sau sắp xếp'."),
    "read_timeout": (
        "Đọc tệp mất quá {budget:.0f} giây nên bị dừng (tệp quá lớn hoặc có cấu trúc bất thường). Tách tệp "
        "thành nhiều tệp nhỏ hơn, hoặc lưu lại thành tệp mới rồi gửi lại.",
        "Reading the file took more than {budget:.0f} s and was stopped (too large or oddly built). Split "
        "it into smaller files, or re-save it, and send it again."),
    "unreadable": (
        "Không đọc được tệp (lỗi {error_type} khi đọc). Mở tệp bằng Word/Excel/trình đọc PDF, lưu thành "
        "tệp mới rồi gửi lại; nếu vẫn lỗi, gửi tệp cho bộ phận kỹ thuật.",
        "The file could not be read ({error_type}). Re-save it from Word/Excel/a PDF reader and send it "
        "again; if it still fails, pass it to IT."),
    "no_text": (
        "Không nhận dạng được chữ trong ảnh (ảnh mờ, nghiêng, hoặc không phải văn bản). Chụp/quét lại rõ, "
        "thẳng, đủ sáng (300 dpi) rồi gửi lại, hoặc gửi bản .docx/.pdf.",
        "No text could be recognised in the image (blurred, skewed, or not a document). Photograph/scan it "
        "again (300 dpi, straight, well lit), or send a .docx/.pdf."),
    "p7b_empty": (
        "Tệp .p7b không chứa chứng thư nào.",
        "The .p7b bundle holds no certificate."),
    "bad_certificate": (
        "Không đọc được tệp chứng thư số (hỏng, hoặc không phải chứng thư X.509). Xuất lại chứng thư từ "
        "thiết bị/ứng dụng ký số dạng .cer (Base-64 hoặc DER).",
        "Cannot read the certificate file ({exc}). Export the certificate again as .cer (Base-64 or DER)."),
    "sheet_too_large": (
        "Bảng tính quá lớn ({what}; tối đa {max_rows} dòng, {max_cols} cột mỗi trang). Xóa các dòng/cột "
        "trống thừa hoặc tách thành nhiều tệp.",
        "The sheet is too large ({what}; at most {max_rows} rows and {max_cols} columns a sheet). Delete "
        "stray empty rows/columns or split the file."),
    "bad_csv": (
        "Không đọc được bảng mã của tệp CSV. Lưu lại dạng 'CSV UTF-8'.",
        "Cannot decode the CSV file. Save it as 'CSV UTF-8'."),
    "bad_xlsx": (
        "Không mở được tệp Excel (hỏng hoặc không đúng định dạng .xlsx). Mở bằng Excel, 'Lưu thành' Excel "
        "Workbook (.xlsx) rồi gửi lại.",
        "Cannot open the Excel file ({error_type}). Open it in Excel, 'Save As' Excel Workbook (.xlsx) and "
        "send it again."),
    "missing_tool": (
        "Thiếu chương trình {cmd} để {what}. Cài đặt: apt install {package}; tệp được giữ lại trong inbox/.",
        "{cmd} is not installed (needed to {what}). Install: apt install {package}; the file stays in "
        "inbox/."),
    "tool_failed": (
        "Không {what} được ({cmd} báo lỗi: {reason}). Kiểm tra tệp mở được bằng trình đọc PDF; nếu được, "
        "in lại ra PDF rồi gửi lại.",
        "Could not {what} ({cmd} failed: {reason}). Check the file opens in a PDF reader; if so, print it "
        "to a new PDF and send it again."),
    "image_too_large": (
        "Ảnh quá lớn ({w} × {h} điểm ảnh). Quét lại ở 300 dpi rồi gửi lại.",
        "The image is too large ({w} × {h} pixels). Rescan at 300 dpi and send it again."),
    "old_office_unconverted": (
        "Không chuyển được tệp Word/Excel định dạng cũ (.doc/.xls) bằng LibreOffice ({reason}). Mở tệp, "
        "'Lưu thành' .docx/.xlsx rồi gửi lại.",
        "LibreOffice could not convert the old Word/Excel file ({reason}). Open it, 'Save As' .docx/.xlsx, "
        "send it again."),
    "tool_timeout": (
        "Quá thời gian ({timeout:.0f} giây) khi {what}. Bản quét có thể quá lớn: quét lại ở 300 dpi, đen "
        "trắng, hoặc gửi bản .docx/.pdf có chữ.",
        "Timed out after {timeout:.0f} s trying to {what}. The scan may be too large: rescan at 300 dpi "
        "black and white, or send a text .docx/.pdf."),
    "bad_image": (
        "Không mở được tệp ảnh (hỏng hoặc không phải ảnh PNG/JPEG/TIFF). Chụp/quét lại rồi gửi lại, hoặc "
        "gửi bản .docx/.pdf.",
        "Cannot open the image ({error_type}). Photograph or scan it again, or send a .docx/.pdf."),
    "old_office_timeout": (
        "LibreOffice không chuyển được tệp trong {timeout:.0f} giây. Mở tệp bằng Word/Excel, 'Lưu thành' "
        ".docx/.xlsx rồi gửi lại.",
        "LibreOffice could not convert the file within {timeout:.0f} s. Open it in Word/Excel, 'Save As' "
        ".docx/.xlsx and send it again."),
    "zip_damaged": _ZIP_REFUSED,
    "zip_crowd": _ZIP_REFUSED,
    "zip_too_large": _ZIP_REFUSED,
    "zip_traversal": _ZIP_REFUSED,
    "zip_empty": _ZIP_REFUSED,
    "zip_nested": _ZIP_REFUSED,
    "zip_detail_damaged": ("tệp hỏng", "the archive is damaged"),
    "zip_detail_crowd": (
        "quá nhiều tệp ({count}; tối đa {most})",
        "too many members ({count}; at most {most})"),
    "zip_detail_path": (
        "đường dẫn không an toàn '{member}'",
        "unsafe member path '{member}'"),
    "zip_detail_link": ("liên kết '{member}'", "a link '{member}'"),
    "zip_detail_empty": ("không có tệp nào bên trong", "it holds no file"),
    "zip_detail_too_large": (
        "nội dung giải nén quá lớn",
        "the content is too large once extracted"),
    "zip_detail_nested": ("tệp nén lồng trong tệp nén", "an archive inside the archive"),
    "zip_member": (
        "Tệp nén có {failed}/{members} tệp không đọc được; không tệp nào trong tệp nén được lấy. "
        "{why_vi}",
        "{failed} of {members} files in the archive could not be read; nothing in it was taken. "
        "{why_en}"),
    "no_rows": (
        "Danh sách có dòng tiêu đề nhưng không có dòng dữ liệu nào dùng được (cột họ tên/tên thuê "
        "bao trống). Kiểm tra lại trang tính rồi gửi lại.{skipped}",
        "The list has a header but no usable data rows (the name column is empty). Check the sheet "
        "and send it again.{skipped}"),
    "rows_skipped": (" Các dòng bỏ qua: {rows}", " {count} rows were skipped."),
    "sheet_over_cols": ("trang '{sheet}': hơn {most} cột", "sheet '{sheet}': over {most} columns"),
    "sheet_over_rows": ("trang '{sheet}': hơn {most} dòng", "sheet '{sheet}': over {most} rows"),
    "sheet_over_mb": ("{mb} MB", "{mb} MB"),
    "over_rows": ("hơn {most} dòng", "over {most} rows"),
    "over_cols": ("hơn {most} cột", "over {most} columns"),
    "pdf_to_images": ("chuyển trang PDF thành ảnh", "turn the PDF's pages into images"),
    "pdf_text": ("đọc chữ trong tệp PDF", "read the text of the PDF"),
    "ocr_scan": ("nhận dạng chữ (OCR) bản quét", "recognise the text of the scan (OCR)"),
    # convert/
    "soffice_no_worker": (
        "Không còn tiến trình LibreOffice nào chạy.",
        "No LibreOffice worker is left."),
    "too_many_converters": (
        "Quá nhiều tiến trình chuyển đổi đang chạy trong {base}.",
        "Too many converters are running in {base}."),
    "convert_bad_mode": (
        "[convert] mode không hợp lệ: '{requested_mode}' (auto, uno, batch).",
        "Invalid [convert] mode '{requested_mode}' (auto, uno, batch)."),
    "soffice_not_found": (
        "Không tìm thấy LibreOffice ('{configured}'). {hint}, hoặc sửa [convert] soffice trong "
        "config.toml.",
        "LibreOffice ('{configured}') was not found. {hint}, or set [convert] soffice in "
        "config.toml."),
    "soffice_unavailable": (
        "LibreOffice không chạy được: {detail}. {hint}.",
        "LibreOffice cannot run: {detail}. {hint}."),
    "install_soffice_windows": (
        "Cài LibreOffice từ https://www.libreoffice.org/download/ (bản Windows x86-64)",
        "Install LibreOffice from https://www.libreoffice.org/download/ (Windows x86-64)"),
    "install_soffice": (
        "Cài LibreOffice: sudo apt-get install libreoffice-writer-nogui",
        "Install LibreOffice: sudo apt-get install libreoffice-writer-nogui"),
    "convert_failed": (
        "Không chuyển được '{name}' sang PDF: {why}. Mở tệp bằng Word để kiểm tra.",
        "Could not convert '{name}' to PDF: {why}. Open the file in Word to check it."),
    "convert_hung": (
        "LibreOffice treo quá {seconds:g} giây",
        "LibreOffice hung for more than {seconds:g} s"),
    "convert_unreadable": ("LibreOffice không đọc được tệp", "LibreOffice could not read the file"),
    "convert_not_docx": ("tệp không phải .docx hợp lệ", "the file is not a valid .docx"),
    "convert_reported": ("LibreOffice báo lỗi ({error})", "LibreOffice reported: {error}"),
    "convert_crashed": ("LibreOffice bị dừng đột ngột", "LibreOffice crashed on it"),
    # register/
    "desk_no_receiver": (
        "Ghi tên người nhận hồ sơ của cơ quan nhận: --by \"Họ tên\".",
        "Name who of the receiving agency received them: --by NAME."),
    "desk_bad_date": (
        "Ngày «{text}» không đúng dạng ngày/tháng/năm (ví dụ 15/07/2025).",
        "'{text}' is not a day as dd/mm/yyyy (e.g. 15/07/2025)."),
    "number_busy": (
        "Không cấp được số văn bản (cơ sở dữ liệu bận). Chạy lại.",
        "Could not allocate a document number (register busy). Run again."),
    "number_issued": (
        "Số {text} đã được cấp trước đây: một số văn bản không bao giờ dùng lại. Hỏi văn thư số tiếp theo "
        "còn trống.",
        "Number {text} was issued already: a document number is never reused. Ask the records office for "
        "the next free number."),
    "bad_number": (
        "Số văn bản '{text}' không đúng dạng hoặc không thuộc sổ của cơ quan ({books}).",
        "Document number '{text}' is malformed or not in this agency's books ({books})."),
    "no_number_series": (
        "Loại văn bản không có sổ đăng ký số: {doc_type}.",
        "No numbering series for document type {doc_type}; known: {known}."),
    "bad_start": (
        "[numbering] start: '{symbol} = {value}' không hợp lệ (ví dụ \"{symbol_of}\" = 57: số cuối văn thư "
        "đã cấp năm nay).",
        "[numbering] start: invalid '{symbol} = {value}' (e.g. \"{symbol_of}\" = 57: the records office's "
        "last number this year)."),
    "numbers_file_unreadable": (
        "Không đọc được tệp số văn bản {path}: {strerror}.",
        "Cannot read the numbers file {path}: {exc}."),
    "batch_not_in_register": (
        "Không có đợt {batch} trong sổ đăng ký. Xem 'paperflow status' để biết các đợt.",
        "No batch {batch} in the register. See 'paperflow status' for the batches."),
    "unknown_batch_state": (
        "Trạng thái không hợp lệ: {state}.",
        "Unknown state {state_repr}."),
    "batch_signed_already": (
        "Lô {batch} đã ký số: không sửa kế hoạch được nữa.",
        "Batch {batch} is signed already: its plan can no longer change."),
    "register_unopenable": (
        "Không mở được cơ sở dữ liệu ({where}): {error_type}. Kiểm tra [register] url trong config.toml và "
        "quyền ghi thư mục.",
        "Cannot open the register ({where}): {exc}. Check [register] url in config.toml and write "
        "permissions."),
    "register_mismatch": (
        "{why} Khôi phục tệp sổ (paperflow.db) từ bản sao lưu hoặc sửa [register] url; nếu chắc "
        "chắn muốn bắt đầu sổ mới, chạy lại với --new-register (số văn bản tiếp tục sau số lớn "
        "nhất đã cấp trong outbox/).",
        "{why} Restore the register (paperflow.db) from a backup or fix [register] url; to start "
        "a new register on purpose, run again with --new-register (numbers continue after the "
        "highest one issued in outbox/)."),
    "register_of_another": (
        "Sổ đăng ký ({where}) thuộc một thư mục làm việc khác (mã {theirs}, thư mục này: {mine}).",
        "The register ({where}) belongs to another workspace (id {theirs}; this workspace: "
        "{mine})."),
    "register_empty_with_history": (
        "Sổ đăng ký ({where}) trống nhưng thư mục làm việc đã có hồ sơ ({shown}): có thể tệp sổ đã "
        "bị xóa hoặc thay. Dùng sổ trống sẽ cấp lại số văn bản đã cấp và xử lý lại tệp đã xử lý.",
        "The register ({where}) is empty but this workspace has a history ({shown}): the register "
        "file was probably deleted or replaced. An empty register would issue numbers again and "
        "process files again."),
    "desk_handover_ambiguous": (
        "«{ref}» khớp {n_found} biên bản bàn giao hồ sơ: ghi số biên bản. Các biên bản: {listed}.",
        "'{ref}' names {n_found} dossier hand-over minutes; give the minutes' number. The "
        "minutes: {listed}."),
    "desk_no_handover": (
        "Không có biên bản bàn giao hồ sơ «{ref}». Các biên bản: {listed}.",
        "'{ref}' names {n_found} dossier hand-over minutes; give the minutes' number. The "
        "minutes: {listed}."),
    "register_failed": (
        "Lỗi cơ sở dữ liệu: {error_type}. Chạy lại; nếu còn lỗi, báo cán bộ CNTT kèm tệp paperflow.db.",
        "Register error: {exc}. Run again; if it persists, report it with paperflow.db."),
    "desk_ambiguous": (
        "«{ref}» khớp {n_found} văn bản ({which}): ghi đủ số và ký hiệu, hoặc mã.",
        "'{ref}' matches {n_found} requests ({which}): give the full number or the id."),
    "desk_not_found": (
        "Không có văn bản đề nghị nào đã nhận mang số hoặc mã «{ref}». Xem danh sách: paperflow desk list.",
        "No received request has the number or id '{ref}'. See: paperflow desk list."),
    "desk_not_scan": (
        "Văn bản số {number} của {sender} không phải bản quét chờ đối chiếu (tình trạng: "
        "{check}{problem}): không xác nhận được. Chỉ bản quét có chữ ký tay và con dấu mới được "
        "văn thư xác nhận; văn bản điện tử phải có chữ ký số hợp lệ.",
        "Request {number} of {sender} is not a scan waiting for the paper check (status: "
        "{check}): it cannot be accepted by hand; only a hand-signed, stamped scan can, an "
        "electronic one needs valid digital signatures."),
    "check_unchecked": ("chưa kiểm tra", "unchecked"),
    # render/
    "template_syntax": (
        "Mẫu {name} bị lỗi cú pháp ({exc}). Kiểm tra các thẻ {{{{ }}}} và {{% %}}: mỗi thẻ phải dùng dấu "
        "nháy thẳng và không bị ngắt dòng.",
        "Template {name} has a syntax error ({exc}). Check its {{{{ }}}} and {{% %}} tags: straight "
        "quotes, not broken across lines."),
    "template_missing": (
        "Không tìm thấy mẫu văn bản {name}. Chạy 'paperflow init' để chép lại các mẫu.",
        "Template {name} not found. Run 'paperflow init' to copy the templates again."),
    "template_variable": (
        "Mẫu {name} dùng biến không có dữ liệu: {missing}. Sửa tên biến trong mẫu (xem "
        "templates/README.md).",
        "Template {name} uses variables with no value: {missing}. Fix the names in the template (see "
        "templates/README.md)."),
    "template_value_missing": (
        "Mẫu {name}: thiếu giá trị ({message}). Xem templates/README.md.",
        "Template {name}: missing value ({message}). See templates/README.md."),
    "central_dispatch_incomplete": (
        "Thiếu thông tin văn bản cấp trên: {missing}.",
        "The central dispatch lacks: {missing}."),
    # deliver/
    "smtp_unreachable": (
        "Không kết nối được máy chủ thư {where} ({reason}). Kiểm tra [mail] smtp_host, smtp_port, security "
        "và mạng; thư vẫn nằm trong hàng chờ.",
        "Cannot reach the mail server {where} ({reason}). Check [mail] smtp_host, smtp_port, security and "
        "the network; the mail stays queued."),
    "smtp_insecure": (
        "Không gửi mật khẩu thư qua kết nối không mã hóa: đặt [mail] security = \"starttls\" hoặc \"ssl\".",
        "Refusing to send the SMTP password unencrypted: set [mail] security = \"starttls\" or \"ssl\"."),
    "smtp_auth": (
        "Máy chủ thư từ chối đăng nhập ({reason}). Kiểm tra PAPERFLOW_SMTP_USER và PAPERFLOW_SMTP_PASSWORD.",
        "The mail server refused the login ({reason}). Check PAPERFLOW_SMTP_USER and "
        "PAPERFLOW_SMTP_PASSWORD."),
    "manifest_unwritable": (
        "Không ghi được manifest.json vào {folder}: {strerror}.",
        "Cannot write manifest.json into {folder}: {exc}."),
    "mail_unwritable": (
        "Không ghi được thư vào {folder}: {strerror}. Kiểm tra quyền ghi thư mục outbox.",
        "Cannot write the mail into {folder}: {exc}. Check write permissions on outbox/."),
    # intake/
    "file_too_large": (
        "Tệp quá lớn ({size_mb} MB; giới hạn {max_file_mb} MB). Tách thành nhiều tệp nhỏ hơn, hoặc quét "
        "lại văn bản ở độ phân giải thấp hơn (300 dpi, đen trắng).",
        "File too large ({size_mb} MB; the limit is {max_file_mb} MB). Split it, or rescan at 300 dpi "
        "black and white."),
    # batch/
    "review_unreadable": (
        "Không đọc được tệp xem xét {name}: {error_type}.",
        "Cannot read the review sheet {name}: {exc}."),
    "review_not_ours": (
        "{name} không phải bảng XEM-XET do paperflow lập (không có mã lô).",
        "{name} is not a review sheet made by paperflow (no batch named in it)."),
    "review_bad_decision": (
        "{name}, dòng {n}: quyết định '{said}' không rõ. Ghi một hành động (ví dụ 'thu hồi', 'giữ nguyên', "
        "'thay đổi thông tin') hoặc 'bỏ'.",
        "{name}, row {n}: decision '{said}' is not an action. Write an action (e.g. 'thu hồi', 'giữ "
        "nguyên', 'thay đổi thông tin') or 'bỏ' (exclude)."),
    "review_batch_unknown": (
        "{source}: lô {batch} không có trong sổ đăng ký.",
        "{source}: batch {batch} is not in the register."),
    "review_other_batch": (
        "{source} là bảng xem xét của lô {batch}, không phải lô {batch2}.",
        "{source} is the review sheet of batch {batch}, not of {batch2}."),

    "batch_not_waiting": (
        "Không có lô nào chờ duyệt tên {name}.",
        "No batch waiting for approval named {name}."),
    "no_batch_waiting": ("Không có lô nào chờ duyệt.", "No batch waiting for approval."),
    "request_quarantined": (
        "Đề nghị “{name}” của lô {batch} không lập được văn bản nên được để riêng (không làm lại ở "
        "các lần chạy sau); các văn bản khác của lô vẫn được lập. Lỗi: {error_vi}",
        "Request “{name}” of batch {batch} could not be rendered and is set aside (not retried by "
        "later runs); the batch's other documents are produced. Error: {error_en}"),
    "file_quarantined": (
        "Nội dung tệp {name} làm bước {step} bị lỗi nên tệp được để riêng: bản sao ở "
        "inbox/rejected/, dữ liệu của tệp không được dùng cho đến khi thả vào inbox/ tệp đã sửa "
        "cùng tên; các tệp khác vẫn được xử lý. Lỗi{at}: {error_vi}",
        "The content of file {name} made {step} fail, so the file is set aside: a copy is in "
        "inbox/rejected/ and its data is not used until a corrected file of the same name is "
        "dropped into inbox/; the other files are processed. Error{at}: {error_en}"),
    "at_row_who": (" ở dòng {row}, {who}", " at row {row}, {who}"),
    "at_row": (" ở dòng {row}", " at row {row}"),
    "at_who": (" ở {who}", " at {who}"),
    "step_plan": ("lập kế hoạch", "planning"),
    "step_render": ("lập văn bản", "rendering"),
    "only_unknown": (
        "Không có văn bản nào tên {unknown} trong lô chờ ký: không ký gì cả. Tên gần giống trong lô: "
        "{known}.",
        "No document named {unknown} in the batches waiting: nothing signed. Closest names there: {known}."),
    "batch_not_in_outbox": (
        "Không tìm thấy lô '{batch}' trong outbox/.",
        "No batch '{batch}' in outbox/."),
    "numbers_need_batch": (
        "Nhiều lô đang chờ ký: ghi rõ lô nhận số văn bản (paperflow sign LÔ --number …).",
        "Several batches wait: name the batch the numbers are for (paperflow sign BATCH --number …)."),
    "batch_quarantined": (
        "Lô {name} lập lại vẫn lỗi nên được để riêng (không làm lại ở các lần chạy sau); các tệp và lô "
        "khác vẫn được xử lý. Lý do: {why}. Gửi .paperflow/paperflow.log cho bộ phận CNTT.",
        "Batch {name} failed again when produced again and is set aside (not retried by later runs); other "
        "files and batches go on. Reason: {why}. Send .paperflow/paperflow.log to IT."),
}
