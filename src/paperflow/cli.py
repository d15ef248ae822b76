"""`paperflow …` — a thin command line over the library.

Each command parses, calls one library function (the `batch` package for run, watch and sign),
prints. Every sentence comes from messages.py; errors keep their class up to `_clerk_errors`,
the one place where they become messages and exit codes.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import json
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__, messages
from .config import Settings, load_settings, require_filled
from .errors import ExitCode, PaperflowError

if TYPE_CHECKING:
    from .batch import BatchResult
    from .progress import Display

log = logging.getLogger("paperflow")


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


@contextmanager
def _clerk_errors() -> Iterator[None]:
    """The one place where errors become messages and exit codes."""
    try:
        yield
    except PaperflowError as exc:
        print(messages.error(exc), file=sys.stderr)
        raise _Exit(int(exc.exit_code)) from exc
    except KeyboardInterrupt as exc:
        print(messages.STOPPED, file=sys.stderr)
        raise _Exit(130) from exc
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise _internal(exc) from exc
        where = exc.filename or "thư mục làm việc"
        print(messages.DISK_FULL.format(where=where), file=sys.stderr)
        raise _Exit(int(ExitCode.FAILED)) from exc
    except Exception as exc:  # noqa: BLE001 — last line of defence, with the trace kept
        raise _internal(exc) from exc


def _internal(exc: BaseException) -> _Exit:
    log.error("internal error\n%s", "".join(traceback.format_exception(exc)))
    print(messages.INTERNAL.format(name=exc.__class__.__name__, exc=exc), file=sys.stderr)
    return _Exit(int(ExitCode.FAILED))


def _log_thread_errors(args: threading.ExceptHookArgs) -> None:
    """A worker thread's crash goes to the log, not as a traceback on the clerk's screen; the
    batch reports the failure itself."""
    log.error("error in thread %s", args.thread.name if args.thread else "?",
              exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def _settings(args: argparse.Namespace, *, workspace: bool = True) -> Settings:
    # outside a workspace the commands that write refuse instead of making one in any folder
    settings = load_settings(args.config, required=workspace)
    if getattr(args, "new_register", False):
        settings = dataclasses.replace(settings, new_register=True)
    settings.state.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(settings.state / "paperflow.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("paperflow").addHandler(handler)
    logging.getLogger("paperflow").setLevel(logging.INFO)
    return settings


def _progress(args: argparse.Namespace) -> Display:
    """Bars at a terminal, plain lines in a log (progress.py); nothing with -q."""
    from .progress import Display

    return Display(quiet=args.quiet)


# ---- commands -------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from .workspace import init_workspace

    # a clerk at a terminal is asked for the agency's details; elsewhere blanks are marked
    ask = input if sys.stdin.isatty() and not (args.example or args.demo) else None
    if ask is not None:
        print("Thông tin cơ quan (Enter để bỏ trống, điền sau trong config.toml).\n"
              "(The agency's details; Enter leaves a marked blank to fill in config.toml later.)")
    made = init_workspace(Path(args.dir), example=args.example, demo=args.demo, ask=ask)
    print("\n".join(messages.workspace_ready(made)))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .batch import run_once

    settings = _settings(args)
    require_filled(settings)
    with _progress(args) as say:
        result = run_once(settings, sign_now=False if args.no_sign else None, progress=say)
    print("\n".join(messages.batch(result, settings.workspace)))
    return result.exit_code


def cmd_watch(args: argparse.Namespace) -> int:
    from .batch import watch

    settings = _settings(args)
    require_filled(settings)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(messages.watching(settings.inbox), flush=True)
    with _progress(args) as say:
        def said(r: BatchResult) -> None:
            say.close()                 # the batch's bars end before its summary
            print("\n".join(messages.batch(r, settings.workspace)), flush=True)

        watch(settings, stop=stop, progress=say, on_batch=said)
    print(messages.WATCH_STOPPED)
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from .batch import sign_pending

    settings = _settings(args)
    hand = list(args.number or [])
    if args.numbers:
        from .register.numbering import read_numbers_file

        hand += read_numbers_file(Path(args.numbers))
    with _progress(args) as say:
        result = sign_pending(settings, batch=args.batch, only=args.only, progress=say,
                              hand_numbers=hand)
    print(messages.signed(result))
    for err in result.errors:
        print(f"  {messages.error(err)}")
    return result.exit_code


def cmd_approve(args: argparse.Namespace) -> int:
    from .batch import approve, pins_available

    settings = _settings(args)
    result = approve(settings, batch=args.batch, edits=Path(args.edits) if args.edits else None,
                     sign_now=pins_available(settings), progress=_progress(args))
    print(messages.approved(result))
    for err in result.errors:
        print(f"  {messages.error(err)}")
    return result.exit_code


def cmd_verify(args: argparse.Namespace) -> int:
    from .sign import verify_pdfs

    settings = _settings(args, workspace=False)
    from .sign import trust_roots

    roots = [Path(r) for r in args.trust_root] if args.trust_root else trust_roots(settings)
    reports = verify_pdfs([Path(p) for p in args.files], roots)
    for rep in reports:
        for line in rep.lines():
            print(line)
    return 0 if reports and all(r.valid for r in reports) else int(ExitCode.INVALID)


def cmd_status(args: argparse.Namespace) -> int:
    from .register import Register
    from .register.status import status_report

    settings = _settings(args)
    with Register.open(settings) as reg:
        report = status_report(settings, reg)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        print(report.to_table())
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from .deliver import send_pending
    from .register import Register

    settings = _settings(args)
    with Register.open(settings) as reg:
        report = send_pending(settings, reg, batch=args.batch, retry_failed=args.retry_failed,
                              resend_uncertain=args.resend_uncertain)
    print(report)
    return 0 if report.ok else int(ExitCode.DELIVERY)


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import make_server

    settings = _settings(args)
    server = make_server(settings, host=args.host, port=args.port)
    print(messages.serving(args.host, args.port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_desk(args: argparse.Namespace) -> int:
    from .register import Register
    from .register import received as desk
    from .register.core import who

    settings = _settings(args)
    with Register.open(settings) as reg:
        if args.desk_command == "accept":
            print(messages.desk_accepted(desk.desk_accept(reg, args.ref, args.by or who())))
        elif args.desk_command == "receipt":
            from .register import receipts

            print(messages.desk_receipt(receipts.record_receipt(
                reg, args.ref, args.by, receipts.parse_day(args.date), who())))
        else:
            print("\n".join(messages.desk_list(desk.desk_list(reg))))
    return 0


def _desk_args(sp: argparse.ArgumentParser) -> None:
    """`paperflow desk list | accept REF [--by NAME] | receipt REF --by NAME --date D`."""
    inner = sp.add_subparsers(dest="desk_command", metavar="VIỆC/ACTION",
                              title="việc / actions")
    inner.add_parser("list", help="văn bản đề nghị đã nhận, tình trạng kiểm tra / the requests "
                                  "received and their check")
    acc = inner.add_parser("accept", help="văn thư đã đối chiếu bản quét với bản giấy (chữ ký "
                                          "tay, con dấu) / a scan checked against the paper")
    acc.add_argument("ref", help="số văn bản (123/SYT-VP) hoặc mã trong 'desk list' / the "
                                 "request's number or id")
    acc.add_argument("--by", default=None, help="người đối chiếu / who checked it")
    rec = inner.add_parser("receipt", help="cơ quan nhận đã nhận hồ sơ bàn giao (khoản 3 Công "
                                           "văn 275/BCY-CTSBMTT) / the receiver received the "
                                           "handed-over dossiers")
    rec.add_argument("ref", help="số biên bản bàn giao hồ sơ hoặc lô / the minutes' number or "
                                 "batch")
    rec.add_argument("--by", required=True, help="người nhận của cơ quan nhận / who received")
    rec.add_argument("--date", required=True, help="ngày nhận dd/mm/yyyy / the day received")


# ---- parser ---------------------------------------------------------------------------------

COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "init": (cmd_init, "Tạo thư mục làm việc mới (config.toml, inbox/, outbox/, templates/). "
                       "Create a workspace."),
    "run": (cmd_run, "Xử lý mọi tệp đang có trong inbox/ rồi thoát. "
                     "Process everything now in inbox/ and exit."),
    "watch": (cmd_watch, "Theo dõi inbox/ liên tục cho đến khi dừng (Ctrl-C). "
                         "Keep watching inbox/ until stopped."),
    "sign": (cmd_sign, "Ký số mọi văn bản đang chờ ký, một lần nhập PIN. "
                       "Sign everything waiting, one PIN entry."),
    "approve": (cmd_approve, "Duyệt kế hoạch đã xem xét (XEM-XET), có thể kèm bảng đã sửa, rồi "
                             "cấp số và ký. Approve the reviewed plan, then number and sign."),
    "verify": (cmd_verify, "Kiểm tra chữ ký số trong tệp PDF. "
                           "Validate the signatures of PDFs (exit 0 only if all valid)."),
    "status": (cmd_status, "Xem việc đã lập kế hoạch, chờ ký, đã gửi, quá hạn. "
                           "What is planned, waiting, sent, overdue."),
    "send": (cmd_send, "Gửi thư điện tử đang chờ (SMTP). Send pending mail."),
    "desk": (cmd_desk, "Đầu mối: văn bản đề nghị đã nhận (list), xác nhận bản quét đã đối "
                       "chiếu (accept), cơ quan nhận đã nhận hồ sơ bàn giao (receipt). The focal "
                       "point's received requests; dossier receipts."),
    "serve": (cmd_serve, "Mở trang web nội bộ xem tình trạng và tải văn bản. "
                         "A local web page with the status and documents."),
}


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's own words, in Vietnamese with the English beside them."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups,
                          "Cách dùng / usage: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "đối số / arguments"
        self._optionals.title = "tùy chọn / options"
        self.add_argument("-h", "--help", action="help",
                          help="xem hướng dẫn này rồi thoát / show this help and exit")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.USAGE),
                  "LỖI / ERROR: lệnh không đúng cú pháp, xem 'paperflow --help' "
                  f"(usage error, see 'paperflow --help': {message})\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="paperflow",
        description=(
            "paperflow: lập, ký và gửi hồ sơ chứng thư chữ ký số chuyên dùng công vụ khi sắp xếp "
            "tổ chức bộ máy năm 2025.\n(Certificate paperwork of the 2025 reorganisation: from "
            "the inbox folder to signed, mailed dispatches.)"
        ),
    )
    parser.add_argument("--version", action="version", version=f"paperflow {__version__}",
                        help="phiên bản / show the version and exit")
    parser.add_argument("--config", default=None,
                        help="tệp cấu hình / config file (mặc định/default ./config.toml)")
    parser.add_argument("-q", "--quiet", action="store_true", help="ít thông báo / less output")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH/COMMAND",
                                title="các lệnh / commands")
    for name, (_fn, text) in COMMANDS.items():
        sp = sub.add_parser(name, help=text, description=text)
        sp.set_defaults(command=name)
        if name not in ("init", "verify"):
            sp.add_argument("--new-register", action="store_true",
                            help="chấp nhận sổ đăng ký mới/trống bên cạnh các lô đã có "
                                 "(số tiếp tục sau số lớn nhất đã cấp) / accept a new or "
                                 "empty register next to existing batches")
        if name == "init":
            sp.add_argument("dir", nargs="?", default=".", help="thư mục / folder (default .)")
            sp.add_argument("--example", action="store_true",
                            help="chép bộ tệp mẫu vào inbox/ / copy the bundled example inbox")
            sp.add_argument("--demo", action="store_true",
                            help="dùng token SoftHSM và CA thử nghiệm / use a demo token and test CA")
        elif name == "run":
            # `run` always processes the inbox once and exits; --once stays accepted (the
            # docs/DESIGN.md contract names it) and means just that.
            sp.add_argument("--once", action="store_true",
                            help="một lượt rồi thoát: đã là mặc định / one batch then exit: "
                                 "already the default")
            sp.add_argument("--no-sign", action="store_true",
                            help="không ký lúc này / do not sign now (sign later)")
        elif name == "sign":
            sp.add_argument("batch", nargs="?", default=None, help="lô / batch (default: all)")
            sp.add_argument("--batch", dest="batch", help="lô cần ký / the batch to sign")
            sp.add_argument("--only", action="append", default=None,
                            help="chỉ ký tệp này (lặp lại được) / only this file (repeatable)")
            sp.add_argument("--number", action="append", default=None, metavar="SỐ",
                            help="số văn thư cấp cho văn bản, ví dụ 58/SKHCN-CĐS (lặp lại "
                                 "được) / a number from the records office (repeatable)")
            sp.add_argument("--numbers", default=None, metavar="FILE",
                            help="tệp số văn bản, mỗi dòng một số / a file of numbers, one a "
                                 "line")
        elif name == "approve":
            sp.add_argument("batch", nargs="?", default=None,
                            help="lô / batch (mặc định: lô cũ nhất đang chờ / the oldest waiting)")
            sp.add_argument("--edits", default=None,
                            help="bảng XEM-XET.xlsx đã sửa cột quyết định / the edited sheet")
        elif name == "verify":
            sp.add_argument("files", nargs="+", help="tệp PDF / PDF files")
            sp.add_argument("--trust-root", action="append", default=None,
                            help="chứng thư gốc tin cậy / trust root (PEM/DER), repeatable")
        elif name == "status":
            sp.add_argument("--json", action="store_true", help="xuất JSON / JSON output")
        elif name == "send":
            sp.add_argument("--batch", default=None, help="chỉ lô này / only this batch")
            sp.add_argument("--retry-failed", action="store_true",
                            help="gửi lại thư lỗi / retry failed messages")
            sp.add_argument("--resend-uncertain", action="store_true",
                            help="gửi lại thư chưa rõ đã tới chưa (đã kiểm tra là chưa nhận) / "
                                 "resend mail that may have arrived (checked: it did not)")
        elif name == "desk":
            _desk_args(sp)
        elif name == "serve":
            sp.add_argument("--host", default="127.0.0.1",
                            help="địa chỉ nghe, mặc định chỉ máy này / address to listen on "
                                 "(default: this machine only)")
            sp.add_argument("--port", type=int, default=8765,
                            help="cổng / port (default 8765)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return int(ExitCode.USAGE)
    fn = COMMANDS[args.command][0]
    threading.excepthook = _log_thread_errors
    try:
        with _clerk_errors():
            return fn(args)
    except _Exit as exc:
        return exc.code


if __name__ == "__main__":
    sys.exit(main())
