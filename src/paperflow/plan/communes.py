"""Commune merges of 2025 (district level abolished 01/7/2025), from the official data.

The register holds commune People's Committees as organisation subscribers ("Ủy ban nhân dân
xã Vũ Hội"). Their merges are not parsed from decisions: they come from the versioned data, as
merge events derived here, so rules 1/2/3/7 apply to them like to any decided merge.
"""

from __future__ import annotations

import re

from ..models import MergeEvent, MergeKind, PlanWarning, Subscriber
from ..text import fold, key, nfc
from .common import Context, full_province, province_of

# matched on the folded name (text.fold keeps positions): a list typed without diacritics
# ("Uy ban nhan dan xa Tan Lap") names the same commune
_COMMUNE = re.compile(r"^(?:uy ban nhan dan|ubnd)\s+(xa|phuong|thi tran)\s+(.+?)(?:,.*)?$")
_DISTRICT = re.compile(r"(huyen|quan|thi xa|thanh pho)\s+(.+?)(?:,|$| tinh)")
_LEVEL = {"xa": "Xã", "phuong": "Phường", "thi tran": "Thị trấn",
          "huyen": "Huyện", "quan": "Quận", "thi xa": "Thị xã", "thanh pho": "Thành phố"}


def _found(pattern: re.Pattern[str], text: str) -> tuple[str, str] | None:
    """(level, name) as written in `text`, the level in its standard spelling."""
    m = pattern.search(fold(text))
    if not m:
        return None
    return _LEVEL[m.group(1)], text[m.start(2):m.end(2)]


def _committee(commune: str) -> str:
    return f"Ủy ban nhân dân {commune[0].lower()}{commune[1:]}"


def commune_events(ctx: Context) -> tuple[list[MergeEvent], list[PlanWarning]]:
    groups: dict[tuple[str, str], list[Subscriber]] = {}
    warnings: list[PlanWarning] = []
    for s in ctx.subscribers:
        m = _found(_COMMUNE, nfc(s.name)) if s.type == "organization" else None
        if not m:
            continue
        commune = f"{m[0]} {m[1]}"
        d = _found(_DISTRICT, nfc(s.managing_agency))
        district = f"{d[0]} {d[1]}" if d else ""
        province = province_of(ctx, s, ctx.cert(s.cert_serial))
        found = ctx.provinces.communes_of(commune, district, province)
        if not found and not ctx.provinces.communes_of(commune):
            warnings.append(PlanWarning(
                "commune_not_found",
                f"Không tìm thấy “{commune}” ({district or 'không rõ huyện'}, "
                f"{province or 'không rõ tỉnh'}) trong dữ liệu {ctx.provinces.version}: kiểm tra "
                f"tên của “{s.name}” (chính tả, dấu); chưa lập đề nghị cho chứng thư này."))
            continue
        if len({(c.province, c.new) for c in found}) != 1:
            if found:
                warnings.append(PlanWarning(
                    "commune_ambiguous",
                    f"Không xác định được đơn vị cấp xã mới của “{s.name}” ({len(found)} khả "
                    f"năng trong dữ liệu {ctx.provinces.version}); bổ sung huyện/tỉnh cũ."))
            continue
        c = found[0]
        if c.split_into:
            warnings.append(PlanWarning(
                "commune_split",
                f"“{commune}” ({c.old_district}) được chia vào {', '.join(c.split_into)}; dữ "
                f"liệu chọn mặc định “{c.new}”. Kiểm tra theo nghị quyết của tỉnh."))
        groups.setdefault((c.province, c.new), []).append(s)
    events = []
    version = ctx.provinces.version
    for (province, new), members in sorted(groups.items()):
        target = _committee(new)
        names = tuple(sorted({m.name for m in members}, key=key))
        same = [n for n in names if key(n) == key(target)]
        if len(names) == 1 and same:
            kind = MergeKind.SUPERIOR_CHANGE       # name kept, the district above is gone
        elif same:
            kind = MergeKind.MERGE_KEEP
        else:
            kind = MergeKind.MERGE_NEW if len(names) > 1 else MergeKind.RENAME
        superior = f"Ủy ban nhân dân {full_province(ctx, province)}"
        events.append(MergeEvent(
            kind=kind, sources=names, target=target, superior=superior,
            decision=f"sắp xếp đơn vị hành chính cấp xã 2025 ({version})",
            source=f"data:{version}"))
    return events, warnings
