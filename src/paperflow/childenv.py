"""The environment every program paperflow starts gets: the parent's, minus its secrets.

paperflow holds token PINs and the SMTP password in its own environment (PAPERFLOW_PIN,
PAPERFLOW_ORG_PIN, PAPERFLOW_SMTP_USER/PASSWORD, a PostgreSQL URL with its password …).
LibreOffice, its UNO workers, pdftoppm and tesseract need none of them, and a child's
environment is readable in /proc/<pid>/environ and inherited by everything it starts in turn
(crash reporters, helpers). So every subprocess is started with `child_env()`, never with
`os.environ` itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

# Any PAPERFLOW_* setting (none is read by a child; the register URL may carry a password)
# and the usual names of secrets set by other software (PGPASSWORD, GITHUB_TOKEN, AWS_…_KEY).
_SECRET = re.compile(r"^PAPERFLOW_|PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|"
                     r"API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|(^|_)PIN(_|$)|(^|_)PGPASS", re.I)


def is_secret(name: str) -> bool:
    """True for an environment variable a child process must not inherit."""
    return bool(_SECRET.search(name))


def child_env(extra: Mapping[str, str] | None = None, *,
              drop: Iterable[str] = ()) -> dict[str, str]:
    """The parent's environment without secrets (and without `drop`), plus `extra`."""
    skip = set(drop)
    env = {k: v for k, v in os.environ.items() if k not in skip and not is_secret(k)}
    env.update(extra or {})
    return env
