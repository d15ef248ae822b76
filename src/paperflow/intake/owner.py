"""Who claimed a journal row, and whether that process still lives.

The owner string is 'host:pid:start' — the process start time guards against a recycled pid
making a crashed claim look alive forever. psutil answers on Linux and Windows alike (there is no
/proc on Windows, and os.kill(pid, 0) there would end the process instead of probing it).
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta

import psutil

# A claim from another machine cannot be checked for liveness; after this long it is presumed
# dead (a single file never takes an hour to extract).
STALE_FOREIGN_CLAIM = timedelta(hours=1)


def _start_time(pid: int) -> str:
    """The process's start time in centiseconds since the epoch, "" when it is gone."""
    try:
        return str(round(psutil.Process(pid).create_time() * 100))
    except (psutil.Error, OSError):
        return ""


def me() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid)}"


def _alive(pid: int, start: str) -> bool:
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        now_start = str(round(proc.create_time() * 100))
    except psutil.NoSuchProcess:
        return False
    except (psutil.AccessDenied, OSError):
        return True                     # someone else's process: alive, we just cannot look
    # a different start time is a different process under a recycled pid
    return not (start and now_start != start)


def is_dead(owner: str, taken_at: datetime | None) -> bool:
    """True when the process that wrote `owner` can no longer be working on its claim."""
    host, _, rest = owner.partition(":")
    pid_s, _, start = rest.partition(":")
    if host == socket.gethostname() and pid_s.isdigit():
        return not _alive(int(pid_s), start)
    if taken_at is None:
        return True
    if taken_at.tzinfo is None:
        taken_at = taken_at.replace(tzinfo=UTC)
    return datetime.now(UTC) - taken_at > STALE_FOREIGN_CLAIM
