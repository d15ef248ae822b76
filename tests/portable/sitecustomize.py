"""The CI's Windows-like run: with PAPERFLOW_PORTABLE_CHECK=1 (and this folder on PYTHONPATH, so
every Python the tests start loads it too) paperflow runs as on a platform without fork, fcntl
or /proc:

- multiprocessing's start method is `spawn` (Windows' only one);
- `import fcntl` fails in paperflow's own modules (libraries keep their platform code: filelock
  and psutil have a Windows branch of their own);
- paperflow's code cannot open or list anything under /proc (psutil may, as it does on Linux).
"""

import os

if os.environ.get("PAPERFLOW_PORTABLE_CHECK") == "1":
    import builtins
    import multiprocessing
    import sys

    multiprocessing.set_start_method("spawn", force=True)
    _LIBRARIES = ("psutil", "filelock")
    _real_import = builtins.__import__

    def _ours(name: object) -> bool:
        return isinstance(name, str) and (name == "paperflow" or name.startswith("paperflow."))

    def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002
        if name.split(".")[0] == "fcntl" and level == 0 and _ours((globals or {}).get("__name__")):
            raise ModuleNotFoundError("No module named 'fcntl' (PAPERFLOW_PORTABLE_CHECK)",
                                      name="fcntl")
        return _real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = _guarded_import

    def _called_by_paperflow() -> bool:
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if isinstance(name, str) and name.split(".")[0] in _LIBRARIES:
                return False
            if _ours(name):
                return True
            frame = frame.f_back
        return False

    def _no_proc(event: str, args: tuple) -> None:
        if event not in ("open", "os.listdir", "os.scandir"):
            return
        path = args[0] if args else None
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        if not isinstance(path, (str, os.PathLike)):
            return
        path = os.fspath(path)
        if (path == "/proc" or path.startswith("/proc/")) and _called_by_paperflow():
            raise PermissionError(13, "/proc is not available (PAPERFLOW_PORTABLE_CHECK)", path)

    sys.addaudithook(_no_proc)
