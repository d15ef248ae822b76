"""Frozen records handed between the stages (docs/DESIGN.md, "The flow").

intake → Incoming; extract → Extracted (Subscriber, Certificate, MergeEvent, Request);
plan → Plan (Action, PlanWarning); render → RenderedDocument; sign → SignedDocument.
All text is NFC (see `text.nfc`); serials are normalised hex (`text.normalise_serial`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any


class InputKind(StrEnum):
    SUBSCRIBER_LIST = "subscriber_list"
    CERTIFICATE = "certificate"
    DECISION = "decision"
    REQUEST_FORM = "request_form"
    PERSONNEL = "personnel"
    CENTRAL_DISPATCH = "central_dispatch"   # a công văn from Ban Cơ yếu / a ministry to pass on
    PROVINCIAL_DISPATCH = "provincial_dispatch"  # a province's dispatch implementing one (kept)
    RECEIVED_REQUEST = "received_request"   # an agency's Mẫu 04/05/06 to the focal point (rule 18)


@dataclass(frozen=True)
class Incoming:
    """A file taken from the inbox, identified by its content."""

    path: Path          # where it is now (in the inbox)
    sha256: str
    name: str           # its name relative to inbox/, as the clerk dropped it
    size: int
    mtime_ns: int = 0   # as hashed: a file that differs when read has changed (a copy going on)
    ctime_ns: int = 0


@dataclass(frozen=True)
class Subscriber:
    """One row of a subscriber list / personnel list / request form: one certificate holder."""

    type: str                       # "person" | "organization"
    name: str
    agency: str = ""                # the unit the person works in, or the organisation itself
    managing_agency: str = ""       # cơ quan quản lý cấp trên
    province: str = ""
    title: str = ""                 # chức vụ
    id_number: str = ""             # số định danh cá nhân / CCCD (digits kept as text)
    email: str = ""
    phone: str = ""
    birth_date: date | None = None
    cert_serial: str = ""
    token_serial: str = ""
    valid_until: date | None = None
    needed: bool = True             # False: "Hết nhu cầu", retired, moved out …
    need_note: str = ""             # the clerk's words about the need (reason for revocation)
    network: str = ""               # e.g. "mạng mật của cơ quan Đảng"
    new_agency: str = ""            # personnel changes: the agency the person moves to
    new_title: str = ""
    source: str = ""                # file it came from
    source_row: int = 0             # its row in that file's sheet, as Excel numbers it (0: none)
    # what the CA's forms ask besides (issue 14 item 8), when a list carries it
    id_issued: date | None = None   # ngày cấp CCCD
    id_place: str = ""              # nơi cấp CCCD
    tax_code: str = ""              # an organisation's mã số thuế or mã quan hệ ngân sách


@dataclass(frozen=True)
class Certificate:
    serial: str
    subject: tuple[tuple[str, str], ...]    # (("CN", "..."), ("O", "...")) in certificate order
    issuer: str
    not_before: date
    not_after: date
    source: str = ""

    def attr(self, name: str) -> str:
        for k, v in self.subject:
            if k == name:
                return v
        return ""


class MergeKind(StrEnum):
    MERGE_NEW = "merge_new"             # A + B → new name D            (rule 1)
    MERGE_KEEP = "merge_keep"           # A into B, B keeps its name    (rule 2)
    SUPERIOR_CHANGE = "superior_change" # A now under B                 (rule 3)
    RENAME = "rename"                   # A renamed B                   (rule 3 / Điều 15)
    DISSOLVE = "dissolve"               # A dissolved


@dataclass(frozen=True)
class MergeEvent:
    kind: MergeKind
    sources: tuple[str, ...]        # agencies before
    target: str                     # agency after (new name, kept name, new superior's child …)
    superior: str = ""              # the new managing agency, where the statement gives it
    old_superior: str = ""          # the managing agency before ("chuyển A từ C về …"), if given
    keep_certificate_of: str = ""   # rule 1: the decision/config names whose certificate to change
    decision: str = ""              # "Quyết định số 1520/QĐ-UBND ngày …"
    effective: date | None = None
    source: str = ""
    confidence: float = 1.0         # < 1.0 when names were matched fuzzily (OCR)


@dataclass(frozen=True)
class Request:
    """A request form: one subscriber asks for something."""

    request: str                    # issue_new | renew | change_info | revoke | restore_token
    subscriber: Subscriber
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class CentralDispatch:
    """A central dispatch (công văn of Ban Cơ yếu Chính phủ or a ministry, like 275 and 393)
    that the province passes on to its agencies in an implementing dispatch."""

    number: str                     # "275/BCY-CTSBMTT"; "/BCY-CTSBMTT" when the copy has none yet
    date: date | None               # the date of the dispatch (None: not readable)
    issuer: str                     # "Ban Cơ yếu Chính phủ"
    subject: str                    # the "V/v" line without "V/v"
    points: tuple[tuple[str, str], ...] = ()   # (("1.", "Về quản lý …"), ("1.1.", "…"), …)
    source: str = ""
    signer: str = ""
    ocr: bool = False               # read from a scan: the points may carry OCR damage
    provincial: bool = False        # a province's own implementing dispatch (seeds 001/002)

    @property
    def date_short(self) -> str:
        """'16/5/2025', '14/01/2025' — as dispatches cite dates (NĐ 30: 0 before months 1–2)."""
        d = self.date
        if d is None:
            return ""
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"{d.day:02d}/{month}/{d.year}"


@dataclass(frozen=True)
class SheetReport:
    """How one sheet (or table) of a file was read: nothing read is left unaccounted for."""

    sheet: str                      # the sheet's title ("" for a CSV or a document's table)
    header_rows: tuple[int, ...] = ()   # 1-based rows of the header (two for a split header)
    columns: tuple[tuple[str, str], ...] = ()   # (meaning, header as written) in sheet order
    missing: tuple[str, ...] = ()   # key columns not found (by meaning, e.g. "cert_serial")
    rows_read: int = 0              # non-empty rows under the header
    rows_stored: int = 0            # rows that became records
    skipped: tuple[tuple[int, str], ...] = ()  # (1-based sheet row, why) for each row left out
    kind: str = ""                  # what the sheet was read as (an InputKind value; "" = none)


@dataclass(frozen=True)
class ReadingReport:
    """What reading one inbox file gave: per sheet, rows read, stored and skipped (with why),
    and every warning the readers raised (a bad date, a serial that is not hex …)."""

    source: str
    kind: str = ""                  # InputKind value of the file
    sheets: tuple[SheetReport, ...] = ()
    warnings: tuple[str, ...] = ()
    parts: tuple[ReadingReport, ...] = ()   # a .zip: each member's own report

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sheets) + sum(p.rows_read for p in self.parts)

    @property
    def rows_stored(self) -> int:
        return sum(s.rows_stored for s in self.sheets) + sum(p.rows_stored for p in self.parts)

    def all_warnings(self) -> tuple[str, ...]:
        """This report's warnings (a missing key column is one) and its members'."""
        out = list(self.warnings)
        for p in self.parts:
            out.extend(p.all_warnings())
        return tuple(out)

    def lines(self) -> list[str]:
        """The report as short Vietnamese lines for a terminal, a summary or a web page."""
        out: list[str] = []
        for s in self.sheets:
            where = f"trang '{s.sheet}'" if s.sheet else "bảng"
            out.append(f"{self.source}: {where}: đọc {s.rows_read} dòng, lưu {s.rows_stored}, "
                       f"bỏ qua {len(s.skipped)}")
            out.extend(f"{self.source}: {where}: dòng {n}: {why}" for n, why in s.skipped)
        out.extend(self.warnings)
        for p in self.parts:
            out.extend(p.lines())
        return out


@dataclass(frozen=True)
class ReceivedRequest:
    """A request dispatch (Mẫu 04/05/06) an agency sent to the focal point (rule 18): who sent
    it, its number and date, each subscriber row, and whether it may be carried out."""

    sender: str                     # the requesting agency, as its header names it
    number: str                     # "12/STC-VP" ("" when the copy has none)
    date: date | None
    form: str                       # "04" | "05" | "06"
    rows: tuple[Request, ...] = ()  # one per subscriber row, its request kind decided
    subject: str = ""
    signer: str = ""                # who signed: the certificate's CN, or "" when unsigned
    # valid | accepted (a scan the clerk checked) | unsigned | invalid | untrusted | not_head |
    # no_seal | scan | no_rows | list
    check: str = ""
    problem: str = ""               # why it is not carried out (Vietnamese), "" when valid
    source: str = ""
    sha256: str = ""
    signature_block: str = ""       # the text of its signature block (title over the name)
    accepted: str = ""              # a scan checked against the paper: "who|dd/mm/yyyy HH:MM"

    @property
    def usable(self) -> bool:
        return self.check in ("valid", "accepted")


@dataclass(frozen=True)
class Extracted:
    """What one input file yielded."""

    kind: InputKind
    subscribers: tuple[Subscriber, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    merge_events: tuple[MergeEvent, ...] = ()
    requests: tuple[Request, ...] = ()
    warnings: tuple[str, ...] = ()
    central_dispatches: tuple[CentralDispatch, ...] = ()
    provincial_dispatches: tuple[CentralDispatch, ...] = ()    # provincial=True, not stored yet
    report: ReadingReport | None = None     # how the file was read (extract.read sets it)
    received: tuple[ReceivedRequest, ...] = ()   # a focal point's incoming request dispatches


@dataclass(frozen=True)
class PlanWarning:
    code: str
    message: str


@dataclass(frozen=True)
class Action:
    """One decision of the plan; serialises to docs/DESIGN.md's plan.json entry."""

    kind: str                       # certificate | token | dossier | dispatch
    action: str                     # change_info|revoke|keep|renew|restore_token|issue_new|recall|hand_over
    rule: str                       # e.g. "275/BCY-CTSBMTT 1.1"
    reason: str                     # a Vietnamese sentence a clerk can check
    serial: str = ""
    subscriber: Subscriber | None = None
    changes: tuple[tuple[str, str, str], ...] = ()   # (attribute, old, new)
    route_to: str = ""              # who receives the request (CA or a focal point)
    sender: str = ""                # the agency that sends the dispatch
    token_serial: str = ""
    hand_over_to: str = ""
    from_: str = ""                 # dossier: from agency
    to: str = ""                    # dossier: to agency
    central: CentralDispatch | None = None  # dispatch: the central dispatch passed on

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == "certificate":
            out["serial"] = self.serial
            s = self.subscriber
            out["subscriber"] = (
                {"type": s.type, "name": s.name, "id_number": s.id_number,
                 "organization": s.agency}
                if s else None
            )
            out["action"] = self.action
            out["changes"] = {a: [old, new] for a, old, new in self.changes}
            out["route_to"] = self.route_to
        elif self.kind == "token":
            out.update(token_serial=self.token_serial, action=self.action,
                       hand_over_to=self.hand_over_to)
        elif self.kind == "dispatch":
            c = self.central
            out.update({"from": self.from_, "to": self.to, "action": self.action})
            out["central"] = None if c is None else {
                "number": c.number, "date": c.date.isoformat() if c.date else None,
                "issuer": c.issuer, "subject": c.subject,
                "points": [[label, text] for label, text in c.points]}
        else:
            out.update({"from": self.from_, "to": self.to, "action": self.action})
        out["sender"] = self.sender
        out["rule"] = self.rule
        out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Plan:
    batch: str
    actions: tuple[Action, ...]
    warnings: tuple[PlanWarning, ...] = ()
    # The batch's own letters, addressed by the plan: its report, the agency list for the CA
    # (kinds "report", "agency"); due only in a batch that has new actions.
    letters: tuple[Action, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out = {
            "batch": self.batch,
            "actions": [a.to_json() for a in self.actions],
            "warnings": [asdict(w) for w in self.warnings],
        }
        if self.letters:
            out["letters"] = [a.to_json() for a in self.letters]
        return out


@dataclass(frozen=True)
class RenderedDocument:
    """A generated file of a batch (docx, xlsx, later its pdf)."""

    path: Path                      # absolute
    type: str     # dispatch | list | handover_tokens | handover_dossiers | org_list | report | import_sheet
    request: str                    # change_info | revoke | renew | restore_token | … ('' for none)
    recipient: str                  # who it is addressed to
    sender: str                     # the agency issuing it
    subject: str = ""               # "V/v …" line, for mail subjects
    number: str = ""                # number and symbol once issued, e.g. "12/STC-VP"
    pdf: Path | None = None
    signed_pdf: Path | None = None
    attachments: tuple[Path, ...] = field(default=())   # lists that travel with a dispatch

    @property
    def awaits_signature(self) -> bool:
        """Meant to be signed and not signed: its PDF is unsigned or it never became one. (An
        .xlsx that travels as is, like the CA's import sheet, is never signed.) The one
        definition: outbox, summary and `paperflow sign` all ask this."""
        if self.signed_pdf is not None:
            return False
        return self.pdf is not None or self.path.suffix.lower() == ".docx"
