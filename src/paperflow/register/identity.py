"""The register knows its workspace: a workspace id kept in the register (`register_meta`) and in
`.paperflow/workspace-id`, so a register deleted or replaced next to existing batches is noticed
before it hands out numbers again or takes processed files anew.

On opening:
- both ids equal: fine; the workspace has none yet (a new workstation joining a shared
  PostgreSQL register, or .paperflow/ cleaned): it takes the register's;
- the register has none: a register kept from before this check (it has batches or numbers)
  gets the workspace's id; an EMPTY register next to a workspace that has a history (its id
  file, batches in outbox/, files in archive/) is refused — unless the clerk says
  `--new-register` (numbers then continue after those in outbox/*/numbers.json,
  numbering.py);
- the ids differ: the register belongs to another workspace; refused unless `--new-register`.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import RegisterError
from ..errortexts import Phrase
from .schema import BatchRow, NumberRow, RegisterMetaRow

ID_FILE = "workspace-id"
KEY = "workspace_id"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _write(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(value + "\n", encoding="utf-8")
    tmp.replace(path)


def history(settings: Settings) -> list[str]:
    """What shows this workspace has worked before: batches and archived originals."""
    found: list[str] = []
    if settings.outbox.is_dir():
        found += [f"outbox/{p.parent.name}" for p in sorted(settings.outbox.glob("*/manifest.json"))
                  if not p.parent.name.startswith(".")]
    if settings.archive.is_dir() and any(p.is_file() for p in settings.archive.rglob("*")):
        found.append("archive/")
    return found


def _mismatch(why: str, **facts: str) -> RegisterError:
    """The register refused for this workspace; `why` is a register_… phrase saying why."""
    return RegisterError("register_mismatch", why=Phrase(why, facts))


def check(settings: Settings, engine: Engine, *, new_register: bool = False) -> str:
    """The workspace id, after making sure this register is this workspace's (see above)."""
    id_file = settings.state / ID_FILE
    mine = _read(id_file)
    with Session(engine) as s:
        theirs = s.scalar(select(RegisterMetaRow.value).where(RegisterMetaRow.key == KEY)) or ""
        used = (s.scalar(select(BatchRow.batch).limit(1)) is not None
                or s.scalar(select(NumberRow.agency).limit(1)) is not None)
    where = settings.register_url.split("@")[-1]
    if theirs:
        if mine and mine != theirs and not new_register:
            raise _mismatch("register_of_another", where=where, theirs=theirs[:8], mine=mine[:8])
        if mine != theirs:
            _write(id_file, theirs)
        return theirs
    if not used and not new_register:
        seen = ([f".paperflow/{ID_FILE}"] if mine else []) + history(settings)
        if seen:
            shown = ", ".join(seen[:4]) + (f" … (+{len(seen) - 4})" if len(seen) > 4 else "")
            raise _mismatch("register_empty_with_history", where=where, shown=shown)
    value = mine or uuid.uuid4().hex
    try:
        with Session(engine) as s, s.begin():
            s.add(RegisterMetaRow(key=KEY, value=value))
    except IntegrityError:          # another process wrote it first: take that one
        with Session(engine) as s:
            value = s.scalar(select(RegisterMetaRow.value).where(RegisterMetaRow.key == KEY))
    _write(id_file, value)
    return value
