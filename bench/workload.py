"""The benchmark workload: Thái Bình merges into Hưng Yên, as the focal point's inbox sees it.

    python bench/workload.py --scale 1 --seed 2025 DEST     (or through bench/run)

At scale 1: 400 agencies (departments, district offices, communes, schools and centres of both
provinces) with the 2025 merges (new names, kept names, managing-agency changes, dissolutions),
6,000 subscribers (1 in 8 an organisation), one certificate file per subscriber, the subscriber
lists split across 40 workbooks, and the merger decisions as .docx and as text PDFs.
Everything scales linearly with --scale. Deterministic for a seed (ECDSA signatures inside the
certificates use random nonces, so certificate bytes differ; their contents do not).
To keep generation fast, every subscriber certificate carries the same public key.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import permutations
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vn_names as N  # noqa: E402

GENERATOR_VERSION = 1
AGENCIES_PER_SCALE = 400
SUBSCRIBERS_PER_SCALE = 6000
WORKBOOKS_PER_SCALE = 40
ARTICLES_PER_DECISION = 25
TODAY = date(2025, 7, 15)           # the plan's fixed "today" (config [plan] today)


@dataclass(frozen=True)
class Agency:
    name: str
    managing: str
    province: str
    kind: str       # province | department | district | office | unit | commune
    district: str = ""


@dataclass(frozen=True)
class Sub:
    type: str       # person | organization
    name: str
    agency: str     # the person's agency, or the organisation's managing agency
    province: str
    unit: str = ""
    title: str = ""
    cccd: str = ""
    email: str = ""
    serial: str = ""
    token: str = ""
    valid_until: date = TODAY
    note: str = ""
    network: str = ""


def _ubnd_tinh(p: str) -> str:
    return f"Ủy ban nhân dân tỉnh {p}"


def _dept(d: str, p: str) -> str:
    return d.replace(" tỉnh", "") + f" tỉnh {p}" if d != "Thanh tra tỉnh" else f"Thanh tra tỉnh {p}"


def _district_name(kind: str, name: str) -> str:
    return f"{kind} {name}"


def build_agencies(n: int, rng: random.Random) -> list[Agency]:
    """n agencies of both provinces, in the shares a province really has (capped by the real
    number of departments and districts; communes fill the rest)."""
    merged_first = [d for srcs, tgt, _ in N.DEPARTMENT_MERGES for d in (*srcs, tgt)]
    depts = list(dict.fromkeys(merged_first + N.DEPARTMENTS))
    depts = [d for d in depts if d in N.DEPARTMENTS]
    districts = [(p, k, d) for p, (_, _, ds) in N.PROVINCES.items() for k, d in ds]
    rng.shuffle(districts)
    out: list[Agency] = [Agency(_ubnd_tinh(p), "Chính phủ", p, "province") for p in N.PROVINCES]
    want = {"department": round(n * 0.09), "district": round(n * 0.045),
            "office": round(n * 0.3), "unit": round(n * 0.15)}
    for d in depts:
        for p in N.PROVINCES:
            if sum(a.kind == "department" for a in out) < want["department"]:
                out.append(Agency(_dept(d, p), _ubnd_tinh(p), p, "department"))
    for p, k, d in districts[: want["district"]]:
        out.append(Agency(f"Ủy ban nhân dân {_district_name(k, d)}", _ubnd_tinh(p), p,
                          "district", d))
    offices = [(p, k, d, o) for o in N.DISTRICT_OFFICES for p, k, d in districts]
    for p, k, d, o in offices[: want["office"]]:
        out.append(Agency(f"{o} {_district_name(k, d)}", f"Ủy ban nhân dân {_district_name(k, d)}",
                          p, "office", d))
    units = [(p, k, d, u, m) for u, m in N.UNITS for p, k, d in districts]
    for p, k, d, u, m in units[: want["unit"]]:
        where = d if u.startswith("Trường") else _district_name(k, d)
        out.append(Agency(f"{u} {where}", _dept(m, p), p, "unit", d))
    names = _commune_names(rng)
    communal = [(p, k, d) for p, k, d in districts if k != "thành phố"] or districts
    i = 0
    while len(out) < n:
        p, k, d = communal[i % len(communal)]
        out.append(Agency(f"Ủy ban nhân dân xã {next(names)}",
                          f"Ủy ban nhân dân {_district_name(k, d)}", p, "commune", d))
        i += 1
    return out[:n]


def _commune_names(rng: random.Random):  # type: ignore[no-untyped-def]
    for size in (2, 3):
        combos = [" ".join(c) for c in permutations(N.SYLLABLES[: 50 if size == 2 else 20], size)]
        rng.shuffle(combos)
        yield from combos


@dataclass(frozen=True)
class Event:
    kind: str                   # merge_new | merge_keep | superior_change | dissolve (MergeKind)
    sources: tuple[str, ...]
    target: str                 # the new/kept name, the new superior, or "" (dissolve)
    text: str                   # the statement as the decision words it


def _keep(olds: list[str], target: str) -> Event:
    return Event("merge_keep", tuple(olds), target, f"Sáp nhập {_join(olds)} vào {target}")


def _new(olds: list[str], target: str) -> Event:
    verb = "Hợp nhất" if len(olds) == 2 else "Sáp nhập"
    return Event("merge_new", tuple(olds), target, f"{verb} {_join(olds)} thành {target}")


def _move(a: str, superior: str) -> Event:
    return Event("superior_change", (a,), superior, f"Chuyển {a} về trực thuộc {superior}")


def _dissolve(a: str) -> Event:
    return Event("dissolve", (a,), "", f"Giải thể {a}")


def build_events(agencies: list[Agency], rng: random.Random) -> list[Event]:
    """The decisions' statements, in the forms INPUTS.md lists."""
    by_name = {a.name for a in agencies}
    out: list[Event] = []
    hy, tb = N.KEPT, N.MERGED
    merged_depts: set[str] = set()
    for srcs, tgt, keeps in N.DEPARTMENT_MERGES:
        olds = [_dept(s, p) for s in srcs for p in (hy, tb) if _dept(s, p) in by_name]
        if keeps:
            olds += [_dept(tgt, tb)] if _dept(tgt, tb) in by_name else []
            if olds:
                out.append(_keep(olds, _dept(tgt, hy)))
        elif olds:
            out.append(_new(olds, _dept(tgt, hy)))
        merged_depts.update(olds)
    for a in agencies:
        if a.kind == "department" and a.province == tb and a.name not in merged_depts:
            base = a.name.removesuffix(f" tỉnh {tb}")
            out.append(_keep([a.name], _dept(base, hy)))
    communes: dict[str, list[Agency]] = {}
    for a in agencies:
        if a.kind == "district":
            out.append(_dissolve(a.name))
        elif a.kind == "office":
            if rng.random() < 0.85:
                out.append(_dissolve(a.name))
            else:
                dept = "Sở Giáo dục và Đào tạo" if "Giáo dục" in a.name else "Sở Nội vụ"
                out.append(_move(a.name, _dept(dept, hy)))
        elif a.kind == "unit":
            new_sup = _new_superior(a.managing, hy, tb)
            if new_sup != a.managing:
                out.append(_move(a.name, new_sup))
        elif a.kind == "commune":
            communes.setdefault(a.managing, []).append(a)
    names = _commune_names(random.Random(rng.random()))
    for group in communes.values():
        rest = list(group)
        while rest:
            size = rng.choice((2, 3, 3, 4))
            take, rest = rest[:size], rest[size:]
            if len(take) == 1:
                out.append(_move(take[0].name, _ubnd_tinh(hy)))
            elif rng.random() < 0.6:
                new = f"Ủy ban nhân dân xã {next(names)}"
                while new in by_name:
                    new = f"Ủy ban nhân dân xã {next(names)}"
                out.append(_new([c.name for c in take], new))
            else:
                out.append(_keep([c.name for c in take[1:]], take[0].name))
                out.append(_move(take[0].name, _ubnd_tinh(hy)))
    return out


