"""Province (63 → 34) and commune merges of 2025, from versioned data shipped with paperflow.

The data come from PyPI `vietnamadminunits` (chosen over `vietnam-provinces`, which lists only
the new divisions and has no old → new table; the two disagree on ~130 commune codes, so one
source only). `scripts/build_provinces.py` rebuilds the file; its source version travels in
`ProvinceData.version` and is named in every province action's reason. Loading reads a package
file once; the lookups are pure.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..text import key, nfc

_PREFIX = re.compile(r"^(tinh|thanh pho|tp)\s+")


@dataclass(frozen=True)
class ProvinceChange:
    old: str                     # old province, short name ("Thái Bình")
    new: str                     # new province, short name ("Hưng Yên")
    new_code: str
    merged_from: tuple[str, ...]  # every old province of the new unit, sorted


@dataclass(frozen=True)
class CommuneChange:
    old_province: str
    old_district: str
    old: str
    old_code: str
    province: str
    new: str
    code: str
    split_into: tuple[str, ...] = ()   # a divided commune: the default is `new`, check by hand


@dataclass(frozen=True)
class ProvinceData:
    version: str
    provinces: tuple[ProvinceChange, ...]
    communes: tuple[CommuneChange, ...] = ()
    new_communes: tuple[tuple[str, str, str], ...] = ()   # (province, commune, code): all 3,321
    aliases: dict[str, str] = field(default_factory=dict)  # province_key(alias) → old short name
    former: dict[str, str] = field(default_factory=dict)   # province_key(former name) → short
    # lookup indexes, built once (hashing the whole data set per lookup would be slow)
    _by_province: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _by_commune: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _districts: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for p in self.provinces:
            self._by_province.setdefault(province_key(p.old), p)
        for c in self.communes:
            self._by_commune.setdefault(key(c.old), []).append(c)
            self._districts.setdefault(key(c.old_district), c.old_district)
        for alias, short in (*self.aliases.items(), *self.former.items()):
            p = self._by_province.get(province_key(short))
            if p is not None:
                self._by_province.setdefault(alias, p)

    def province(self, name: str) -> ProvinceChange | None:
        """The 2025 change for a province name (old or new, any spelling, with/without 'Tỉnh')."""
        # memoised by the name as written: every subscriber's ST/L is looked up several times
        try:
            return self._memo[name]
        except KeyError:
            pass
        k = province_key(name)
        hit = self._by_province.get(k) if k else None
        if len(self._memo) < 100_000:
            self._memo[name] = hit
        return hit

    def district(self, name: str) -> str:
        """The spelling of an old district ('huyen kien xuong' → 'Huyện Kiến Xương'), ''."""
        return self._districts.get(key(name), "")

    def renamed(self, name: str) -> bool:
        """The name is a former name of a province that goes on under another (Thừa Thiên Huế)."""
        return province_key(name) in self.former

    def communes_of(self, old_commune: str, old_district: str = "",
                    old_province: str = "") -> tuple[CommuneChange, ...]:
        kc, kd, kp = key(old_commune), key(old_district), province_key(old_province)
        out = []
        for c in self._by_commune.get(kc, ()):
            if kd and key(c.old_district) != kd:
                continue
            if kp and province_key(c.old_province) != kp:
                continue
            out.append(c)
        # 'xã Hà Quý' and 'xã Hạ Quý' share a key: the name as written wins over its look-alike
        exact = [c for c in out if nfc(c.old).lower() == nfc(old_commune).lower()]
        return tuple(exact or out)


def province_key(name: str) -> str:
    return _PREFIX.sub("", key(name))


def parse(doc: dict, names: dict | None = None) -> ProvinceData:
    provinces = []
    for p in doc["provinces"]:
        olds = tuple(sorted(o["short"] for o in p["from"]))
        for o in p["from"]:
            provinces.append(ProvinceChange(old=o["short"], new=p["short"], new_code=p["code"],
                                            merged_from=olds))
    communes = tuple(
        CommuneChange(old_province=r[0], old_district=r[1], old=r[2], old_code=r[3],
                      province=r[4], new=r[5], code=r[6], split_into=tuple(r[7]))
        for r in doc.get("communes", ()))
    version = f"{doc['source']} {doc['source_version']} ({doc.get('resolution', '')})"
    names = names or {}
    aliases = {province_key(a): nfc(short)
               for short, alts in names.get("province_aliases", {}).items() for a in alts}
    former = {province_key(old): nfc(short)
              for old, short in names.get("former_province_names", {}).items()}
    return ProvinceData(version=version,
                        provinces=tuple(sorted(provinces, key=lambda p: (p.new, p.old))),
                        communes=communes,
                        new_communes=tuple(tuple(r) for r in doc.get("new_communes", ())),
                        aliases=aliases, former=former)


@cache
def load_2025() -> ProvinceData:
    """The shipped 2025 data (read once per process)."""
    ref = resources.files("paperflow") / "data" / "provinces" / "vn-2025.json.gz"
    names = resources.files("paperflow") / "data" / "names" / "agencies-2025.json"
    return parse(json.loads(gzip.decompress(ref.read_bytes()).decode("utf-8")),
                 json.loads(names.read_text(encoding="utf-8")))
