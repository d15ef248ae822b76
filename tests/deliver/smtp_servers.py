"""Real SMTP servers on 127.0.0.1 for the tests: aiosmtpd (plain, STARTTLS, refusing, with
AUTH) and a raw socket server that hangs up in the middle of DATA."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collect:
    """Keeps every message the server accepted (parsed), with its envelope."""

    def __init__(self, refuse: str = "") -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        if self.refuse:
            return self.refuse
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 Ok: queued as TEST" + str(len(self.messages))


@contextmanager
def smtp_server(handler: Collect, **kwargs: object) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def password_checker(user: str, password: str):  # type: ignore[no-untyped-def]
    def check(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)

    return check


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a self-signed certificate for 127.0.0.1, and its PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = folder / "smtp-cert.pem"
    key_pem = folder / "smtp-key.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert_pem, key_pem)
    return ctx, cert_pem


@contextmanager
def hang_up_during_data(*, after_message: bool = False) -> Iterator[tuple[int, list[int]]]:
    """Speaks SMTP up to DATA's 354, reads a little of the message, says 421 and closes the
    socket (the server gave up: it has not got the message); with `after_message`, reads the
    whole message up to its final '.' and closes without an answer (a server that queued it
    and died, or a network cut, look the same to the client: it may have the message).

    Yields (port, counter) where counter[0] counts DATA commands that were cut off."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.2)
    port = int(srv.getsockname()[1])
    cut = [0]
    stop = threading.Event()

    def serve_one(conn: socket.socket) -> None:
        f = conn.makefile("rb")
        conn.sendall(b"220 flaky.test ESMTP\r\n")
        while True:
            line = f.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250-flaky.test\r\n250 8BITMIME\r\n")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                conn.sendall(b"250 2.0.0 Ok\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                if after_message:
                    while f.readline() not in (b".\r\n", b""):
                        pass
                else:
                    f.read(512)
                    conn.sendall(b"421 4.4.2 flaky.test Error: timeout exceeded\r\n")
                cut[0] += 1
                conn.shutdown(socket.SHUT_RDWR)
                return
            elif verb == b"QUIT":
                conn.sendall(b"221 Bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.2 Error\r\n")

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            with conn, suppress(OSError):
                serve_one(conn)

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    try:
        yield port, cut
    finally:
        stop.set()
        t.join(5)
        srv.close()