def _new_superior(managing: str, hy: str, tb: str) -> str:
    for srcs, tgt, _ in N.DEPARTMENT_MERGES:
        for s in srcs:
            if managing in (_dept(s, hy), _dept(s, tb)):
                return _dept(tgt, hy)
    if managing.endswith(f"tỉnh {tb}"):
        return managing.removesuffix(tb) + hy
    return managing


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def build_subscribers(agencies: list[Agency], n: int, rng: random.Random) -> list[Sub]:
    n_org = n // 8
    serials: set[str] = set()

    def serial() -> str:
        while True:
            s = "5401" + f"{rng.getrandbits(48):012X}"
            if s not in serials:
                serials.add(s)
                return s

    def until() -> date:
        if rng.random() < 0.08:     # expiring within the renewal horizon
            return TODAY + timedelta(days=rng.randint(5, 55))
        return date(2025, 9, 1) + timedelta(days=rng.randint(0, 1700))

    out: list[Sub] = []
    org_units = ["Văn phòng", "Bộ phận Tiếp nhận và Trả kết quả"]
    for i in range(n_org):
        a = agencies[i % len(agencies)]
        rnd = i // len(agencies)
        if rnd == 0:
            name, managing = a.name, a.managing
        else:
            name, managing = f"{org_units[(rnd - 1) % 2]} {a.name}", a.name
        out.append(Sub("organization", name, managing, a.province, serial=serial(),
                       token=f"{rng.getrandbits(64):016X}", valid_until=until(),
                       email=f"vt{i:05d}@{N.PROVINCES[a.province][1]}"))
    weights = {"province": 8, "department": 6, "district": 4, "office": 1.5, "unit": 2,
               "commune": 1.5}
    people = rng.choices(agencies, weights=[weights[a.kind] for a in agencies], k=n - n_org)
    emails: set[str] = set()
    for a in people:
        female = rng.random() < 0.5
        given = rng.choice(N.GIVEN_F if female else N.GIVEN_M)
        fam, mid = rng.choice(N.FAMILY), rng.choice(N.MIDDLE_F if female else N.MIDDLE_M)
        name = f"{fam} {mid} {given}"
        code, domain, _ = N.PROVINCES[a.province]
        year = rng.randint(1965, 1998)
        cccd = f"{code}{(1 if female else 0)}{year % 100:02d}{rng.randint(0, 999999):06d}"
        local = N.ascii_fold(given) + N.ascii_fold(fam)[0] + N.ascii_fold(mid)[0]
        email, k = f"{local}@{domain}", 1
        while email in emails:
            k += 1
            email = f"{local}{k}@{domain}"
        emails.add(email)
        note = rng.choice(N.RETIRE_NOTES) if rng.random() < 0.04 else ""
        out.append(Sub("person", name, a.name, a.province, unit=rng.choice(N.UNITS_OF_PERSON),
                       title=rng.choice(N.TITLES), cccd=cccd, email=email, serial=serial(),
                       token=f"{rng.getrandbits(64):016X}", valid_until=until(), note=note,
                       network=N.PARTY_NETWORK if rng.random() < 0.02 else ""))
    return out


