"""The layered name index answers as one index over the register's names then the data's."""

from __future__ import annotations

import random

import pytest

from paperflow.nameindex import NameIndex, data_index
from paperflow.plan.agencies import load_names
from paperflow.plan.canon import data_names
from paperflow.plan.provinces import load_2025
from paperflow.text import strip_diacritics


@pytest.fixture(scope="module")
def data() -> list[str]:
    return data_names(load_names(), load_2025())


def _damaged(name: str, rng: random.Random) -> str:
    """A name as lists and scans give it: without diacritics, a letter misread, a word lost."""
    how = rng.randrange(4)
    if how == 0:
        return strip_diacritics(name)
    if how == 1:
        i = rng.randrange(len(name))
        return name[:i] + rng.choice("o0a6lI") + name[i + 1:]
    words = name.split()
    if how == 2 and len(words) > 3:
        del words[rng.randrange(len(words))]
        return " ".join(words)
    return name.upper()


def test_a_register_laid_over_the_data_answers_as_one_index(data):
    rng = random.Random(7)
    # the register: its own units, names the data also has (a copy keeps the register's place),
    # and look-alikes differing only by tone marks
    register = ["Trung tâm Công nghệ thông tin tỉnh Hưng Yên", "Phòng Tài chính - Kế hoạch huyện Tiên Lữ",
                "Ủy ban nhân dân xã Hạ Quý", "Sở Y tế tỉnh Hưng Yên", "Văn phòng Sở Y tế tỉnh Hưng Yên",
                *rng.sample(data, 6)]
    flat = NameIndex([*register, *data], shortlist=20)
    layered = NameIndex(register, shortlist=20, under=NameIndex(data, shortlist=20))
    assert layered._visible() == flat.names
    probes = [*register, *(_damaged(n, rng) for n in rng.sample(data, 10)),
              *(_damaged(n, rng) for n in register), "S6 Tai chinh tinh Hung Yen", "xã Ha Quy",
              "Trường THPT Nguyễn Trãi", "qzx wvk"]
    for p in probes:
        assert layered.best(p) == flat.best(p), p
        assert layered.best(p, score_below=False) == flat.best(p, score_below=False), p
        assert layered.top(p, 2) == flat.top(p, 2), p
        assert layered.exact(p) == flat.exact(p), p
        assert layered.spelled_like(p) == flat.spelled_like(p), p
        assert (p in layered) == (p in flat), p


def test_the_data_is_indexed_once_per_process(data):
    assert data_index(tuple(data)) is data_index(tuple(data))
