"""What one batch did, as typed values: the CLI, the watcher and the web page format it.

`Tally` collects while the batch runs (one thread at a time); `Tally.freeze()` hands on the
frozen `BatchResult`. Failures keep their class (a `ConversionError` stays one), so the CLI
maps each kind to its exit code and message without parsing text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExitCode, InputRejected, PaperflowError, Quarantined
from ..models import Plan, ReadingReport, RenderedDocument


@dataclass(frozen=True)
class Rejection:
    """An inbox file moved to inbox/rejected/ with its reason."""

    name: str
    error: InputRejected


@dataclass(frozen=True)
class Deferred:
    """An inbox file left where it is because this machine could not read it now (e.g. a tool
    missing): not the clerk's fault, retried by the next batch."""

    name: str
    error: PaperflowError


@dataclass(frozen=True)
class Quarantine:
    """A file (`kind` 'file': copied to inbox/rejected/ with its reason, its records left out
    of every plan until a corrected file of that name arrives) or one request ('request': left
    out of its batch, never retried) that made `stage` (plan, render) fail; the rest of the
    batch went on (batch/quarantine.py)."""

    kind: str
    name: str
    stage: str
    error: Quarantined


@dataclass(frozen=True)
class Warning:
    """A warning of any stage, with where it comes from (a file name, 'plan', 'sign', …)."""

    source: str
    code: str
    message: str


@dataclass(frozen=True)
class PlanCounts:
    actions: int
    by_action: tuple[tuple[str, int], ...]      # (action, how many), most frequent first
    warnings: int

    @classmethod
    def of(cls, plan: Plan) -> PlanCounts:
        counts = Counter(a.action for a in plan.actions)
        return cls(len(plan.actions), tuple(counts.most_common()), len(plan.warnings))


class NotSigned:
    """Why a batch's documents of this agency were left unsigned (`BatchResult.not_signed`)."""

    DEFERRED = "deferred"           # signing was not asked for now (--no-sign, no PIN at hand)
    STOPPED = "stopped"             # the watcher stopped signing after a failed login
    FAILED = "failed"               # signing failed in this batch: see `sign_error`
    REVIEW = "review"               # the plan waits for the clerk's review (`paperflow approve`)


@dataclass(frozen=True)
class BatchResult:
    batch: str = ""
    folder: Path | None = None
    taken: tuple[str, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    quarantined: tuple[Quarantine, ...] = ()    # set aside by a later stage, with why
    duplicates: tuple[str, ...] = ()
    deferred: tuple[Deferred, ...] = ()
    reports: tuple[ReadingReport, ...] = ()     # how each taken file was read
    resumed: tuple[str, ...] = ()               # batches of a dead process, produced again
    revised: tuple[str, ...] = ()               # batches whose plan an edited sheet changed
    plan: PlanCounts | None = None
    already_planned: bool = False               # every action belongs to an earlier batch
    documents: tuple[RenderedDocument, ...] = ()
    warnings: tuple[Warning, ...] = ()
    signed: int = 0
    not_signed: str = ""                        # "" or a NotSigned value
    sign_error: PaperflowError | None = None
    sessions_opened: int = 0                    # token logins of this batch (one per token)
    mails: tuple[Path, ...] = ()
    errors: tuple[PaperflowError, ...] = ()     # conversion, delivery, … failures, typed

    @property
    def failures(self) -> tuple[PaperflowError, ...]:
        """Every failure of the batch, signing's first."""
        first = (self.sign_error,) if self.sign_error is not None else ()
        return first + tuple(d.error for d in self.deferred) + self.errors

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def exit_code(self) -> int:
        """0; the kind's own code when every failure is of one kind; FAILED when mixed."""
        codes = {int(e.exit_code) for e in self.failures}
        if not codes:
            return int(ExitCode.OK)
        return codes.pop() if len(codes) == 1 else int(ExitCode.FAILED)


@dataclass
class Tally:
    """The mutable side of a `BatchResult`, filled by the stages of one batch."""

    batch: str = ""
    folder: Path | None = None
    taken: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    quarantined: list[Quarantine] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    deferred: list[Deferred] = field(default_factory=list)
    reports: list[ReadingReport] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    edits: list[object] = field(default_factory=list)   # review.Edits from the inbox
    plan: PlanCounts | None = None
    already_planned: bool = False
    documents: list[RenderedDocument] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    signed: int = 0
    not_signed: str = ""
    sign_error: PaperflowError | None = None
    sessions_opened: int = 0
    mails: list[Path] = field(default_factory=list)
    errors: list[PaperflowError] = field(default_factory=list)

    def absorb(self, other: Tally) -> None:
        """A resumed batch's failures, warnings and sessions count in this run's result."""
        self.errors += other.errors
        self.quarantined += other.quarantined
        self.warnings += other.warnings
        self.sessions_opened += other.sessions_opened
        if self.sign_error is None:
            self.sign_error = other.sign_error

    def freeze(self) -> BatchResult:
        return BatchResult(
            batch=self.batch, folder=self.folder, taken=tuple(self.taken),
            rejected=tuple(self.rejected), quarantined=tuple(self.quarantined),
            duplicates=tuple(self.duplicates),
            deferred=tuple(self.deferred), reports=tuple(self.reports),
            resumed=tuple(self.resumed), revised=tuple(self.revised), plan=self.plan,
            already_planned=self.already_planned, documents=tuple(self.documents),
            warnings=tuple(self.warnings), signed=self.signed, not_signed=self.not_signed,
            sign_error=self.sign_error, sessions_opened=self.sessions_opened,
            mails=tuple(self.mails), errors=tuple(self.errors))
