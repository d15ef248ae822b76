"""One key for certificate serials in registers written before `text.normalise_serial` dropped
leading zeros: a list's "000054A3" was stored as typed and never met its certificate file's
"54A3"; a list dropped after the upgrade would then make a second row for the same holder."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..text import normalise_serial
from .base import migration
from .schema import SubscriberRow, TokenRow


@migration("0005-certificate-serials-one-key")
def _serials_one_key(conn: Connection) -> None:
    subs = SubscriberRow.__table__
    taken = set(conn.scalars(select(subs.c.ident)))
    for ident, serial in conn.execute(select(subs.c.ident, subs.c.cert_serial)).all():
        new = normalise_serial(serial)
        if not serial or new == serial:
            continue
        new_ident = f"cert:{new}" if ident.startswith("cert:") else ident
        if new_ident != ident and new_ident in taken:
            continue                    # the holder has a row under the key already: keep both
        conn.execute(subs.update().where(subs.c.ident == ident)
                     .values(ident=new_ident, cert_serial=new))
        if new_ident != ident:
            conn.execute(TokenRow.__table__.update().where(TokenRow.__table__.c.holder == ident)
                         .values(holder=new_ident))
        taken.discard(ident)
        taken.add(new_ident)
    tokens = TokenRow.__table__
    for serial, cert in conn.execute(select(tokens.c.serial, tokens.c.cert_serial)).all():
        if cert and normalise_serial(cert) != cert:
            conn.execute(tokens.update().where(tokens.c.serial == serial)
                         .values(cert_serial=normalise_serial(cert)))
