"""Crash-test driver: takes and archives every inbox file, slowly, logging each claim.

Run as a subprocess by test_crash.py, which SIGKILLs it mid-batch and starts it again.
Usage: python driver.py WORKSPACE DELAY_SECONDS [GROUP]
With GROUP, files are claimed GROUP at a time by `take_many` (one journal commit), then each
is "extracted" and archived in turn — so a kill leaves claimed files not yet archived.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from paperflow.config import IntakeSettings, Settings
from paperflow.intake import Intake
from paperflow.register.db import open_engine


@dataclass
class Reg:
    engine: Engine


def main() -> None:
    ws, delay = Path(sys.argv[1]), float(sys.argv[2])
    group = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    settings = Settings(workspace=ws, intake=IntakeSettings(quiet_s=0.05))
    reg = Reg(open_engine(f"sqlite:///{ws}/t.db"))
    log = (ws / "claims.log").open("a", encoding="utf-8")
    claimed = 0
    while True:
        desk = Intake(settings, reg)
        paths = desk.scan()
        if not paths:
            break
        for i in range(0, len(paths), group):
            chunk = paths[i:i + group]
            got = desk.take_many(chunk) if group > 1 else [desk.take(p) for p in chunk]
            for inc in got:
                if inc is None:
                    continue
                assert not isinstance(inc, Exception), inc
                claimed += 1
                log.write(inc.sha256 + "\n")
                log.flush()
                os.fsync(log.fileno())
                time.sleep(delay)       # "extraction" — the window the test kills us in
                desk.archive(inc)
    print("finished", claimed, flush=True)


if __name__ == "__main__":
    main()
