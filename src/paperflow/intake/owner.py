"""Who claimed a journal row, and whether that process still lives.

The owner string is 'host:pid:start' — the process start time (from /proc) guards against a
recycled pid making a crashed claim look alive forever.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

# A claim from another machine cannot be checked for liveness; after this long it is presumed
# dead (a single file never takes an hour to extract).
STALE_FOREIGN_CLAIM = timedelta(hours=1)


def _start_time(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return ""
    # field 22 (starttime), counted after the ')' that closes the command name
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def me() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead(owner: str, taken_at: datetime | None) -> bool:
    """True when the process that wrote `owner` can no longer be working on its claim."""
    host, _, rest = owner.partition(":")
    pid_s, _, start = rest.partition(":")
    if host == socket.gethostname() and pid_s.isdigit():
        pid = int(pid_s)
        if not _pid_alive(pid):
            return True
        now_start = _start_time(pid)
        # zombie or recycled pid: a different start time is a different process
        return bool(start and now_start and start != now_start) or _is_zombie(pid)
    if taken_at is None:
        return True
    if taken_at.tzinfo is None:
        taken_at = taken_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - taken_at > STALE_FOREIGN_CLAIM


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
