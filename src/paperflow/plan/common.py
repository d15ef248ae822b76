"""What every rule module shares: citations, the context of one plan, routing, name fitting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..config import CA_NAME, Settings
from ..models import Certificate, MergeEvent, PlanWarning, Subscriber
from ..nameindex import NameIndex
from ..register.snapshot import RegisterSnapshot
from ..text import key, nfc
from .agencies import AgencyData, district_place, is_district_unit, load_names
from .canon import Canon, data_names
from .provinces import ProvinceData

# The clauses each action cites (docs/RULES.md, rules 1–13).
R_ORG = "275/BCY-CTSBMTT 1.1"            # rules 1, 2, 3
R_PERSON = "275/BCY-CTSBMTT 1.2"         # rule 4
R_TOKEN_RECALL = "275/BCY-CTSBMTT 2.1"   # rule 5
R_TOKEN_HANDOVER = "275/BCY-CTSBMTT 2.2" # rule 6
R_DOSSIER = "275/BCY-CTSBMTT 3"          # rule 7
R_ORG_LIST = "275/BCY-CTSBMTT 4; NĐ 68/2024 Điều 34"   # rule 8
R_NO_NEW = "393/BCY-CTSBMTT 2"           # rule 9
R_PROVINCE = "393/BCY-CTSBMTT 3"         # rule 10
R_LEADER = "393/BCY-CTSBMTT 4"           # rule 11
R_PARTY_NET = "393/BCY-CTSBMTT 5"        # rule 12
R_FOCAL = "23/BCY-CTSBMTT"               # rule 13 (renewal, change, restore via focal points)
R_ISSUE = "NĐ 68/2024/NĐ-CP"             # a genuine first certificate (Mẫu 01/02)
# Rules 14–19 (docs/RULES.md): 393 for the two-tier local government, with the article of
# NĐ 68/2024 the action rests on.
R_DISTRICT = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)"        # rule 14: district body ended
R_MOVE = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15(1)(a)"            # rules 14, 17: person moves
R_LEAVE = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(2)(c)"           # rule 17: leaves service
R_NO_LONGER = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(2)(b)"       # rule 17: no longer needed
R_AGENCY_PAIR = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"           # rule 15: agencies paired
R_AGENCY_GONE = "393/BCY-CTSBMTT; NĐ 68/2024 Điều 17(3)(b)"     # rule 15: absorbed, revoked
R_TRANSFER = "275/BCY-CTSBMTT 1.1; 393/BCY-CTSBMTT; NĐ 68/2024 Điều 15"  # rules 3, 16
R_EXPIRED = "NĐ 68/2024 Điều 17(1)"                             # rule 19: expired

MAX_ATTR = 64                 # X.509 subject attribute values hold at most 64 characters
FUZZY_OK = 0.92               # below this a name match is reported as uncertain
_ABBREVIATIONS = (            # conventional short forms, applied in order until a name fits
    ("Ủy ban nhân dân", "UBND"),
    ("Hội đồng nhân dân", "HĐND"),
    ("Nông nghiệp và Môi trường", "NN&MT"),
    ("Nông nghiệp và Phát triển nông thôn", "NN&PTNT"),
    ("Tài nguyên và Môi trường", "TN&MT"),
    ("Khoa học và Công nghệ", "KH&CN"),
    ("Văn hóa, Thể thao và Du lịch", "VHTT&DL"),
    ("Giáo dục và Đào tạo", "GD&ĐT"),
    ("Kế hoạch và Đầu tư", "KH&ĐT"),
    ("Thành phố", "TP"),
    ("thành phố", "TP"),
)
_PARTY_NET = re.compile(r"mạng mật|đảng|mang mat|dang\b", re.IGNORECASE)
# Rule 11's leaders: the head or a deputy of an agency (Giám đốc/Phó Giám đốc Sở, Chủ tịch/Phó
# Chủ tịch UBND, Chánh/Phó Chánh Văn phòng or Thanh tra, Trưởng/Phó ban) — not every title
# containing "trưởng" (Trưởng phòng heads a unit, not the agency).
_LEADER = re.compile(r"^(?:pho )?(?:giam doc|chu tich|chanh van phong|chanh thanh tra|chanh|"
                     r"truong ban|pho truong ban)\b")


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at: the snapshot, the settings, today and the province data."""

    snapshot: RegisterSnapshot
    settings: Settings
    today: date
    provinces: ProvinceData
    certs: dict[str, Certificate] = field(default_factory=dict, compare=False, hash=False)
    # name key → the organisation subscribers holding a certificate under that name (built once:
    # a province's hundreds of decisions each look up their agencies' holders)
    org_holders: dict[str, list[tuple[int, Subscriber]]] = field(
        default_factory=dict, compare=False, hash=False)
    # province → its focal point (asked for every subscriber; settings fixed for the plan)
    focal_memo: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    names: AgencyData = field(default_factory=load_names, compare=False, hash=False)
    # the subscribers the rules see: the register's rows, and a row made from each certificate
    # file that has none (rule 14/15 decide from the certificate alone)
    subscribers: tuple[Subscriber, ...] = ()
    canon_: list[Canon] = field(default_factory=list, compare=False, hash=False)
    district_memo: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # key(agency) of the agencies a decision dissolves (filled once the events are resolved)
    dissolved: set[str] = field(default_factory=set, compare=False, hash=False)

    def cert(self, serial: str) -> Certificate | None:
        return self.certs.get(serial)

    def canon(self) -> Canon:
        """Canonical spellings: the register's names, then the versioned data."""
        if not self.canon_:
            self.canon_.append(Canon(known_names(self), data_names(self.names, self.provinces)))
        return self.canon_[0]

    def standard(self, name: str, warnings: list[PlanWarning] | None = None, *,
                 what: str = "") -> str:
        """`name` in its canonical spelling when known; a close call is warned, never guessed."""
        got = self.canon().resolve(name, what=what)
        if got.warning is not None and warnings is not None:
            warnings.append(got.warning)
        return got.name

    def district(self, name: str) -> str:
        """The district a body belongs to when it ended with the district level ('' if not)."""
        if name not in self.district_memo:
            self.district_memo[name] = district_place(self.names, self.provinces, name)
        return self.district_memo[name]

    def ended(self, s: Subscriber) -> str:
        """Rule 14: the district an organisation's body ended with ('' when it goes on)."""
        if s.type != "organization":
            return ""
        place = self.district(s.name)
        if not place and is_district_unit(s.name, s.managing_agency, self.names, self.provinces):
            place = self.district(s.managing_agency)
        return place

    def holders(self, names: tuple[str, ...]) -> list[Subscriber]:
        """Organisation subscribers with a certificate named `names`, in snapshot order."""
        if not self.org_holders and self.subscribers:
            for i, s in enumerate(self.subscribers):
                if s.type == "organization" and s.cert_serial:
                    self.org_holders.setdefault(key(s.name), []).append((i, s))
        found = {i: s for k in {key(n) for n in names} for i, s in self.org_holders.get(k, ())}
        return [found[i] for i in sorted(found)]


