"""Progress of a batch as typed events: the CLI (or a progress display) words them.

The batch never prints; it calls `progress(Event(...))`. Each kind names what happened, with
counts and, for failures, the typed error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import PaperflowError


@dataclass(frozen=True)
class Event:
    kind: str                   # one of KINDS
    batch: str = ""
    count: int = 0
    other: int = 0
    error: PaperflowError | None = None
    stage: str = ""             # "step" events: read | convert | sign


KINDS = (
    "taken",            # count files taken, other rejected
    "nothing_to_do",    # the plan has no action
    "already_planned",  # every action belongs to an earlier batch
    "planned",          # batch: count actions, other warnings
    "resumed",          # batch: produced again after a crash of an earlier run
    "reconciled",       # batch: count documents recorded from its folder after a crash
    "rendered",         # count documents
    "converted",        # count PDFs, other failed
    "demo_signing",     # the demo token and test CA sign (not for real documents)
    "signed",           # count PDFs signed, other token logins
    "sign_failed",      # error: signing stopped; drafts kept, `paperflow sign` resumes
    "sign_paused",      # error: the watcher signs no more until `paperflow sign`
    "already_issued",   # batch: nothing waits for signature
    "batch_failed",     # error: a watched batch failed; the watcher goes on
    "quarantined",      # error: a file or request set aside (batch/quarantine.py); the rest goes on
    "review_needed",    # batch: drafts and XEM-XET made; nothing numbered or signed before approval
    "revised",          # batch: count plan rows the clerk's decisions changed
    "approved",         # batch: the clerk approved the plan
    "step",             # stage: count done of other (0 = not known yet), for a progress display
)

Progress = Callable[[Event], None]


def quiet(_event: Event) -> None:
    """The default progress: nothing said."""
