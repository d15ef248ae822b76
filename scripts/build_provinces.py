"""Regenerate the 2025 reorganisation data shipped with paperflow (maintainers only; paperflow
itself only reads the file, src/paperflow/plan/provinces.py).

    python scripts/build_provinces.py      # in a venv with `vietnamadminunits` installed

Source: PyPI `vietnamadminunits` (its offline conversion tables; never its online geocoder).
Writes vn-2025.json.gz: the 63 → 34 provinces and the old → new commune table, with the
package name and version recorded, so every stored code can say which data set it came from.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from importlib import metadata
from pathlib import Path

import vietnamadminunits

DATA = Path(vietnamadminunits.__file__).parent / "data"
OUT = Path(__file__).resolve().parents[1] / "src" / "paperflow" / "data" / "provinces" / "vn-2025.json.gz"


def main() -> None:
    conv = json.loads((DATA / "converter_2025.json").read_text(encoding="utf-8"))
    new = json.loads((DATA / "parser_from_2025.json").read_text(encoding="utf-8"))
    old = json.loads((DATA / "parser_legacy.json").read_text(encoding="utf-8"))
    new_p, old_p = new["DICT_PROVINCE"], old["DICT_PROVINCE"]

    provinces = []
    for nk, olds in sorted(conv["DICT_PROVINCE"].items()):
        p = new_p[nk]
        provinces.append({
            "key": nk, "name": p["province"], "short": p["provinceShort"],
            "code": p["provinceCode"],
            "from": [{"key": ok, "name": old_p[ok]["province"],
                      "short": old_p[ok]["provinceShort"], "code": old_p[ok]["provinceCode"]}
                     for ok in sorted(olds)],
        })

    skipped: list[str] = []

    def old_names(okey: str) -> dict[str, str]:
        pk, dk, wk = okey.split("_")
        d = old["DICT_PROVINCE_DISTRICT"].get(pk, {}).get(dk, {})
        # names that differ only by tone marks share a diacritic-free key: the package files
        # them under the accented key instead ("xãvănlang" / "xãvănlăng")
        w = (old["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"].get(pk, {}).get(dk, {}).get(wk)
             or old["DICT_PROVINCE_DISTRICT_WARD_ACCENTED"].get(pk, {}).get(dk, {}).get(wk, {}))
        return {"province": old_p[pk]["provinceShort"], "district": d.get("district", ""),
                "commune": w.get("ward", ""), "code": w.get("wardCode", "")}

    def new_ward(pk: str, wk: str) -> dict[str, str]:
        w = (new["DICT_PROVINCE_WARD_NO_ACCENTED"].get(pk, {}).get(wk)
             or new["DICT_PROVINCE_WARD_ACCENTED"].get(pk, {}).get(wk, {}))
        if not w:
            skipped.append(f"{pk}/{wk}")
        return {"name": w.get("ward", ""), "code": w.get("wardCode", "")}

    communes = []
    for pk, wards in sorted(conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items()):
        for wk, olds in sorted(wards.items()):
            nw = new_ward(pk, wk)
            for okey in sorted(olds):
                o = old_names(okey)
                if not o["commune"]:
                    skipped.append(okey)
                    continue
                communes.append([o["province"], o["district"], o["commune"], o["code"],
                                 new_p[pk]["provinceShort"], nw["name"], nw["code"], []])
    for pk, divided in sorted(conv["DICT_PROVINCE_WARD_DIVIDED"].items()):
        for okey, targets in sorted(divided.items()):
            o = old_names(okey)
            if not o["commune"]:
                skipped.append(okey)
                continue
            default = next((t for t in targets if t["isDefaultNewWard"]), targets[0])
            nw = new_ward(pk, default["newWardKey"])
            split = sorted(new_ward(pk, t["newWardKey"])["name"] for t in targets)
            communes.append([o["province"], o["district"], o["commune"], o["code"],
                             new_p[pk]["provinceShort"], nw["name"], nw["code"], split])

    # Every commune of 2025 by itself (3,321), from the package's own table: the canonical names
    # the plan resolves damaged spellings to, whether or not an old commune maps onto it.
    db = sqlite3.connect(DATA / "dataset.db")
    all_new = sorted([r[0], r[1], r[2]] for r in db.execute(
        "SELECT provinceShort, ward, wardCode FROM admin_units"))
    db.close()
    mapped = {c[6] for c in communes}
    unmapped = [c for c in all_new if c[2] not in mapped]

    doc = {
        "source": "vietnamadminunits",
        "source_version": metadata.version("vietnamadminunits"),
        "resolution": "Nghị quyết 202/2025/QH15",
        "effective": "2025-06-12",
        "provinces": provinces,
        "commune_columns": ["old_province", "old_district", "old_commune", "old_code",
                            "province", "commune", "code", "split_into"],
        "communes": communes,
        "new_commune_columns": ["province", "commune", "code"],
        "new_communes": all_new,
    }
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUT.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{OUT.name}: {len(provinces)} provinces, {len(communes)} old communes, "
          f"{len(all_new)} new communes ({len(mapped)} with a mapping), {len(raw)} bytes")
    for c in unmapped:
        print(f"  no old commune maps onto {c}")
    for k in skipped:
        print(f"  not found in the package tables: {k}")


if __name__ == "__main__":
    main()