# ---------------------------------------------------------------- files
def _attr(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute:
    # issued certificates carry Vietnamese names over 64 UTF-8 bytes (64 characters is the limit)
    return x509.NameAttribute(oid, value, _validate=False)


def write_certificates(subs: list[Sub], dest: Path, seed: int) -> None:
    ca_key = ec.derive_private_key(10_000 + seed, ec.SECP256R1())
    subject_key = ec.derive_private_key(20_000 + seed, ec.SECP256R1()).public_key()
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "CA phục vụ các cơ quan Nhà nước G2 (TEST)"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Cơ yếu Chính phủ"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
    ])
    dest.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(subs):
        attrs = [_attr(NameOID.COMMON_NAME, s.name)]
        if s.type == "organization":
            attrs += [_attr(NameOID.ORGANIZATION_NAME, s.agency),
                      _attr(NameOID.LOCALITY_NAME, s.province)]
        else:
            attrs += [_attr(NameOID.TITLE, s.title), _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, s.unit),
                      _attr(NameOID.ORGANIZATION_NAME, s.agency),
                      _attr(NameOID.STATE_OR_PROVINCE_NAME, s.province),
                      _attr(NameOID.EMAIL_ADDRESS, s.email)]
        attrs.append(_attr(NameOID.COUNTRY_NAME, "VN"))
        end = datetime(s.valid_until.year, s.valid_until.month, s.valid_until.day, tzinfo=UTC)
        cert = (x509.CertificateBuilder().subject_name(x509.Name(attrs)).issuer_name(ca_name)
                .public_key(subject_key).serial_number(int(s.serial, 16))
                .not_valid_before(end - timedelta(days=5 * 365)).not_valid_after(end)
                .sign(ca_key, hashes.SHA256()))
        if i % 2:
            (dest / f"{s.serial}.crt").write_bytes(cert.public_bytes(serialization.Encoding.DER))
        else:
            (dest / f"{s.serial}.cer").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


