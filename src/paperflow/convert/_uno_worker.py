"""A LibreOffice listener and its driver, run under the system Python that has `uno`.

    /usr/bin/python3 _uno_worker.py --soffice S --profile DIR --pipe NAME

Standard library + uno only: this file is NOT imported by paperflow (the venv has no uno); it runs
as a subprocess. It starts its own soffice (own profile, own named pipe, so nothing listens on a
network port), connects through UNO, then serves JSON lines on stdin/stdout:

    {"in": "/abs/a.docx", "out": "/abs/.a.pdf.part"}  →  {"ok": true} | {"error": "..."}

The first line it writes is {"ready": true, "soffice_pgid": N} (or {"error": ...}). On EOF it
terminates soffice and exits. It is a child subreaper, so whatever soffice leaves when killed
is reaped here and no zombie stays behind.
"""

import argparse
import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue

CONNECT_TIMEOUT_S = 90.0
PR_SET_CHILD_SUBREAPER = 36


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def become_subreaper():
    # Linux only; elsewhere ctypes.CDLL(None) fails or has no prctl, and nothing needs reaping
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def kill_tree(pid):
    """soffice and what it started: its process group on POSIX, its tree on Windows."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    else:
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)


def group_alive(pid):
    if not hasattr(os, "killpg"):
        return False                    # taskkill /T waited for the tree already
    try:
        os.killpg(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def reap_all():
    """Reap any orphaned soffice.bin that was re-parented to us."""
    if not hasattr(os, "WNOHANG"):
        return                          # Windows: no zombies to reap
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def start_soffice(soffice, profile, pipe):
    os.makedirs(profile, exist_ok=True)
    # We own this profile alone: a lock left by a killed soffice must not block the restart.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(os.path.join(profile, ".lock"))
    env = dict(os.environ)
    if not env.get("HOME"):
        env["HOME"] = profile
    env.pop("DISPLAY", None)
    cmd = [
        soffice,
        "-env:UserInstallation=" + uno.systemPathToFileUrl(os.path.abspath(profile)),
        f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
        "--nolockcheck", "--nofirststartwizard",
    ]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env, start_new_session=True)


def connect(proc, pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        try:
            ctx = resolver.resolve(url)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception as exc:
            # The first start creates the profile and restarts soffice.bin once: keep trying.
            if time.monotonic() > deadline:
                raise RuntimeError("soffice did not accept connections in time") from exc
            if proc.poll() is not None:     # oosplash does the first-start restart itself
                raise RuntimeError(f"soffice exited with code {proc.returncode}") from exc
            time.sleep(0.1)


def convert(desktop, src, dst):
    load = (
        prop("Hidden", True),
        prop("ReadOnly", True),                 # no .~lock file beside the document
        prop("FilterName", "MS Word 2007 XML"),  # garbage must fail, not load as plain text
        prop("MacroExecutionMode", 0),          # NEVER: documents come from outside
        prop("UpdateDocMode", 0),               # NO_UPDATE: no links fetched
    )
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, load)
    if doc is None:
        raise RuntimeError("LibreOffice could not load the document")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "writer_pdf_Export"),))
    finally:
        try:
            doc.close(True)
        except Exception:
            doc.dispose()


def soffice_alive(proc, desktop):
    """After a failed conversion: the document's fault, or did soffice die under us?"""
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=0.2)
    if proc.poll() is not None:
        return False
    try:
        desktop.getFrames()
    except Exception:
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--soffice", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--pipe", required=True)
    args = ap.parse_args()

    # The protocol owns the real stdout; anything else printed goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def say(obj):
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    become_subreaper()
    proc = start_soffice(args.soffice, args.profile, args.pipe)
    try:
        desktop = connect(proc, args.pipe)
    except Exception as exc:
        kill_tree(proc.pid)
        proc.wait()
        say({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    say({"ready": True, "soffice_pgid": proc.pid})
    try:
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            try:
                req = json.loads(line)
                convert(desktop, req["in"], req["out"])
                say({"ok": True})
            except Exception as exc:
                dead = not soffice_alive(proc, desktop)
                say({"error": f"{type(exc).__name__}: {exc}", "dead": dead})
                if dead:
                    return 2            # soffice is gone: the parent starts a new worker
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        kill_tree(proc.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            reap_all()
            if not group_alive(proc.pid):
                break
            time.sleep(0.05)
        reap_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
