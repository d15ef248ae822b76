"""Every sentence the command line says to the clerk, Vietnamese first with the English beside it.

The library never prints: the batch hands typed events and results (batch.Event,
batch.BatchResult) and errors keep their class; this module words them and cli.py prints.
One place, so a translation or a progress display changes only this file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PaperflowError

if TYPE_CHECKING:       # the batch is imported by the commands that run one, not for --help
    from .batch import BatchResult, Event
    from .batch.result import Warning


def error(exc: PaperflowError) -> str:
    return f"LỖI / ERROR: {exc.clerk_message()}"


DISK_FULL = (
    "LỖI / ERROR: Ổ đĩa đã đầy, hết dung lượng khi ghi {where}. Giải phóng dung lượng "
    "(xóa bớt tệp cũ, dọn thùng rác) rồi chạy lại: không tệp nào bị mất, lô đang làm dở "
    "sẽ được làm lại.\n"
    "(The disk is full: no space left while writing {where}. Free some space, then run "
    "again: nothing was lost, the unfinished batch is redone.)")
INTERNAL = (
    "LỖI NỘI BỘ: paperflow gặp lỗi không mong đợi; không tệp nào bị mất. Gửi tệp "
    ".paperflow/paperflow.log cho bộ phận CNTT.\n"
    "(Internal error: {name}: {exc}. Nothing was lost; send .paperflow/paperflow.log to IT.)")
STOPPED = "Đã dừng theo yêu cầu. (Stopped.)"
NOT_SIGNED_YET = "Chưa ký: chạy 'paperflow sign' (Not signed yet: run 'paperflow sign')"
SIGNING_PAUSED = (
    "Đã NGỪNG ký số trong phiên theo dõi này: token từ chối đăng nhập (PIN sai hoặc bị khóa); "
    "paperflow không thử lại PIN đó để token không bị khóa. Văn bản vẫn được lập dưới dạng bản "
    "nháp chưa ký. Kiểm tra PIN rồi chạy 'paperflow sign'.\n"
    "(Signing is STOPPED for this watcher: the token refused the login (wrong or locked PIN); "
    "paperflow does not try that PIN again, so the token does not lock. Documents are still "
    "produced as unsigned drafts. Check the PIN, then run 'paperflow sign'.)")


WARNINGS_SHOWN = 20


def warning_lines(warnings: Sequence[Warning]) -> list[str]:
    """Every warning reaches the terminal: each one while they are few; past WARNINGS_SHOWN a
    count per kind, so none is invisible, and the summary PDF holds every sentence."""
    out = [f"  ! {w.source}: {w.message}" for w in warnings[:WARNINGS_SHOWN]]
    rest = warnings[WARNINGS_SHOWN:]
    if rest:
        kinds = Counter(w.code for w in rest)
        out.append(f"  … và {len(rest)} cảnh báo khác, đủ cả trong TOM-TAT-LO.pdf và XEM-XET "
                   f"(and {len(rest)} more warnings, all in TOM-TAT-LO.pdf and XEM-XET):")
        out += [f"      {code}: {n}" for code, n in kinds.most_common()]
    return out


REVIEW_NEEDED = (
    "Chờ văn thư duyệt: xem XEM-XET.pdf (hoặc sửa cột QUYẾT ĐỊNH trong XEM-XET.xlsx), rồi chạy "
    "'paperflow approve'. Chưa văn bản nào được cấp số hay ký số.\n"
    "(Waiting for the clerk's review: read XEM-XET.pdf (or edit the decision column of "
    "XEM-XET.xlsx), then run 'paperflow approve'. Nothing is numbered or signed yet.)")


STAGES = {"read": ("đọc tệp", "reading files"), "convert": ("chuyển sang PDF", "converting to PDF"),
          "sign": ("ký số", "signing")}


def stage(name: str) -> str:
    """A progress bar's label: 'đọc tệp (reading files)'."""
    vi, en = STAGES.get(name, (name, name))
    return f"{vi} ({en})"