HEADERS_A = ["STT", "Loại thuê bao", "Họ và tên /\nTên cơ quan, tổ chức", "Cơ quan/đơn vị\ncông tác",
             "Chức vụ", "Số định danh cá nhân", "Thư điện tử", "Số hiệu chứng thư\n(Serial)",
             "Số serial thiết bị", "Ngày hết hạn", "Ghi chú", "Mạng sử dụng"]
HEADERS_B = ["TT", "Họ tên", "Đối tượng", "Số CCCD", "Chức danh", "Đơn vị", "Cơ quan chủ quản",
             "Tỉnh/TP", "Email", "Serial CTS", "Số hiệu thiết bị", "Hiệu lực đến",
             "Nhu cầu sử dụng"]


def write_workbook(subs: list[Sub], dest: Path, sender: str, variant: int) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws["A1"] = "ỦY BAN NHÂN DÂN TỈNH " + subs[0].province.upper()
    ws["A2"] = sender.upper()
    headers = HEADERS_A if variant == 0 else HEADERS_B
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=len(headers))
    ws["A4"] = "DANH SÁCH THUÊ BAO CHỨNG THƯ CHỮ KÝ SỐ CHUYÊN DÙNG CÔNG VỤ CẦN RÀ SOÁT"
    ws["A4"].font = Font(bold=True, size=13)
    ws["A4"].alignment = Alignment(horizontal="center")
    ws["A5"] = "(Kèm theo Công văn số      ngày    tháng 7 năm 2025)"
    hrow = 7 if variant == 0 else 6
    for col, h in enumerate(headers, 1):
        c = ws.cell(row=hrow, column=col, value=h)
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, horizontal="center")
    for i, s in enumerate(subs, 1):
        shown = " ".join(s.serial[j:j + 4] for j in range(0, len(s.serial), 4))
        if i % 3 == 0:
            shown = "0x" + s.serial.lower()
        until: object = s.valid_until if i % 2 else s.valid_until.strftime("%d/%m/%Y")
        person = s.type == "person"
        if variant == 0:
            values = [i, "Cá nhân" if person else "Tổ chức", s.name,
                      f"{s.unit}, {s.agency}" if person else "", s.title, s.cccd, s.email, shown,
                      s.token, until, s.note, s.network]
        else:
            values = [i, s.name, "CN" if person else "TC", s.cccd, s.title,
                      s.agency if person else s.name, "" if person else s.agency, s.province,
                      s.email, shown, s.token, until,
                      f"Không còn nhu cầu ({s.note})" if s.note else "Còn"]
        for col, v in enumerate(values, 1):
            c = ws.cell(row=hrow + i, column=col, value=v)
            if isinstance(v, date):
                c.number_format = "dd/mm/yyyy"
    wb.save(dest)


