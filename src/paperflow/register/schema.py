"""The register's own tables (declared on `db.Base`; created by `db.open_engine`).

Identity keys are derived from content (serials, personal ids, comparison keys of names), so
storing the same file twice updates rows in place and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..text import key
from .base import Base, migration


def match_key(name: str, agency: str) -> str:
    """subscribers.match_key: what store._same_person compares names by, for an index to find."""
    return f"{key(name)}|{key(agency)}"[:400]


class OrganisationRow(Base):
    """An agency known to the register (from subscriber lists, decisions, certificates)."""

    __tablename__ = "organisations"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)     # text.key(name)
    name: Mapped[str] = mapped_column(Text)
    managing_agency: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrganisationHistoryRow(Base):
    """Each change of an agency's name or managing agency, with the file it came from."""

    __tablename__ = "organisation_history"
    __table_args__ = (UniqueConstraint("org_key", "field", "old", "new"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_key: Mapped[str] = mapped_column(String(400), index=True)
    field: Mapped[str] = mapped_column(String(20))          # name | managing_agency
    old: Mapped[str] = mapped_column(String(400))
    new: Mapped[str] = mapped_column(String(400))
    source: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SubscriberRow(Base):
    __tablename__ = "subscribers"
    ident: Mapped[str] = mapped_column(String(500), primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    agency: Mapped[str] = mapped_column(Text, default="")
    managing_agency: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    id_number: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    cert_serial: Mapped[str] = mapped_column(String(80), default="", index=True)
    token_serial: Mapped[str] = mapped_column(String(80), default="")
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    needed: Mapped[bool] = mapped_column(Boolean, default=True)
    need_note: Mapped[str] = mapped_column(Text, default="")
    network: Mapped[str] = mapped_column(Text, default="")
    new_agency: Mapped[str] = mapped_column(Text, default="")
    new_title: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    source_row: Mapped[int] = mapped_column(Integer, default=0)    # the sheet row it came from
    id_issued: Mapped[date | None] = mapped_column(Date, nullable=True)     # ngày cấp CCCD
    id_place: Mapped[str] = mapped_column(Text, default="")                 # nơi cấp CCCD
    tax_code: Mapped[str] = mapped_column(String(40), default="")           # MST / mã QHNS
    # key(name)|key(agency), cut to 400 characters: finds a holder stored before its serial
    # was known (store._same_person) by index instead of reading every row. Derived data: if
    # text.key changes, a new migration must recompute it (as _subscriber_match_key does).
    match_key: Mapped[str] = mapped_column(String(400), default="", index=True)


class CertificateRow(Base):
    __tablename__ = "certificates"
    serial: Mapped[str] = mapped_column(String(80), primary_key=True)
    subject: Mapped[list] = mapped_column(JSON)             # [[short name, value], …] in order
    issuer: Mapped[str] = mapped_column(Text, default="")
    not_before: Mapped[date] = mapped_column(Date)
    not_after: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text, default="")


class TokenRow(Base):
    """A key token and the certificate it holds (from subscriber lists)."""

    __tablename__ = "tokens"
    serial: Mapped[str] = mapped_column(String(80), primary_key=True)
    cert_serial: Mapped[str] = mapped_column(String(80), default="")
    holder: Mapped[str] = mapped_column(String(500), default="")    # subscribers.ident
    network: Mapped[str] = mapped_column(Text, default="")


class MergeEventRow(Base):
    __tablename__ = "merge_events"
    ident: Mapped[str] = mapped_column(String(64), primary_key=True)     # sha256 of the content
    kind: Mapped[str] = mapped_column(String(30))
    sources: Mapped[list] = mapped_column(JSON)
    target: Mapped[str] = mapped_column(Text)
    superior: Mapped[str] = mapped_column(Text, default="")
    keep_certificate_of: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    effective: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    old_superior: Mapped[str] = mapped_column(Text, default="")     # "chuyển A từ C về …": C


class IncomingRequestRow(Base):
    """A request form as received (issue_new, renew, …) — input to the rules."""

    __tablename__ = "incoming_requests"
    ident: Mapped[str] = mapped_column(String(64), primary_key=True)     # sha256 of the content
    request: Mapped[str] = mapped_column(String(30))
    subscriber: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")


class BatchRow(Base):
    __tablename__ = "batches"
    batch: Mapped[str] = mapped_column(String(120), primary_key=True)
    warnings: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApprovalRow(Base):
    """The clerk's approval of a batch's reviewed plan (`paperflow approve` or `sign`)."""

    __tablename__ = "batch_approvals"
    batch: Mapped[str] = mapped_column(String(120), primary_key=True)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    by: Mapped[str] = mapped_column(String(200), default="")
    edits: Mapped[str] = mapped_column(Text, default="")      # the edited sheet, if any


class RequestRow(Base):
    """One planned action and its life: planned → generated → signed → sent → done."""

    __tablename__ = "requests"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)       # identity of the action
    batch: Mapped[str] = mapped_column(String(120), index=True)
    position: Mapped[int] = mapped_column(Integer)                       # order within the plan
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    serial: Mapped[str] = mapped_column(String(80), default="")
    sender: Mapped[str] = mapped_column(Text, default="")
    route_to: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[str] = mapped_column(String(80), default="")
    payload: Mapped[dict] = mapped_column(JSON)                          # the full Action
    state: Mapped[str] = mapped_column(String(20), default="planned")
    document: Mapped[str] = mapped_column(Text, default="")              # relative to outbox/
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentRow(Base):
    __tablename__ = "documents"
    path: Mapped[str] = mapped_column(String(500), primary_key=True)     # relative to outbox/
    batch: Mapped[str] = mapped_column(String(120), index=True)
    type: Mapped[str] = mapped_column(String(30))
    request: Mapped[str] = mapped_column(String(30), default="")
    recipient: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(80), default="")
    signed_pdf: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="generated")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NumberRow(Base):
    """The last number issued per agency, year and series (01 again each 1 January)."""

    __tablename__ = "document_numbers"
    agency: Mapped[str] = mapped_column(String(80), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IssuedNumberRow(Base):
    """Every number issued, by the counter or by hand (numbering.py): never issued twice."""

    __tablename__ = "issued_numbers"
    agency: Mapped[str] = mapped_column(String(80), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(80))
    how: Mapped[str] = mapped_column(String(10), default="auto")      # auto | hand
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegisterMetaRow(Base):
    """Facts about the register itself: its workspace identity (identity.py)."""

    __tablename__ = "register_meta"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(200))           # host user @ host
    what: Mapped[str] = mapped_column(String(60))           # store | plan | documents | number …
    detail: Mapped[str] = mapped_column(Text, default="")   # source file, batch, counts


