"""Agency names after 2025, from versioned data (data/names/agencies-2025.json): the standard
departments of a province, the department merges, which bodies ended with the district level
(rule 14) and what a province-level agency of a merged province becomes (rule 15).

Loading reads a package file once; every look-up is pure. Names are compared on `text.key`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..text import key, nfc
from .provinces import ProvinceData

# "huyện/quận/thị xã/thành phố X" (thành phố: only when X is not a centrally-run city)
_DISTRICT_WORDS = r"(?P<word>huyen|quan|thi xa|thanh pho)"
_DISTRICT_BODY = re.compile(
    r"^(?:uy ban nhan dan|hoi dong nhan dan|van phong (?:hoi dong nhan dan va uy ban nhan dan"
    r"|uy ban nhan dan|hoi dong nhan dan)|phong .+?|ban .+?|trung tam chinh tri)\s+"
    + _DISTRICT_WORDS + r"\s+(?P<place>.+)$")
_DISTRICT_PARTY = re.compile(
    r"^(?:(?:ban|van phong|uy ban kiem tra) .*?)?(?P<kind>huyen|quan|thi|thanh) uy\s+(?P<place>.+)$")
_UNIT_OF_DISTRICT = re.compile(r"^(?:phong|ban|van phong)\b")
_PROVINCE_LEVEL = re.compile(r"^(?P<base>.+?)\s+(?P<word>tinh|thanh pho)\s+(?P<place>.+)$")
_UBND = "Ủy ban nhân dân"


@dataclass(frozen=True)
class AgencyData:
    version: str
    departments: tuple[str, ...]                     # standard names, no province
    merges: dict[str, tuple[str, bool]]              # key(old dept) → (new dept, name kept)
    aliases: dict[str, str]                          # key(alias or name) → standard dept name
    centrally_run: frozenset[str]                    # keys of the centrally-run cities
    province_aliases: dict[str, str] = field(default_factory=dict)   # key(alias) → short


@dataclass(frozen=True)
class Successor:
    """What a province-level agency of 2024 is called after 2025 (rule 15)."""

    old: str
    new: str
    kept: bool          # the new name is that of an agency that goes on (rule 2), else rule 1
    province: tuple[str, str]   # (old province, new province), short names


def parse_names(doc: dict) -> AgencyData:
    merges: dict[str, tuple[str, bool]] = {}
    for m in doc["department_merges"]:
        for old in m["from"]:
            merges[key(old)] = (nfc(m["into"]), bool(m["kept"]))
    aliases = {key(d): nfc(d) for d in doc["departments"]}
    for old in (o for m in doc["department_merges"] for o in m["from"]):
        aliases[key(old)] = nfc(old)
    for name, alts in doc.get("department_aliases", {}).items():
        aliases[key(name)] = nfc(name)
        aliases.update((key(a), nfc(name)) for a in alts)
    prov = {key(a): nfc(short) for short, alts in doc.get("province_aliases", {}).items()
            for a in alts}
    return AgencyData(version=doc["version"], departments=tuple(nfc(d) for d in doc["departments"]),
                      merges=merges, aliases=aliases,
                      centrally_run=frozenset(key(c) for c in doc["centrally_run"]),
                      province_aliases=prov)


@cache
def load_names() -> AgencyData:
    ref = resources.files("paperflow") / "data" / "names" / "agencies-2025.json"
    return parse_names(json.loads(ref.read_text(encoding="utf-8")))


def full_province_name(data: AgencyData, short: str) -> str:
    return f"thành phố {short}" if key(short) in data.centrally_run else f"tỉnh {short}"


# a huyện, xã or phường in the base makes the name a lower level's ('xã hội', 'phương tiện' not)
_LOWER_LEVEL = re.compile(r"\b(?:huyen|thi xa|thi tran|dac khu)\b|\b(?:xa|phuong)\b(?! (?:hoi|tien)\b)")


def _province_level(data: AgencyData, provinces: ProvinceData, k: str
                    ) -> tuple[str, str, str] | None:
    """(key of the base, 'tinh'|'thanh pho', old province short) of a province-level name."""
    m = _PROVINCE_LEVEL.match(k)
    if not m or _LOWER_LEVEL.search(m.group("base")):
        return None
    base, word, place = m.group("base"), m.group("word"), m.group("place")
    p = provinces.province(place)
    if p is None or (word == "thanh pho" and not _is_city_of_the_centre(data, provinces, place)):
        return None
    return base, word, p.old


def district_place(data: AgencyData, provinces: ProvinceData, name: str) -> str:
    """The district's name when `name` is a body that ended with the district level (rule 14):
    UBND/HĐND of a huyện, quận, thị xã or provincial city, its offices (phòng, ban, văn phòng)
    and the district Party committee; '' otherwise."""
    k = key(name)
    m = _DISTRICT_BODY.match(k)
    if m and not k.startswith(("uy ban nhan dan xa ", "uy ban nhan dan phuong ",
                               "uy ban nhan dan thi tran ", "uy ban nhan dan dac khu ")):
        place = m.group("place").split(" tinh ")[0]
        if m.group("word") == "thanh pho" and _is_city_of_the_centre(data, provinces, place):
            return ""
        return _spelled(provinces, (m.group("word"),), place, name)
    m = _DISTRICT_PARTY.match(k)
    if m:
        place = m.group("place").split(" tinh ")[0]
        if m.group("kind") == "thanh" and _is_city_of_the_centre(data, provinces, place):
            return ""
        words = {"huyen": ("huyen",), "quan": ("quan",), "thi": ("thi xa",),
                 "thanh": ("thanh pho",)}[m.group("kind")]
        return _spelled(provinces, words, place, name)
    return ""


def _spelled(provinces: ProvinceData, words: tuple[str, ...], place: str, name: str) -> str:
    """The district as the data spells it ('huyện Kiến Xương'), else the name as written —
    never the folded key in a document."""
    for word in words:
        found = provinces.district(f"{word} {place}")
        if found:
            return found[0].lower() + found[1:]
    return nfc(name)


def _is_city_of_the_centre(data: AgencyData, provinces: ProvinceData, place: str) -> bool:
    p = provinces.province(place)
    return p is not None and (key(p.new) in data.centrally_run or key(p.old) in data.centrally_run)


def is_unit(name: str) -> bool:
    """A phòng, ban or văn phòng: a unit of the agency that manages it."""
    return bool(_UNIT_OF_DISTRICT.match(key(name)))


def is_commune_body(name: str) -> bool:
    return key(name).startswith(("uy ban nhan dan xa ", "uy ban nhan dan phuong ",
                                 "uy ban nhan dan thi tran ", "uy ban nhan dan dac khu ",
                                 "hoi dong nhan dan xa ", "hoi dong nhan dan phuong "))


def is_district_unit(name: str, managing: str, data: AgencyData, provinces: ProvinceData) -> bool:
    """A phòng/ban/văn phòng whose own name omits the district but whose managing agency is a
    district People's Committee ('Phòng Nội vụ', managed by 'UBND huyện Kiến Xương')."""
    return bool(_UNIT_OF_DISTRICT.match(key(name))) and bool(
        district_place(data, provinces, managing))


