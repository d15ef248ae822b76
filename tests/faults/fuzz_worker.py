"""Runs `paperflow.extract.read` on one file per input line, under a memory cap, and answers
in JSON lines: {"ok": kind} | {"rejected": code} | {"error": traceback}. The parent enforces a
wall-clock limit per input (a hang kills this process) and restarts it after a crash.

usage: python fuzz_worker.py MEMORY_MB
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import traceback
from pathlib import Path


def main() -> int:
    limit = int(sys.argv[1]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import logging

    logging.disable(logging.CRITICAL)           # the reader boundary logs tracebacks: noise here
    from paperflow import extract
    from paperflow.errors import InputRejected
    from paperflow.models import Incoming

    out = sys.stdout
    for line in sys.stdin:
        path = Path(line.strip())
        data = path.read_bytes()
        inc = Incoming(path=path, sha256=hashlib.sha256(data).hexdigest(), name=path.name,
                       size=len(data))
        try:
            got = extract.read(inc)
            answer = {"ok": str(got.kind)}
        except InputRejected as exc:
            answer = {"rejected": exc.code or "rejected", "vi": bool(exc.vi), "en": bool(exc.en)}
        except MemoryError:
            answer = {"error": "MemoryError"}
        except BaseException:   # noqa: BLE001 - anything else is what the fuzzer looks for
            answer = {"error": traceback.format_exc()[-2000:]}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