def fit(value: str) -> tuple[str, PlanWarning | None]:
    """A new attribute value within 64 characters: abbreviated conventionally, never cut."""
    value = nfc(value)
    if len(value) <= MAX_ATTR:
        return value, None
    short = value
    for long, abbr in _ABBREVIATIONS:
        if len(short) <= MAX_ATTR:
            break
        short = short.replace(long, abbr)
    if len(short) <= MAX_ATTR:
        return short, PlanWarning(
            "name_abbreviated",
            f"Tên mới “{value}” dài {len(value)} ký tự, vượt giới hạn 64 ký tự của chứng thư; "
            f"đề xuất viết tắt “{short}”. Kiểm tra và sửa nếu cần trước khi gửi.")
    return value, PlanWarning(
        "name_too_long",
        f"Tên mới “{value}” dài {len(value)} ký tự, vượt giới hạn 64 ký tự và không rút gọn "
        "được theo cách viết tắt thông thường; cần ghi tên viết tắt bằng tay.")


def is_party_network(s: Subscriber) -> bool:
    return bool(s.network) and bool(_PARTY_NET.search(s.network))


def is_leader(title: str, agency: str = "") -> bool:
    """Rule 11: the head or a deputy of an agency. 'Giám đốc' counts for a Sở (a centre's
    director heads a unit); the title may name the agency ('Phó Giám đốc Sở Y tế')."""
    t = key(title)
    m = _LEADER.match(t)
    if not m:
        return False
    if "giam doc" in m.group(0):
        return t.removeprefix("pho ").removeprefix("giam doc").strip().startswith("so") or \
            key(agency).startswith("so ")
    return True


def orphan_subscriber(c: Certificate) -> Subscriber:
    """A subscriber made from a certificate file without a list row: a person's subject has a
    title, an e-mail, an id or a unit; an organisation's only its name, agency and place."""
    person = any(c.attr(a) for a in ("T", "E", "UID", "OU", "SN", "GN"))
    place = c.attr("ST") or c.attr("L")
    if person:
        return Subscriber("person", c.attr("CN"), agency=c.attr("OU") or c.attr("O"),
                          managing_agency=c.attr("O") if c.attr("OU") else "", province=place,
                          title=c.attr("T"), email=c.attr("E"), cert_serial=c.serial,
                          valid_until=c.not_after, source=c.source)
    return Subscriber("organization", c.attr("CN"), agency=c.attr("CN"),
                      managing_agency=c.attr("O"), province=place, cert_serial=c.serial,
                      valid_until=c.not_after, source=c.source)


