"""One holder, one subscriber row: a holder first listed without a certificate serial is the
same row once a later list (or request) gives the serial — found by index, also in a register
made before that index existed."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from paperflow.config import Settings
from paperflow.models import Extracted, InputKind, Subscriber
from paperflow.register import Register
from paperflow.register.schema import SubscriberRow

SCHOOL = "Trường Trung học cơ sở Minh Khai, huyện Hưng Hà"
SCHOOL_KEY = "truong trung hoc co so minh khai huyen hung ha"
SCHOOL_AGAIN = "TRƯỜNG TRUNG HỌC CƠ SỞ MINH KHAI - HUYỆN HƯNG HÀ"   # the same, typed by another clerk


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(workspace=tmp_path)


def store(reg: Register, *subs: Subscriber, name: str = "ds.xlsx") -> None:
    reg.store(Extracted(InputKind.SUBSCRIBER_LIST, subscribers=subs), source_sha=name,
              source_name=name)


def rows(reg: Register) -> list[SubscriberRow]:
    with reg.session() as s:
        return list(s.scalars(select(SubscriberRow).order_by(SubscriberRow.ident)))


def test_a_holder_listed_without_serial_and_later_with_it_is_one_row(settings):
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, id_number="034190000011",
                              email="lannt@thaibinh.gov.vn", title="Kế toán"), name="nhan-su.xlsx")
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL,
                              id_number="034 190 000 011", cert_serial="54 01 aa bb",
                              valid_until=date(2027, 3, 1), title="Kế toán trưởng"))
        [row] = rows(reg)
        # re-keyed under the serial; the later list's values
        assert row.ident == "cert:5401AABB" and row.cert_serial == "5401AABB"
        assert row.title == "Kế toán trưởng" and row.valid_until == date(2027, 3, 1)
        [snap] = reg.snapshot().subscribers
        assert snap.cert_serial == "5401AABB" and snap.id_number == "034190000011"


def test_re_keying_keeps_what_only_the_first_list_said(settings):
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, id_number="034190000011",
                              email="lannt@thaibinh.gov.vn"))
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, cert_serial="5401AABB"))
        [row] = rows(reg)
        assert (row.email, row.id_number) == ("lannt@thaibinh.gov.vn", "034190000011")


def test_without_id_number_the_name_and_agency_find_the_holder_however_typed(settings):
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, phone="0912345678"))
        store(reg, Subscriber("person", "NGUYỄN THỊ LAN", agency=SCHOOL_AGAIN,
                              cert_serial="5401AABB", phone="0912345678"))
        [row] = rows(reg)
        assert row.ident == "cert:5401AABB" and row.name == "NGUYỄN THỊ LAN"


def test_a_renamed_holder_is_found_under_the_new_name(settings):
    # the row's name changes by a later list (same id number); a list with the serial and the
    # new name but no id number must still find it
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Lê Văn Hùng", agency=SCHOOL, id_number="034090000022"))
        store(reg, Subscriber("person", "Lê Văn Hưng", agency=SCHOOL, id_number="034090000022"))
        store(reg, Subscriber("person", "Lê Văn Hưng", agency=SCHOOL, cert_serial="5401CC"))
        [row] = rows(reg)
        assert (row.ident, row.name) == ("cert:5401CC", "Lê Văn Hưng")


def test_other_holders_stay_apart(settings):
    with Register.open(settings) as reg:
        store(reg,
              Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, id_number="034190000011"),
              # the same name in another agency, no id: another person
              Subscriber("person", "Nguyễn Thị Lan", agency="Sở Y tế tỉnh Thái Bình"),
              # an organisation of the same name as a person is not that person
              Subscriber("organization", "Nguyễn Thị Lan", agency=SCHOOL))
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, cert_serial="5401AA"),
              # a holder whose row already has a serial keeps it: a second certificate is a
              # second row
              Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, cert_serial="5401BB"))
        got = {(r.type, r.agency, r.cert_serial) for r in rows(reg)}
        assert got == {
            ("person", SCHOOL, "5401AA"),
            ("person", SCHOOL, "5401BB"),
            ("person", "Sở Y tế tỉnh Thái Bình", ""),
            ("organization", SCHOOL, ""),
        }


def test_a_list_without_serial_updates_the_holder_stored_with_one(settings):
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, cert_serial="5401AA"))
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL_AGAIN,
                              id_number="034190000011", needed=False, need_note="nghỉ hưu"))
        [row] = rows(reg)
        assert row.ident == "cert:5401AA" and row.id_number == "034190000011"
        assert row.needed is False and row.need_note == "nghỉ hưu"


def test_a_register_made_before_the_index_is_upgraded(settings):
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL, email="lan@x.vn"),
              Subscriber("person", "Trần Văn Nam", agency=SCHOOL, email="nam@x.vn"))
        db = reg.engine.url.database
    # make it look as registers made before migration 0002 look: no column, no indexes
    con = sqlite3.connect(db)
    con.executescript("""
        DROP INDEX ix_subscribers_match_key;
        DROP INDEX ix_subscribers_id_number;
        ALTER TABLE subscribers DROP COLUMN match_key;
        DELETE FROM migrations WHERE name = '0002-subscriber-match-key';
    """)
    con.commit()
    con.close()
    with Register.open(settings) as reg:
        store(reg, Subscriber("person", "Nguyễn Thị Lan", agency=SCHOOL_AGAIN,
                              cert_serial="5401AA"))
        got = {r.ident: r.name for r in rows(reg)}
        assert got == {"cert:5401AA": "Nguyễn Thị Lan",
                       "person:name:tran van nam|" + SCHOOL_KEY: "Trần Văn Nam"}
    con = sqlite3.connect(db)
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    applied = {r[0] for r in con.execute("SELECT name FROM migrations")}
    con.close()
    assert {"ix_subscribers_match_key", "ix_subscribers_id_number"} <= indexes
    assert "0002-subscriber-match-key" in applied
