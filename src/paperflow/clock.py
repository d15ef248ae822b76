"""Vietnam's clock: every date and time a clerk reads (document dates, "Lập lúc", batch names,
error files) is UTC+7, whatever the server's own zone (a VPS in UTC, a laptop set to Europe)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VN_TZ = timezone(timedelta(hours=7), "+07")      # no daylight saving in Vietnam


def now() -> datetime:
    """The current time in Vietnam (aware, +07:00)."""
    return datetime.now(VN_TZ)


def today() -> date:
    """Today's date in Vietnam (not the server's: before 07:00 UTC they differ)."""
    return now().date()


def from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, VN_TZ)