def event(e: Event) -> str | None:
    """A progress line for an event (None: nothing to say)."""
    err = e.error.clerk_message() if e.error is not None else ""
    failed_vi = f", {e.other} lỗi" if e.other else ""
    failed_en = f", {e.other} failed" if e.other else ""
    of = f"/{e.other}" if e.other else ""
    lines = {
        "taken": f"nhận tệp: {e.count} đã nhận, {e.other} bị từ chối "
                 f"(intake: {e.count} taken, {e.other} rejected)",
        "nothing_to_do": "kế hoạch: không có việc gì mới (plan: nothing to do)",
        "already_planned": "kế hoạch: mọi việc đã có trong lô trước "
                           "(plan: every action already planned in an earlier batch)",
        "planned": f"kế hoạch {e.batch}: {e.count} việc, {e.other} cảnh báo "
                   f"(plan: {e.count} actions, {e.other} warnings)",
        "resumed": f"làm lại lô {e.batch} bị gián đoạn lần trước "
                   f"(resume {e.batch}: interrupted earlier, produced again)",
        "reconciled": f"lô {e.batch}: ghi lại {e.count} văn bản từ thư mục sau lần dừng "
                      f"đột ngột (batch {e.batch}: {e.count} documents recorded after a crash)",
        "rendered": f"soạn văn bản: {e.count} văn bản (render: {e.count} documents)",
        "converted": f"chuyển PDF: {e.count} tệp{failed_vi} (convert: {e.count} PDFs{failed_en})",
        "demo_signing": ("ký số: DEMO — token SoftHSM và CA THỬ NGHIỆM, không dùng cho văn bản "
                         "thật (DEMO token and TEST CA: not for real documents)"),
        "signed": f"ký số: {e.count} tệp, {e.other} lần đăng nhập token "
                  f"(sign: {e.count} signed, {e.other} token login(s))",
        "sign_failed": f"ký số: đã dừng: {err}",
        "sign_paused": f"{e.batch}: {SIGNING_PAUSED}",
        "already_issued": f"{e.batch}: đã ký, không có gì chờ ký (already signed; nothing waits)",
        "batch_failed": f"LỖI / ERROR: {err}",
        "quarantined": f"ĐỂ RIÊNG / SET ASIDE: {err}",
        "review_needed": f"{e.batch}: {REVIEW_NEEDED}",
        "revised": (f"{e.batch}: kế hoạch sửa theo quyết định của văn thư ở {e.count} dòng "
                    f"(plan revised by the clerk's decisions: {e.count} rows)"),
        "approved": f"{e.batch}: văn thư đã duyệt kế hoạch (plan approved)",
        "step": f"{stage(e.stage)}: {e.count}{of}",
    }
    return lines.get(e.kind)


def batch(result: BatchResult, workspace: Path) -> list[str]:
    """What a clerk reads after a batch."""
    out = [f"Đã nhận {len(result.taken)} tệp; trùng lặp {len(result.duplicates)}; "
           f"bị từ chối {len(result.rejected)}.",
           f"(Taken {len(result.taken)}, duplicates {len(result.duplicates)}, "
           f"rejected {len(result.rejected)}.)"]
    out += [f"  ✗ {r.name}: {r.error.vi} ({r.error.en})  → inbox/rejected/"
            for r in result.rejected]
    out += [f"  … {d.name}: {d.error.clerk_message()}  (để lại trong inbox/, thử lại lần sau; "
            "left in inbox/, retried next time)" for d in result.deferred]
    # a file or request a later stage failed on: set aside with why, the rest produced
    out += [f"  ⊘ {q.error.vi} ({q.error.en})" + ("  → inbox/rejected/" if q.kind == "file"
                                                   else "") for q in result.quarantined]
    out += warning_lines([w for w in result.warnings if w.code != "quarantined"])  # ⊘ above
    out += [f"  Lô {b}: kế hoạch đã sửa theo XEM-XET, bản nháp lập lại (plan revised from the "
            "review sheet, drafts made again)" for b in result.revised]
    if not result.folder:
        out.append("Không có việc mới cần lập văn bản. (Nothing new to prepare.)")
        return out + [error(e) for e in result.errors]
    rel = result.folder.relative_to(workspace) if result.folder.is_relative_to(workspace) \
        else result.folder
    n = len(result.documents)
    out.append(f"Lô {result.batch}: {n} văn bản trong {rel}/ ({n} documents)")
    if result.plan is not None and result.plan.warnings:
        out.append(f"  Kế hoạch có {result.plan.warnings} cảnh báo: đủ cả trong TOM-TAT-LO.pdf, "
                   f"XEM-XET và plan.json ({result.plan.warnings} plan warnings, all of them "
                   "in TOM-TAT-LO.pdf, XEM-XET and plan.json)")
    if result.signed:
        out.append(f"  Đã ký số {result.signed} tệp PDF, {result.sessions_opened} lần đăng nhập "
                   f"token. (Signed {result.signed} PDFs, {result.sessions_opened} token "
                   "login(s).)")
    if result.not_signed == "deferred":
        out.append(f"  {NOT_SIGNED_YET}")
    elif result.not_signed == "review":
        out.append(f"  {REVIEW_NEEDED}")
    elif result.not_signed == "stopped":
        out.append(f"  {SIGNING_PAUSED}")
    if result.mails:
        out.append(f"  {len(result.mails)} thư điện tử (.eml) trong {rel}/mail/ "
                   f"({len(result.mails)} e-mails ready)")
    out += [f"  {error(e)}" for e in (result.sign_error, *result.errors) if e is not None]
    return out