class CentralDispatchRow(Base):
    """A central dispatch (275, 393/BCY-CTSBMTT …) to pass on; one row per number and date."""

    __tablename__ = "central_dispatches"
    ident: Mapped[str] = mapped_column(String(200), primary_key=True)    # "number|yyyy-mm-dd"
    number: Mapped[str] = mapped_column(String(120))
    issued: Mapped[date | None] = mapped_column(Date, nullable=True)     # the dispatch's date
    issuer: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[list] = mapped_column(JSON)                           # [[label, text], …]
    signer: Mapped[str] = mapped_column(Text, default="")
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text, default="")


@migration("0001-central-dispatches")
def _central_dispatches(conn: Connection) -> None:
    # Registers made before central dispatches were read get the table here (create_all makes
    # it for new ones; checkfirst keeps this a no-op then).
    CentralDispatchRow.__table__.create(conn, checkfirst=True)


@migration("0002-subscriber-match-key")
def _subscriber_match_key(conn: Connection) -> None:
    # Registers made before subscribers.match_key get the column, its value for every row and
    # the two indexes store._same_person looks holders up by (create_all makes all of this for
    # new registers; each step is skipped then).
    table = SubscriberRow.__table__
    if "match_key" not in {c["name"] for c in inspect(conn).get_columns("subscribers")}:
        conn.execute(text("ALTER TABLE subscribers ADD COLUMN match_key VARCHAR(400) "
                          "NOT NULL DEFAULT ''"))
    rows = conn.execute(select(table.c.ident, table.c.name, table.c.agency)).all()
    if rows:
        conn.execute(table.update().where(table.c.ident == bindparam("row_ident"))
                     .values(match_key=bindparam("row_key")),
                     [{"row_ident": i, "row_key": match_key(n, a)} for i, n, a in rows])
    for index in table.indexes:
        index.create(conn, checkfirst=True)


@migration("0004-merge-event-old-superior")
def _merge_event_old_superior(conn: Connection) -> None:
    # "Chuyển A từ C về trực thuộc B": registers made before the old managing agency C was
    # read get its column (create_all makes it for new registers).
    if "old_superior" not in {c["name"] for c in inspect(conn).get_columns("merge_events")}:
        conn.execute(text("ALTER TABLE merge_events ADD COLUMN old_superior TEXT "
                          "NOT NULL DEFAULT ''"))


@migration("0005-issued-numbers")
def _issued_numbers(conn: Connection) -> None:
    # Registers made before every issued number was kept get a row for each number their
    # counters gave (1..last): a number entered by hand is then refused for those too.
    from datetime import UTC, datetime

    IssuedNumberRow.__table__.create(conn, checkfirst=True)
    RegisterMetaRow.__table__.create(conn, checkfirst=True)
    from .symbols import format_number

    now = datetime.now(UTC)
    rows = [{"agency": a, "year": y, "series": s, "n": n, "how": "auto", "at": now,
             "number": format_number(n, s, a, "")}
            for a, y, s, last in conn.execute(select(NumberRow.agency, NumberRow.year,
                                                      NumberRow.series, NumberRow.last))
            for n in range(1, last + 1)]
    if rows:
        conn.execute(IssuedNumberRow.__table__.insert(), rows)


@migration("0007-subscriber-source-row")
def _subscriber_source_row(conn: Connection) -> None:
    # The review sheet names each row's source file and row: registers made before the row was
    # kept get the column (0: not known; create_all makes it for new registers).
    if "source_row" not in {c["name"] for c in inspect(conn).get_columns("subscribers")}:
        conn.execute(text("ALTER TABLE subscribers ADD COLUMN source_row INTEGER "
                          "NOT NULL DEFAULT 0"))


@migration("0009-subscriber-form-data")
def _subscriber_form_data(conn: Connection) -> None:
    # The CA's forms ask for the CCCD's date and place of issue and an organisation's tax or
    # budget code (issue 14 item 8): registers made before they were read get the columns.
    have = {c["name"] for c in inspect(conn).get_columns("subscribers")}
    for name, kind in (("id_issued", "DATE"), ("id_place", "TEXT NOT NULL DEFAULT ''"),
                       ("tax_code", "VARCHAR(40) NOT NULL DEFAULT ''")):
        if name not in have:
            conn.execute(text(f"ALTER TABLE subscribers ADD COLUMN {name} {kind}"))