def write_decision(statements: list[str], number: int, dest: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    doc.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN")
    doc.add_paragraph(f"Số: {1500 + number}/QĐ-UBND")
    doc.add_paragraph("Hưng Yên, ngày 28 tháng 6 năm 2025")
    doc.add_paragraph("QUYẾT ĐỊNH").runs[0].bold = True
    doc.add_paragraph("Về việc sắp xếp, tổ chức lại các cơ quan, đơn vị khi hợp nhất tỉnh "
                      "Thái Bình và tỉnh Hưng Yên")
    doc.add_paragraph("ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN")
    doc.add_paragraph("Căn cứ Nghị quyết số 202/2025/QH15 ngày 12 tháng 6 năm 2025 của Quốc hội "
                      "về việc sắp xếp đơn vị hành chính cấp tỉnh;")
    doc.add_paragraph("QUYẾT ĐỊNH:")
    for k, s in enumerate(statements, 1):
        doc.add_paragraph(f"Điều {k}. {s}.")
    doc.add_paragraph(f"Điều {len(statements) + 1}. Quyết định này có hiệu lực kể từ ngày "
                      "01 tháng 7 năm 2025.")
    doc.add_paragraph("TM. ỦY BAN NHÂN DÂN")
    doc.add_paragraph("CHỦ TỊCH")
    doc.save(dest)


def _to_pdf(docs: list[Path], outdir: Path) -> None:
    """One batched LibreOffice call for every decision that ships as a text PDF."""
    if not docs:
        return
    with tempfile.TemporaryDirectory(prefix="pf-bench-lo-") as prof:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{prof}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docs)],
                       check=True, capture_output=True, timeout=600)
    missing = [d for d in docs if not (outdir / f"{d.stem}.pdf").exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert {[m.name for m in missing]}")


def generate(scale: float, seed: int, dest: Path) -> dict:
    """Write the inbox into dest/inbox and a summary into dest/workload.json; return the summary."""
    warnings.filterwarnings("ignore", "Attribute.s length")
    rng = random.Random(seed)
    n_agencies = max(12, round(AGENCIES_PER_SCALE * scale))
    agencies = build_agencies(n_agencies, rng)
    events = build_events(agencies, rng)
    statements = [e.text for e in events]
    subs = build_subscribers(agencies, max(16, round(SUBSCRIBERS_PER_SCALE * scale)), rng)
    inbox = dest / "inbox"
    shutil.rmtree(dest, ignore_errors=True)
    inbox.mkdir(parents=True)
    write_certificates(subs, inbox / "chung-thu", seed)
    n_wb = max(1, round(WORKBOOKS_PER_SCALE * scale))
    order = sorted(range(len(subs)), key=lambda i: (subs[i].province, subs[i].agency, i))
    per = math.ceil(len(subs) / n_wb)
    (inbox / "danh-sach").mkdir()
    for w in range(n_wb):
        chunk = [subs[i] for i in order[w * per:(w + 1) * per]]
        if chunk:
            sender = chunk[0].agency if chunk[0].type == "person" else chunk[0].name
            write_workbook(chunk, inbox / "danh-sach" / f"danh-sach-thue-bao-{w + 1:03d}.xlsx",
                           sender, w % 2)
    n_dec = max(2, math.ceil(len(statements) / ARTICLES_PER_DECISION))
    per_dec = math.ceil(len(statements) / n_dec)
    (inbox / "quyet-dinh").mkdir()
    as_pdf: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="pf-bench-dec-") as tmp:
        for d in range(n_dec):
            part = statements[d * per_dec:(d + 1) * per_dec]
            if not part:
                continue
            name = f"quyet-dinh-{1500 + d + 1}-qd-ubnd.docx"
            if d % 2:
                write_decision(part, d + 1, Path(tmp) / name)
                as_pdf.append(Path(tmp) / name)
            else:
                write_decision(part, d + 1, inbox / "quyet-dinh" / name)
        _to_pdf(as_pdf, inbox / "quyet-dinh")
    kinds: dict[str, int] = {}
    for a in agencies:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    summary = {
        "generator_version": GENERATOR_VERSION, "scale": scale, "seed": seed,
        "agencies": len(agencies), "agency_kinds": kinds, "statements": len(statements),
        "statement_kinds": _statement_kinds(events),
        "subscribers": len(subs), "organisations": sum(s.type == "organization" for s in subs),
        "persons_not_needed": sum(bool(s.note) for s in subs),
        "certificates": len(subs), "workbooks": n_wb,
        "decisions_docx": n_dec - len(as_pdf), "decisions_pdf": len(as_pdf),
        "files": sum(1 for p in inbox.rglob("*") if p.is_file()),
        "today": TODAY.isoformat(),
    }
    (dest / "workload.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
    (dest / "agencies.json").write_text(json.dumps([asdict(a) for a in agencies],
                                                   ensure_ascii=False), encoding="utf-8")
    return summary


def _statement_kinds(events: list[Event]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in events:
        out[e.kind] = out.get(e.kind, 0) + 1
    return out


def cached(scale: float, seed: int, cache: Path | None = None) -> Path:
    """The workload for (scale, seed), generated once into bench/.cache/."""
    cache = cache or Path(__file__).resolve().parent / ".cache"
    dest = cache / f"workload-s{scale:g}-seed{seed}-v{GENERATOR_VERSION}"
    if not (dest / "workload.json").exists():
        tmp = dest.with_name(dest.name + ".partial")
        generate(scale, seed, tmp)
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    return dest


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dest", type=Path)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    print(json.dumps(generate(args.scale, args.seed, args.dest), ensure_ascii=False, indent=2))
