"""Canonical names: a name read without diacritics or damaged by OCR ("So Nong nghiep va Moi
truong tinh Hung Yen", "S6 Tai chinh", "Tinh Hung Yén") resolves to the standard spelling when
one candidate clearly wins, and is flagged when two come close (docs/RULES.md, data quality).

Candidates: the register's own names first, then the versioned data — every province's People's
Committee, Council and standard departments (old and new names, old and new provinces) and the
People's Committee of each of the 3,321 communes of 2025. Pure; the data's index is built once per
process (nameindex.data_index) and each plan lays its register's names over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..models import PlanWarning
from ..nameindex import NameIndex, data_index
from ..text import distinctive, key, nfc, strip_diacritics
from .agencies import AgencyData, full_province_name
from .provinces import ProvinceData

CLEAR = 0.90          # a fuzzy winner at least this alike …
SHORT_CLEAR = 0.97    # for names whose distinctive part is short (a commune: 'Hà Quý')
MARGIN = 0.03         # … and this far ahead of the runner-up is taken without asking


@dataclass(frozen=True)
class Resolution:
    name: str                   # the canonical spelling, or the name as read (NFC) when unknown
    known: bool                 # found among the register's names or the data
    warning: PlanWarning | None = None


def data_names(data: AgencyData, provinces: ProvinceData) -> tuple[str, ...]:
    """Every agency name the versioned data knows, in a fixed order (made once per data set:
    the data is loaded once per process and every plan asks)."""
    hit = _DATA_NAMES.get((id(data), id(provinces)))
    if hit is None or hit[0] is not data or hit[1] is not provinces:
        if len(_DATA_NAMES) >= 8:       # data sets made on the fly (tests): keep a few
            _DATA_NAMES.clear()
        hit = _DATA_NAMES[(id(data), id(provinces))] = (data, provinces,
                                                        _data_names(data, provinces))
    return hit[2]


# (id(data), id(provinces)) → (data, provinces, names): the objects are kept, so their ids stay theirs
_DATA_NAMES: dict[tuple[int, int], tuple[AgencyData, ProvinceData, tuple[str, ...]]] = {}


def _data_names(data: AgencyData, provinces: ProvinceData) -> tuple[str, ...]:
    olds = sorted({p.old for p in provinces.provinces} | {p.new for p in provinces.provinces})
    bases = sorted({d.removesuffix(" tỉnh") for d in data.departments}
                   | {d for d in data.aliases.values()})
    out: list[str] = []
    for short in olds:
        full = full_province_name(data, short)
        out.append(full[0].upper() + full[1:])
        out.extend(f"{base} {full}" for base in bases)
    out.extend(sorted({d.removesuffix(" tỉnh") for d in data.departments}))
    # the People's Committees of the districts ended in 2025 (a list names them until revoked)
    for district in sorted({c.old_district for c in provinces.communes if c.old_district}):
        out.append(f"Ủy ban nhân dân {district[0].lower()}{district[1:]}")
    for _province, commune, _code in provinces.new_communes:
        out.append(f"Ủy ban nhân dân {commune[0].lower()}{commune[1:]}")
    return tuple(out)


@dataclass
class Canon:
    """Resolves names to their canonical spelling; memoised (a unit's name recurs on every
    officer of it)."""

    register: list[str]
    data: tuple[str, ...]
    _index: NameIndex | None = field(default=None, repr=False)
    _memo: dict[str, Resolution] = field(default_factory=dict, repr=False)
    _spelled: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.data = tuple(self.data)        # the key of the shared index and spellings

    def data_spelling(self, name: str) -> str:
        """The one spelling the versioned data has for `name`'s key ('' when none or several:
        'xã Hà Quý' and 'xã Hạ Quý' share a key and are two places)."""
        got = _spellings(self.data).get(key(name), frozenset())
        return next(iter(got)) if len(got) == 1 else ""

    def index(self) -> NameIndex:
        if self._index is None:
            # the data's thousands of names are indexed once per process; the register's over them
            self._index = NameIndex(self.register, shortlist=20,
                                    under=data_index(self.data))
        return self._index

    def resolve(self, name: str, *, what: str = "") -> Resolution:
        name = nfc(name)
        if not name:
            return Resolution("", False)
        hit = self._memo.get(name)
        if hit is None:
            hit = self._memo[name] = self._resolve(name, what)
        return hit

    def _resolve(self, name: str, what: str) -> Resolution:
        if not self._spelled:
            self._spelled.update(self.register)
        # a name without any diacritic (a list exported from another system) is the register's
        # spelling only when nothing with diacritics folds to it: the data's spelling wins
        bare = strip_diacritics(name) == name
        if name in self._spelled and not bare:  # the register's own spelling: no index needed
            return Resolution(name, True)
        index = self.index()
        same = index.spelled_like(name)
        marked = [n for n in same if strip_diacritics(n) != n]
        if name in same and not (bare and marked):  # an exact NFC match wins over a folded one
            return Resolution(name, True)
        variants = sorted(set(marked if bare else same), key=lambda n: (n not in self.register, n))
        if len({nfc(n) for n in variants}) == 1:
            return Resolution(variants[0], True)
        if len(variants) > 1:
            return Resolution(name, False, PlanWarning(
                "name_ambiguous",
                f"Tên “{name}”{what} có thể là {' hoặc '.join(f'“{v}”' for v in variants)} (chỉ "
                "khác dấu thanh); giữ nguyên như đã đọc, kiểm tra và sửa trước khi gửi."))
        top = index.top(name, 2)
        if not top or top[0][1] < 0.85:
            return Resolution(name, False)
        best, score = top[0]
        second = top[1][1] if len(top) > 1 else 0.0
        # a short distinctive part ('Hà Quý') is one letter away from another place ('Hóa Quỳ'):
        # only diacritics may be corrected there, never letters
        short = len(distinctive(key(best))) < 12
        if score >= (SHORT_CLEAR if short else CLEAR) and score - second >= MARGIN:
            return Resolution(best, True)
        close = " hoặc ".join(f"“{n}” ({s:.2f})" for n, s in top)
        return Resolution(name, False, PlanWarning(
            "name_uncertain",
            f"Tên “{name}”{what} gần với {close}; không đủ chắc chắn để sửa tự động, kiểm tra "
            "và sửa trước khi gửi."))


@lru_cache(maxsize=4)
def _spellings(data: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """key → the data's spellings of it, once per data set."""
    out: dict[str, set[str]] = {}
    for n in data:
        out.setdefault(key(n), set()).add(n)
    return {k: frozenset(v) for k, v in out.items()}