def province_of(ctx: Context, s: Subscriber, cert: Certificate | None) -> str:
    """The subscriber's province as recorded (list first, then the certificate's ST/L)."""
    for value in (s.province, cert.attr("ST") if cert else "", cert.attr("L") if cert else ""):
        if value and ctx.provinces.province(value):
            return value
    # a register without a province column belongs to the clerk's own province
    return s.province or ctx.settings.agency.province


def new_province(ctx: Context, province: str) -> str:
    p = ctx.provinces.province(province)
    return p.new if p else province


def focal_point(ctx: Context, province: str) -> str:
    """Rule 10/13: the new province's focal point, else one of the merged provinces' (sorted)."""
    if not province:
        return ""
    hit = ctx.focal_memo.get(province)
    if hit is None:
        hit = ctx.focal_memo[province] = _focal_point(ctx, province)
    return hit


def _focal_point(ctx: Context, province: str) -> str:
    fps = {key(k): v for k, v in ctx.settings.plan.focal_points.items()}
    p = ctx.provinces.province(province)
    names = [p.new, p.old, *p.merged_from] if p else [province]
    for name in names:
        for variant in (name, f"tỉnh {name}", f"thành phố {name}"):
            if key(variant) in fps:
                return nfc(fps[key(variant)])
    return ""


def _is_us(ctx: Context, name: str) -> bool:
    return ctx.settings.agency.is_us(name)


def route(ctx: Context, province: str) -> str:
    """Where a request goes: the focal point; the CA when there is none, or when the focal
    point is the issuing agency itself (it files with the CA: 23/BCY-CTSBMTT)."""
    fp = focal_point(ctx, province)
    return CA_NAME if not fp or _is_us(ctx, fp) else fp


def filer(ctx: Context, direct: str, province: str) -> str:
    """Who sends the request: the directly managing agency — unless the issuing agency is the
    province's authorised focal point, which collects the agencies' lists and files them with the
    CA itself (23/BCY-CTSBMTT; Hưng Yên dispatch 2.2)."""
    return ctx.settings.agency.name if _is_us(ctx, focal_point(ctx, province)) else direct


def full_province(ctx: Context, short: str) -> str:
    p = ctx.provinces.province(short)
    name = p.new if p else short
    cities = {"hà nội", "hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"}
    return f"thành phố {name}" if name.lower() in cities else f"tỉnh {name}"


def sko_khcn(ctx: Context, province: str) -> str:
    """Rule 5: tokens go to the province's Sở KHCN (the configured focal point when given)."""
    # When the Sở KHCN is the issuing agency itself, the agencies hand the tokens to it (it is
    # a party to the minutes, numbers and signs them) and it sends them on to the CA.
    return focal_point(ctx, province) or (
        f"Sở Khoa học và Công nghệ {full_province(ctx, province)}" if province else CA_NAME)


@dataclass(frozen=True)
class Resolved:
    name: str                 # the name as the register knows it (or as written when unknown)
    score: float
    known: bool


def resolve(name: str, known: list[str] | NameIndex) -> Resolved:
    """Match a decision's agency name against the register (diacritic-insensitive, fuzzy)."""
    index = known if isinstance(known, NameIndex) else NameIndex(known)
    cand, score = index.best(name, threshold=0.85)
    if cand is None:
        return Resolved(nfc(name), score, False)
    return Resolved(cand, score, True)


def uncertain(event: MergeEvent, what: str, got: Resolved) -> PlanWarning:
    return PlanWarning(
        "uncertain_match",
        f"Tên “{what}” trong {event.decision or event.source or 'quyết định'} được đối chiếu gần "
        f"đúng với “{got.name}” (độ khớp {got.score:.2f}); kiểm tra lại trước khi gửi.")


def known_names(ctx: Context) -> list[str]:
    names = {o.name for o in ctx.snapshot.organisations}
    for s in ctx.subscribers:
        names.update(n for n in (s.agency, s.managing_agency) if n)
        if s.type == "organization":
            names.add(s.name)
    # ties broken by the name itself: 'xã Hà Quý' and 'xã Hạ Quý' share a key, and a set's
    # order changes from run to run
    return sorted(names, key=lambda n: (key(n), n))