def successor(data: AgencyData, provinces: ProvinceData, name: str) -> Successor | None:
    """Rule 15 and the department merges of 2025: what a province-level agency is called now.
    None when the name is not a known province-level agency or does not change."""
    k = key(name)
    got = _province_level(data, provinces, k)
    if got is None:
        return None
    base_k, _word, old_p = got
    p = provinces.province(old_p)
    assert p is not None
    if base_k in ("uy ban nhan dan", "hoi dong nhan dan"):
        base = "Ủy ban nhân dân" if base_k == "uy ban nhan dan" else "Hội đồng nhân dân"
    elif base_k in ("thanh tra",):
        base = "Thanh tra"
    elif base_k in ("van phong uy ban nhan dan",):
        base = "Văn phòng Ủy ban nhân dân"
    else:
        std = data.aliases.get(base_k) or data.aliases.get(f"{base_k} tinh")
        if std is None:
            return None
        base = std.removesuffix(" tỉnh")
    new_base, kept = data.merges.get(key(base), (base, True))
    new = f"{new_base} {full_province_name(data, p.new)}"
    if nfc(new) == nfc(name):
        return None
    return Successor(old=nfc(name), new=new, kept=kept, province=(p.old, p.new))


def superior_of(data: AgencyData, provinces: ProvinceData, agency: str) -> str:
    """The managing agency of an agency after 2025, when its name says it: a department or a
    commune → the province's People's Committee. '' when unknown."""
    k = key(agency)
    got = _province_level(data, provinces, k)
    if got is not None and got[0] not in ("uy ban nhan dan", "hoi dong nhan dan"):
        p = provinces.province(got[2])
        return f"{_UBND} {full_province_name(data, p.new)}" if p else ""
    return ""


def province_in(data: AgencyData, provinces: ProvinceData, name: str) -> str:
    """The province (as it was, short name) a province-level name places itself in, ''."""
    got = _province_level(data, provinces, key(name))
    return got[2] if got else ""


def merged_province_named(data: AgencyData, provinces: ProvinceData, name: str) -> str:
    """The old province a name places itself in when that province merged into another
    ('Chi cục Thủy lợi tỉnh Thái Bình' → 'Thái Bình'); '' otherwise."""
    got = _province_level(data, provinces, key(name))
    if got is None:
        return ""
    p = provinces.province(got[2])
    return got[2] if p is not None and key(p.new) != key(p.old) else ""
