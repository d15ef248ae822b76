"""The batch: the one room that wires the stages (docs/DESIGN.md, "The flow").

    inbox → intake → extract → register → plan → render → convert → sign → deliver

- `ingest`   (batch/ingest.py): intake → extract → register, each file alone; a bad file is
             quarantined with its reason and the rest of the batch goes on;
- `produce`  (batch/produce.py): plan → render → convert → sign → deliver into a hidden staging
             folder renamed into outbox/<batch>/ only when complete;
- `line`     (batch/line.py): the overlapped render → convert → sign line holding ONE signing
             session per token for the batch (batch/signing.py says what it needs of it);
- `issue`    (batch/issue.py): `paperflow sign`, issuing later what waits for signature;
- `run`      (batch/run.py): `paperflow run` and `watch`;
- `review`, `approve` (batch/review.py, approve.py): the review sheet XEM-XET, the clerk's
             decisions read back from it, `paperflow approve`;
- `result`   (batch/result.py): the typed, frozen `BatchResult`; `events`: typed progress.

The CLI and the watcher call only this package; it never prints. (`batch.ingest` is the
module; its function is `batch.ingest.ingest`.)
"""

from .approve import apply_edits, approve
from .events import Event, Progress, quiet
from .issue import sign_pending, unsigned_batches
from .produce import produce_batch
from .result import BatchResult, Deferred, NotSigned, PlanCounts, Rejection, Tally, Warning
from .run import Watcher, new_batch_id, pins_available, resume_unfinished, run_once, watch
from .signing import SessionFactory, SigningSession, is_failed_login, open_session

__all__ = [
    "BatchResult", "Deferred", "Event", "NotSigned", "PlanCounts", "Progress", "Rejection",
    "SessionFactory", "Watcher", "SigningSession", "Tally", "Warning",
    "is_failed_login", "new_batch_id", "open_session", "produce_batch", "quiet",
    "resume_unfinished", "run_once", "approve", "apply_edits", "pins_available",
    "sign_pending", "unsigned_batches", "watch",
]