def approved(result: BatchResult) -> str:
    if result.signed or result.sign_error is not None:
        return signed(result)
    return (f"Đã duyệt lô {result.batch}; chạy 'paperflow sign' để cấp số và ký số. "
            f"(Batch {result.batch} approved; run 'paperflow sign' to number and sign it.)")


def signed(result: BatchResult) -> str:
    return (f"Đã ký {result.signed} tệp PDF, {result.sessions_opened} lần đăng nhập token. "
            f"(Signed {result.signed} PDFs, {result.sessions_opened} token login(s).)")


def workspace_ready(made: Path) -> list[str]:
    return [f"Đã tạo thư mục làm việc / Workspace ready: {made}",
            "Thả tệp vào inbox/ rồi chạy 'paperflow run' trong thư mục đó.",
            "(Drop files into inbox/, then run 'paperflow run' in that folder.)"]


def watching(inbox: Path) -> str:
    return f"Đang theo dõi {inbox} — Ctrl-C để dừng. (Watching; Ctrl-C stops.)"


WATCH_STOPPED = "Đã dừng. (Stopped cleanly.)"


def serving(host: str, port: int) -> str:
    return f"Mở trình duyệt tại / Open http://{host}:{port}/  (Ctrl-C để dừng)"


# ---- the focal point's desk (paperflow desk …) -----------------------------------------------
DESK_CHECKS = {
    "valid": "hợp lệ / valid", "accepted": "bản quét đã đối chiếu / scan checked",
    "scan": "bản quét, chờ đối chiếu / scan, to check against the paper",
    "unsigned": "chưa ký số / not signed", "invalid": "chữ ký không hợp lệ / invalid signature",
    "untrusted": "chữ ký không tin cậy / untrusted", "not_head": "người ký không đúng thẩm "
    "quyền / not the head", "no_seal": "thiếu chữ ký cơ quan / no seal",
    "no_rows": "chờ danh sách kèm theo / waits for its list",
    "list": "danh sách chưa ghép / list not joined"}


def desk_list(rows: Sequence[dict]) -> list[str]:
    if not rows:
        return ["Chưa nhận văn bản đề nghị nào. (No request received.)"]
    out = ["Văn bản đề nghị đã nhận / Requests received:"]
    for r in rows:
        when = f" ngày {r['date']:%d/%m/%Y}" if r["date"] else ""
        what = f"Mẫu {r['form']}" if r["form"] else "danh sách / list"
        out.append(f"  {r['id']}  {r['number'] or '(chưa số)'}{when}  {r['sender'] or '?'}  "
                   f"{what}, {r['rows']} dòng/rows  [{DESK_CHECKS.get(r['check'], r['check'])}]")
        if r.get("lists"):
            out.append(f"      danh sách kèm theo / list filed apart: {', '.join(r['lists'])}")
        if r["accepted"]:
            who, _, at = r["accepted"].partition("|")
            out.append(f"      đã đối chiếu / checked by {who}, {at}")
        if r["problem"]:
            out.append(f"      {r['problem']}")
    if any(r["check"] == "scan" for r in rows):
        out.append("Bản quét: đối chiếu bản giấy rồi 'paperflow desk accept <số hoặc mã> --by "
                   "<tên>'. (Scans: check the paper, then accept them.)")
    return out


def desk_accepted(d: dict) -> str:
    return (f"Đã ghi nhận: {d['by']} đối chiếu văn bản số {d['number']} của {d['sender']} "
            f"({d['rows']} dòng) lúc {d['at']}; lần chạy tới ('paperflow run') sẽ thực hiện. "
            f"(Recorded: {d['by']} checked request {d['number']} against the paper; the next "
            "run carries it out.)")


def desk_receipt(d: dict) -> str:
    return (f"Đã ghi nhận: {d['receiver']} ({d['by']}) nhận hồ sơ bàn giao theo biên bản "
            f"{d['number'] or '(chưa số)'} (lô {d['batch']}) ngày {d['on']:%d/%m/%Y}. "
            f"(Recorded: {d['receiver']} received the dossiers of minutes "
            f"{d['number'] or '(not numbered)'} on {d['on']:%d/%m/%Y}.)")
