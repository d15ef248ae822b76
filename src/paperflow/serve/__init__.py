"""`paperflow serve`: a small read-only web page on 127.0.0.1 for the clerk (stdlib only)."""

from __future__ import annotations

from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as _make_wsgi_server

from ..config import Settings
from .app import App, safe_path


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True           # a stuck download never blocks Ctrl-C


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
        pass                        # library code never prints; the CLI says where to look


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = 8765) -> WSGIServer:
    """A WSGI server for the status page; `.serve_forever()` / `.server_close()`.

    Only requests naming this host (or localhost) are answered: another web page opened in
    the clerk's browser cannot read the outbox through DNS rebinding."""
    # Bound to every interface on purpose (a shared office PC): any Host is accepted.
    allowed = set() if host in ("0.0.0.0", "::", "") else {host, "localhost", "127.0.0.1", "::1"}
    app = App(settings, allowed_hosts=allowed)
    return _make_wsgi_server(host, port, app, server_class=_ThreadingServer,
                             handler_class=_QuietHandler)


__all__ = ["make_server", "App", "safe_path"]
