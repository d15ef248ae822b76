"""Quarantine at the grain of a file or a request (docs/DESIGN.md, 'Quarantine').

Planning and rendering read what many files brought into the register. When one of them fails
on something in there (a value that crashes a rule, a name that breaks a template or its XML),
the culprit is found by halving: the plan is built again without the records of half the files,
or the batch rendered again as drafts in a scratch folder without half its requests, until the
one whose removal makes the stage succeed is known. It is set aside with its reason —

- a FILE (its records came from an inbox file): a copy of the archived original goes to
  inbox/rejected/ with NAME.error.txt; no plan sees its records until a corrected file of the
  same name is taken; its requests not issued yet leave the batch;
- a REQUEST (an action no file brought, e.g. a letter of the batch): its request row becomes
  'quarantined' — never produced, never planned again;

— and the stage runs again without it, in the same run: everything else reaches the outbox.
A failure no file or request explains (this machine's: LibreOffice, the disk, the register; a
broken template that fails with every request) is raised as before.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TypeVar

from .. import render
from ..config import Settings
from ..errors import (
    ConfigError,
    ConversionError,
    DeliveryError,
    PaperflowError,
    Quarantined,
    RegisterError,
    SigningError,
    TemplateError,
)
from ..errortexts import Phrase
from ..intake import error_note
from ..intake.files import candidates, write_text_atomic
from ..models import Action, Plan, PlanWarning
from ..register import Register
from ..register import quarantine as qt
from ..register.snapshot import RegisterSnapshot
from ..text import safe_filename
from .events import Event, Progress, quiet
from .result import PlanCounts, Quarantine, Tally

log = logging.getLogger("paperflow")

T = TypeVar("T")
MAX_CULPRITS = 20           # more than this, or more than half of the candidates: not theirs
ROUNDS = 3                  # produce again at most this many times after setting things aside


def attributable(exc: BaseException) -> bool:
    """Could the content of a file or request explain this failure? Not this machine's faults
    (LibreOffice, disk, register, token, mail), the configuration, nor a template's syntax."""
    if not isinstance(exc, Exception) or isinstance(exc, (
            OSError, ConversionError, RegisterError, ConfigError, SigningError, DeliveryError)):
        return False
    return not (isinstance(exc, TemplateError) and exc.code == "template_syntax")


def culprits(items: Sequence[T], works: Callable[[Sequence[T]], bool]) -> list[T] | None:
    """The few items without which `works(rest)` holds, found by halving (a culprit costs about
    log2(len(items)) calls); None when the failure is not theirs: it remains without any item,
    or more than MAX_CULPRITS / half of the items would have to go."""
    if not works([]):
        return None
    rest, bad = list(items), []
    while not works(rest):
        if len(bad) >= MAX_CULPRITS:
            return None
        lo, hi = 1, len(rest)       # works(rest[hi:]) holds (hi = len(rest): nothing left)
        while lo < hi:
            mid = (lo + hi) // 2
            if works(rest[mid:]):
                hi = mid
            else:
                lo = mid + 1
        bad.append(rest.pop(lo - 1))    # the last one without which the tail works
    return bad if 0 < len(bad) <= max(1, len(items) // 2) else None


def printable(text: str) -> str:
    """`text` without what broke the stage in the first place: control characters, surrogates
    and non-characters are shown as their code (the reason is printed in the batch's report
    and summary, which must not fail on it in turn)."""
    return "".join(c if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs", "Cn", "Co")
                   else f"<U+{ord(c):04X}>" for c in text)


def _detail(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, PaperflowError):
        return printable(exc.vi), printable(exc.en)
    text = printable(f"{exc.__class__.__name__}: {exc}"[:600])
    return text, text


def _probe(fn: Callable[[], object]) -> BaseException | None:
    """None when `fn` runs; the failure when the content can explain it; others raised."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - sorted by `attributable`
        if not attributable(exc):
            raise
        return exc
    return None


# --- planning ------------------------------------------------------------------------------
def plan_or_quarantine(settings: Settings, reg: Register, tally: Tally,
                       build: Callable[[RegisterSnapshot], Plan], *,
                       progress: Progress = quiet) -> Plan:
    """`build(reg.snapshot())`; when it fails on some file's records, those files are
    quarantined (stage 'plan') and the plan is built without them. The plan's warnings say
    what was set aside (plan.json, the summary, `status`)."""
    snap = reg.snapshot()
    first = _probe(lambda: build(snap))
    if first is None:
        return build(snap)
    names = qt.sources(snap)

    def works(kept: Sequence[str]) -> bool:
        gone = set(names) - set(kept)
        return _probe(lambda: build(qt.without_sources(snap, gone))) is None

    log.warning("planning failed (%s): looking for the file at fault among %d", _detail(first)[1],
                len(names))
    bad = culprits(names, works)
    if not bad:
        raise first
    warnings = []
    for name in bad:
        own = _probe(lambda n=name: build(qt.without_sources(snap, set(bad) - {n}))) or first
        warnings.append(_set_file_aside(settings, reg, tally, name, own, batch="", stage="plan",
                                        drop=(), progress=progress))
    the_plan = build(reg.snapshot())        # the register hides them now
    return replace(the_plan, warnings=(*the_plan.warnings, *warnings))


# --- rendering -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Item:
    letter: bool                # one of the plan's letters (the batch's report, agency list)
    action: Action


def _subplan(the_plan: Plan, kept: Sequence[_Item]) -> Plan:
    """The plan with only `kept`, and without the warnings that name what was left out (a
    warning names its subscriber and serial; the batch's report prints the warnings, so a
    name that breaks rendering breaks it through them too)."""
    ids = {id(i.action) for i in kept}
    marks = {m for a in the_plan.actions + the_plan.letters if id(a) not in ids
             for m in _marks(a)}
    warnings = tuple(w for w in the_plan.warnings if not any(m in w.message for m in marks))
    return replace(the_plan, actions=tuple(i.action for i in kept if not i.letter),
                   letters=tuple(i.action for i in kept if i.letter), warnings=warnings)


def _marks(a: Action) -> tuple[str, ...]:
    s = a.subscriber
    return tuple(m for m in ((s.name if s else ""), a.serial, a.token_serial) if len(m) >= 3)


def produce_or_quarantine(settings: Settings, reg: Register, the_plan: Plan, tally: Tally,
                          produce: Callable[[Plan], object], *,
                          progress: Progress = quiet) -> None:
    """`produce(the_plan)`; when it fails on a request's content, the requests at fault are
    found by rendering the batch as drafts in a scratch folder without half of them, set aside
    (their file, when a file brought them: stage 'render'), and the rest produced."""
    for _round in range(ROUNDS):
        before = {f.name: copy.copy(getattr(tally, f.name)) for f in fields(tally)}
        failure = _probe(lambda p=the_plan: produce(p))
        if failure is None:
            return
        for name, value in before.items():     # the failed attempt counts for nothing
            setattr(tally, name, value)
        the_plan = _set_requests_aside(settings, reg, the_plan, tally, failure,
                                       progress=progress)
        if tally.plan is not None:
            tally.plan = PlanCounts.of(the_plan)
    produce(the_plan)


def _dry_render(settings: Settings, the_plan: Plan) -> None:
    settings.state.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="quarantine-", dir=settings.state) as scratch:
        render.render_batch(the_plan, settings, Path(scratch))


def _set_requests_aside(settings: Settings, reg: Register, the_plan: Plan, tally: Tally,
                        failure: BaseException, *, progress: Progress) -> Plan:
    items = [_Item(False, a) for a in the_plan.actions] + [_Item(True, a)
                                                           for a in the_plan.letters]
    log.warning("batch %s failed (%s): looking for the request at fault among %d",
                the_plan.batch, _detail(failure)[1], len(items))
    bad = culprits(items, lambda kept: _probe(
        lambda: _dry_render(settings, _subplan(the_plan, kept))) is None)
    if not bad:
        raise failure
    gone: set[int] = set()
    warnings: list[PlanWarning] = []
    for item in bad:
        own = _probe(lambda i=item: _dry_render(settings, _subplan(the_plan, [i]))) or failure
        source = item.action.subscriber.source if item.action.subscriber else ""
        if source and reg.archived_as(source) is not None:
            drop = [i for i in items
                    if i.action.subscriber and i.action.subscriber.source == source]
            gone.update(id(i) for i in drop)
            warnings.append(_set_file_aside(
                settings, reg, tally, source, own, batch=the_plan.batch, stage="render",
                drop=[i.action for i in drop], progress=progress, at=item.action))
        else:
            gone.add(id(item))
            warnings.append(_set_request_aside(reg, tally, item.action, own,
                                               batch=the_plan.batch, progress=progress))
    rest = _subplan(the_plan, [i for i in items if id(i) not in gone])
    rest = replace(rest, warnings=(*rest.warnings, *warnings))
    reg.set_batch_warnings(the_plan.batch, [(w.code, w.message) for w in rest.warnings])
    return rest


def describe(a: Action, *, names: bool = True) -> str:
    """A request as a clerk finds it: action, subscriber (`names`), serial."""
    who = (a.subscriber.name if names else "") if a.subscriber else (a.from_ or a.to or a.kind)
    serial = a.serial or a.token_serial
    return printable(a.action + (f" — {who}" if who else "") + (f" ({serial})" if serial else ""))


def _set_request_aside(reg: Register, tally: Tally, action: Action, exc: BaseException, *,
                       batch: str, progress: Progress) -> PlanWarning:
    vi, en = _detail(exc)
    err = _request_error(describe(action), batch, vi, en)
    reg.quarantine_request(action, batch=batch, stage="render", reason=err.clerk_message(),
                           name=describe(action))
    tally.quarantined.append(Quarantine("request", describe(action), "render", err))
    progress(Event("quarantined", batch=batch, error=err))
    log.error("request set aside: %s", err.en)
    # the batch's report prints its warnings: never the subscriber's name that broke rendering
    said = _request_error(describe(action, names=False), batch, vi, en)
    return PlanWarning("quarantined", f"{said.vi} ({said.en})")


def _request_error(name: str, batch: str, vi: str, en: str) -> Quarantined:
    return Quarantined("request_quarantined", name=name, batch=batch, error_vi=vi, error_en=en)


def _set_file_aside(settings: Settings, reg: Register, tally: Tally, name: str,
                    exc: BaseException, *, batch: str, stage: str, drop: Sequence[Action],
                    progress: Progress, at: Action | None = None) -> PlanWarning:
    vi, en = _detail(exc)
    row, who = (at.subscriber.source_row, printable(at.subscriber.name)) if (
        at is not None and at.subscriber is not None) else (0, "")
    err = _file_error(name, stage, vi, en, row=row, who=who)
    if reg.quarantine_file(name, batch=batch, stage=stage, reason=err.clerk_message(),
                           drop=drop):
        _copy_to_rejected(settings, reg, name, err)
    tally.quarantined.append(Quarantine("file", name, stage, err))
    progress(Event("quarantined", batch=batch, error=err))
    log.error("file set aside: %s", err.en)
    # the batch's report prints its warnings: the row, never the value that broke rendering
    said = _file_error(name, stage, vi, en, row=row, who="")
    return PlanWarning("quarantined", f"{said.vi} ({said.en})")


def _file_error(name: str, stage: str, vi: str, en: str, *, row: int, who: str) -> Quarantined:
    """What the clerk reads: which file, which step, which row (and whose), the error."""
    at: Phrase | str = ""
    if row and who:
        at = Phrase("at_row_who", {"row": row, "who": who})
    elif row or who:
        at = Phrase("at_row", {"row": row}) if row else Phrase("at_who", {"who": who})
    step = Phrase("step_plan" if stage == "plan" else "step_render")
    return Quarantined("file_quarantined", name=name, step=step, at=at, error_vi=vi,
                       error_en=en)


def _copy_to_rejected(settings: Settings, reg: Register, name: str, err: Quarantined) -> None:
    """A copy (never a link: the archive stays unmodified whatever the clerk does with it) of
    the archived original in inbox/rejected/, with NAME.error.txt beside it."""
    rel = reg.archived_as(name)
    src = settings.workspace / rel if rel is not None else None
    if src is None or not src.is_file():
        log.warning("no archived original of %s to copy to rejected/", name)
        return
    settings.rejected.mkdir(parents=True, exist_ok=True)
    want = settings.rejected / safe_filename(Path(name).name)
    dest = next(c for c in candidates(want) if not c.exists())
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    write_text_atomic(dest.with_name(dest.name + ".error.txt"), error_note(name, err))
