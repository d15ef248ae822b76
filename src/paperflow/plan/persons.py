"""Personal certificates (rule 4), request forms (rule 9), renewals (23/BCY), leaders (rule 11)."""

from __future__ import annotations

from datetime import timedelta

from ..config import CA_NAME
from ..models import Action, MergeKind, PlanWarning, Request, Subscriber
from ..text import key
from .agencies import is_commune_body, is_unit, province_in, superior_of
from .changes import compute
from .common import (
    R_AGENCY_PAIR,
    R_EXPIRED,
    R_FOCAL,
    R_ISSUE,
    R_LEADER,
    R_LEAVE,
    R_MOVE,
    R_NO_LONGER,
    R_NO_NEW,
    R_PERSON,
    R_PROVINCE,
    R_TRANSFER,
    Context,
    filer,
    full_province,
    is_leader,
    new_province,
    province_of,
    route,
)
from .events import Event, Rename
from .people import Need, classify, new_agency_in


def current_agency(ctx: Context, agency: str, managing: str, province: str,
                   renames: dict[str, Rename]) -> str:
    """The agency that exists after the reorganisation for a person of `agency`: its new name;
    for a unit of an absorbed agency, the absorbing one; for a district body, the province's
    People's Committee (units of a dissolved agency neither file, receive tokens nor sign
    minutes: the successor does)."""
    # "Phòng Đăng ký kinh doanh, Sở Kế hoạch và Đầu tư …": the unit's agency after the comma
    tail = agency.rsplit(",", 1)[-1].strip() if "," in agency else ""
    for name in (agency, managing, tail):
        hit = renames.get(key(name)) if name else None
        if hit:
            return hit.new
    if any(key(n) in ctx.dissolved for n in (agency, tail) if n) and managing and \
            key(managing) not in ctx.dissolved and not ctx.district(managing):
        return ctx.standard(managing)       # a dissolved agency's managing agency takes over
    if (agency and ctx.district(agency)) or (managing and ctx.district(managing)) or any(
            key(n) in ctx.dissolved for n in (agency, tail) if n):
        p = new_province(ctx, province)
        return f"Ủy ban nhân dân {full_province(ctx, p)}" if p else ctx.settings.agency.name
    return ctx.standard(agency) if agency else ctx.settings.agency.name


def _sender(ctx: Context, s: Subscriber, renames: dict[str, Rename]) -> str:
    """The directly managing agency: the officer's agency as it is now called."""
    if s.new_agency:
        return ctx.standard(s.new_agency)
    return current_agency(ctx, s.agency, s.managing_agency,
                          province_of(ctx, s, ctx.cert(s.cert_serial)), renames)


def _act(ctx: Context, s: Subscriber, action: str, rule: str, reason: str,
         renames: dict[str, Rename], changes: tuple = (), route_to: str = "",
         agency: str = "") -> Action:
    cert = ctx.cert(s.cert_serial)
    sender = agency or _sender(ctx, s, renames)
    return Action(kind="certificate", action=action, rule=rule, reason=reason,
                  serial=s.cert_serial, subscriber=s, changes=changes,
                  route_to=route_to or route(ctx, province_of(ctx, s, cert)),
                  sender=filer(ctx, sender, province_of(ctx, s, cert)))


def _revoke_reason(s: Subscriber, need: Need) -> tuple[str, str]:
    note = s.need_note or "hết nhu cầu sử dụng"
    if need == Need.LEAVE:
        return R_LEAVE, (f"Ông/bà {s.name} ({s.agency}) thôi công tác ({note}): đề nghị thu hồi "
                         "chứng thư và bàn giao thiết bị.")
    if need == Need.POSITION:
        return R_NO_LONGER, (f"Ông/bà {s.name} ({s.agency}) đảm nhiệm vị trí mới không còn phù "
                             f"hợp với chứng thư ({note}): đề nghị thu hồi và bàn giao thiết bị.")
    return R_NO_LONGER, (f"Ông/bà {s.name} ({s.agency}) không còn nhu cầu sử dụng chứng thư "
                         f"({note}): đề nghị thu hồi và bàn giao thiết bị.")


def _district_of(ctx: Context, s: Subscriber, cert) -> str:  # type: ignore[no-untyped-def]
    """Rule 14: the district whose body the person worked in ('' when it goes on)."""
    for name in (s.agency, cert.attr("OU") if cert else ""):
        if name and ctx.district(name):
            return ctx.district(name)
    # the managing agency counts for a unit of it (a phòng, a ban) or an officer without one;
    # an officer of a commune under the district goes on with the commune
    if not s.agency or is_unit(s.agency):
        for name in (s.managing_agency, cert.attr("O") if cert else ""):
            if name and ctx.district(name):
                return ctx.district(name)
    return ""


def _place_of(ctx: Context, agency: str) -> str:
    """The province (as a certificate writes it, short) a new agency's name places it in."""
    old = province_in(ctx.names, ctx.provinces, agency)
    return new_province(ctx, old) if old else ""


def _transfer(ctx: Context, s: Subscriber, cert, units: dict[str, tuple[str, Event]]
              ) -> tuple[str, str, str] | None:  # type: ignore[no-untyped-def]
    """Rule 16 for a person: (old managing agency, new one, why) when their unit moved — by a
    decision ("chuyển X từ A về trực thuộc B") or as the list's managing-agency column says."""
    hit = units.get(key(s.agency))
    if hit:
        old = getattr(hit[1].event, "old_superior", "") or (
            cert.attr("O") if cert and key(cert.attr("O")) != key(s.agency) else "")
        return old, hit[0], hit[1].label
    if cert and s.managing_agency and key(cert.attr("OU")) == key(s.agency) and cert.attr("O") \
            and key(cert.attr("O")) != key(s.managing_agency):
        return cert.attr("O"), ctx.standard(s.managing_agency), "danh sách thuê bao"
    return None


def person_actions(ctx: Context, renames: dict[str, Rename],
                   units: dict[str, tuple[str, Event]] | None = None
                   ) -> tuple[list[Action], list[PlanWarning]]:
    """Rules 4, 14, 15, 16, 17 for personal certificates. `units`: key(unit) → its new
    managing agency, from the decisions' transfers."""
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    units = units or {}
    for s in ctx.subscribers:
        if s.type != "person" or not s.cert_serial:
            continue
        cert = ctx.cert(s.cert_serial)
        need = classify(s.need_note)
        # the new agency: the list's column, else the note ("Điều động về … từ 01/7/2025")
        moved_to = s.new_agency or (new_agency_in(s.need_note)
                                    if need in (Need.MOVE, Need.NONE) else "")
        if moved_to:
            got = ctx.canon().resolve(moved_to, what=f" (cơ quan mới của {s.name})")
            if got.warning is not None:
                warnings.append(got.warning)
            elif not got.known:
                warnings.append(PlanWarning(
                    "agency_not_found",
                    f"Cơ quan mới “{got.name}” của {s.name} không có trong sổ đăng ký và danh "
                    f"mục cơ quan ({ctx.names.version}): kiểm tra tên trước khi gửi."))
            moved_to = got.name
            need = Need.MOVE if need in (Need.NONE, Need.NO_LONGER) else need
        if need == Need.NONE and not s.needed:
            need = Need.NO_LONGER
        if need in (Need.LEAVE, Need.NO_LONGER, Need.POSITION):
            rule, why = _revoke_reason(s, need)
            actions.append(_act(ctx, s, "revoke", rule, why, renames))
            if need == Need.POSITION:
                warnings.append(PlanWarning(
                    "revoke_confirm",
                    f"Thu hồi chứng thư của {s.name} vì vị trí mới ({s.need_note}): thu hồi buộc "
                    "phải cấp mới khi cần lại, điều 393/BCY-CTSBMTT chưa cho phép; đề nghị xác "
                    "nhận trước khi gửi, hoặc đổi thành thay đổi thông tin."))
            continue
        district = _district_of(ctx, s, cert)
        # why the agency is gone: the district level ended, or a decision dissolved it
        gone = (f"thuộc {district} (cấp huyện đã kết thúc hoạt động từ 01/7/2025)" if district
                else "có cơ quan bị giải thể theo quyết định" if key(s.agency) in ctx.dissolved
                else "")
        if need == Need.MOVE or gone:
            if not moved_to:
                warnings.append(PlanWarning(
                    "new_agency_unknown",
                    f"{s.name} ({s.title or 'công chức'}, {s.agency}) "
                    + (gone if gone and need != Need.MOVE else
                       f"chuyển công tác ({s.need_note or 'theo danh sách'})")
                    + ": chưa rõ cơ quan mới, nên chưa đề nghị thay đổi thông tin (O, OU, "
                    "ST). Bổ sung cột “Cơ quan mới” hoặc quyết định điều động; không thu hồi "
                    "để cấp mới (393/BCY-CTSBMTT)."))
                continue
            superior = superior_of(ctx.names, ctx.provinces, moved_to)
            if not superior and is_commune_body(moved_to):
                # a commune is under the province's People's Committee (two tiers from 01/7)
                p = ctx.provinces.province(province_of(ctx, s, cert))
                superior = f"Ủy ban nhân dân {full_province(ctx, p.new)}" if p else ""
            ch = compute(ctx, s, cert, renames=renames, new_agency=moved_to,
                         new_superior=superior, new_title=s.new_title,
                         new_place=_place_of(ctx, moved_to))
            warnings.extend(ch.warnings)
            if not ch.changes:
                continue
            desc = "; ".join(f"{a}: “{o}” → “{n}”" for a, o, n in ch.changes)
            where = (f" ({district}: cấp huyện kết thúc hoạt động từ 01/7/2025)"
                     if district else "")
            actions.append(_act(ctx, s, "change_info", R_MOVE,
                                f"Ông/bà {s.name} chuyển sang công tác tại {moved_to}{where}: "
                                f"thay đổi thông tin chứng thư, không thu hồi để cấp mới. "
                                f"Thay đổi: {desc}.", renames, changes=ch.changes,
                                agency=moved_to))
            continue
        moved_unit = _transfer(ctx, s, cert, units)
        ch = compute(ctx, s, cert, renames=renames, new_title=s.new_title,
                     transfer=moved_unit[:2] if moved_unit else None)
        warnings.extend(ch.warnings)
        if not ch.changes:
            continue
        desc = "; ".join(f"{a}: “{o}” → “{n}”" for a, o, n in ch.changes)
        decided = [e for e in ch.events if not e.paired]
        if moved_unit and any(a == "O" and n == moved_unit[1] for a, _o, n in ch.changes):
            why = (f"do “{s.agency}” chuyển về trực thuộc “{moved_unit[1]}” (theo "
                   f"{moved_unit[2]})")
            rule = R_TRANSFER
        elif decided or s.new_title:
            why = (f"theo {', '.join(e.label for e in decided)}" if decided
                   else "do thay đổi chức vụ")
            rule = R_PERSON
        elif ch.events:
            why = (f"do {', '.join(sorted({e.label for e in ch.events}))}: cơ quan cấp tỉnh của "
                   "các tỉnh hợp nhất hợp nhất theo")
            rule = R_AGENCY_PAIR
        else:
            why = (f"do tỉnh {ch.province[0]} hợp nhất vào tỉnh {ch.province[1]} "
                   f"(dữ liệu {ctx.provinces.version})") if ch.province else "do sắp xếp"
            rule = R_PROVINCE
        if ch.province and rule != R_PROVINCE:
            why += (f"; tỉnh {ch.province[0]} hợp nhất vào tỉnh {ch.province[1]} "
                    f"(dữ liệu {ctx.provinces.version})")
        actions.append(_act(ctx, s, "change_info", rule,
                            f"Thông tin chứng thư của ông/bà {s.name} thay đổi {why}. "
                            f"Thay đổi: {desc}.", renames, changes=ch.changes))
    return actions, warnings


def _holder(ctx: Context, r: Request) -> Subscriber | None:
    want = r.subscriber
    for s in ctx.subscribers:
        if not s.cert_serial or s.type != want.type:
            continue
        if want.cert_serial and s.cert_serial == want.cert_serial:
            return s
        if want.id_number and s.id_number == want.id_number:
            return s
        if not want.id_number and key(s.name) == key(want.name) and (
                key(s.agency) == key(want.agency) or not want.agency):
            return s
    return None


def request_actions(ctx: Context, renames: dict[str, Rename]
                    ) -> tuple[list[Action], list[PlanWarning]]:
    actions: list[Action] = []
    warnings: list[PlanWarning] = []
    for r in ctx.snapshot.requests:
        held = _holder(ctx, r)
        s = held or r.subscriber
        what = r.request
        if what == "issue_new" and held is not None:
            warnings.append(PlanWarning(
                "issue_new_to_change",
                f"{s.name} đã có chứng thư số hiệu {held.cert_serial}: không cấp mới, chuyển "
                "thành đề nghị thay đổi nội dung thông tin (393/BCY-CTSBMTT mục 2)."))
            ch = compute(ctx, held, ctx.cert(held.cert_serial), renames=renames,
                         new_agency=r.subscriber.agency if key(r.subscriber.agency) != key(
                             held.agency) else "", new_title=r.subscriber.title if key(
                             r.subscriber.title) != key(held.title) else "")
            warnings.extend(ch.warnings)
            actions.append(_act(ctx, held, "change_info", R_NO_NEW,
                                f"Đề nghị cấp mới cho {s.name} nhưng người này đã có chứng thư "
                                f"{held.cert_serial}; theo 393/BCY-CTSBMTT không cấp mới mà "
                                "thay đổi nội dung thông tin chứng thư đã cấp.", renames,
                                changes=ch.changes))
        elif what == "issue_new":
            actions.append(_act(ctx, s, "issue_new", R_ISSUE,
                                f"{s.name} chưa có chứng thư trong sổ: đề nghị cấp mới "
                                f"({'Mẫu 02' if s.type == 'organization' else 'Mẫu 01'}).",
                                renames, route_to=CA_NAME))
        elif what in ("renew", "change_info", "restore_token"):
            label = {"renew": "gia hạn", "change_info": "thay đổi nội dung thông tin",
                     "restore_token": "khôi phục thiết bị lưu khóa bí mật"}[what]
            actions.append(_act(ctx, s, what, R_FOCAL,
                                f"{s.name} đề nghị {label}"
                                f"{': ' + r.reason if r.reason else ''}; thực hiện tại đầu mối "
                                "được ủy quyền.", renames))
        elif what == "revoke":
            actions.append(_act(ctx, s, "revoke", R_PERSON,
                                f"{s.name} đề nghị thu hồi chứng thư"
                                f"{': ' + r.reason if r.reason else ''}.", renames))
        else:
            warnings.append(PlanWarning("unknown_request",
                                        f"Không rõ loại đề nghị “{what}” của {s.name}."))
    return actions, warnings


def renewal_actions(ctx: Context, renames: dict[str, Rename]
                    ) -> tuple[list[Action], list[PlanWarning]]:
    """Renewal before the expiry date (23/BCY); an expired certificate is never renewed (rule
    19: expiry is itself a ground for revocation) — it is flagged for the clerk."""
    horizon = ctx.today + timedelta(days=ctx.settings.plan.renew_within_days)
    out = []
    warnings = []
    for s in ctx.subscribers:
        if not s.cert_serial or not s.needed or classify(s.need_note) in (
                Need.LEAVE, Need.NO_LONGER, Need.POSITION):
            continue
        cert = ctx.cert(s.cert_serial)
        until = cert.not_after if cert else s.valid_until
        if until is None or until > horizon:
            continue
        if until < ctx.today:
            warnings.append(PlanWarning(
                "expired",
                f"Chứng thư {s.cert_serial} của {s.name} ({s.agency}) đã hết hạn ngày "
                f"{until:%d/%m/%Y}: không gia hạn được (hết hạn là căn cứ thu hồi, {R_EXPIRED}); "
                "báo Cục Chứng thực số và Bảo mật thông tin và xác nhận cách xử lý."))
            continue
        out.append(_act(ctx, s, "renew", R_FOCAL,
                        f"Chứng thư {s.cert_serial} của {s.name} sắp hết hạn ngày "
                        f"{until:%d/%m/%Y} (trong {ctx.settings.plan.renew_within_days} ngày): "
                        "đề nghị gia hạn trước ngày hết hạn (không cấp mới).", renames))
    return out, warnings


def leader_warnings(ctx: Context, events: list[Event], person: list[Action],
                    keepers: tuple[str, ...] = ()) -> list[PlanWarning]:
    """Rule 11: the agency's certificate already carries the new name; its leader's does not.
    A leader is the head or a deputy of an agency that goes on after the reorganisation
    (`keepers`: the agencies whose own certificate is changed to the new name)."""
    renamed_to = {key(e.target) for e in events
                  if e.kind in (MergeKind.MERGE_NEW, MergeKind.RENAME, MergeKind.MERGE_KEEP)}
    already = set()
    for s in ctx.subscribers:
        cert = ctx.cert(s.cert_serial) if s.type == "organization" else None
        if cert and key(cert.attr("CN")) in renamed_to:
            already.add(key(cert.attr("CN")))
    # agencies that go on: the target itself, a renamed one, those that together form a new
    # one (rule 1) — not one absorbed by an agency keeping its name (rule 2), dissolved or of
    # the district
    goes_on = set(renamed_to)
    for e in events:
        if e.kind in (MergeKind.RENAME, MergeKind.MERGE_NEW):
            goes_on.update(key(n) for n in e.sources)
    goes_on.update(key(h) for h in keepers)
    out = []
    for a in person:
        s = a.subscriber
        if a.action != "change_info" or s is None or not is_leader(s.title, s.agency):
            continue
        if key(s.agency) not in goes_on or ctx.district(s.agency):
            continue
        if any(key(new) in already for _, _, new in a.changes):
            out.append(PlanWarning(
                "leader_lag",
                f"Chứng thư của cơ quan đã mang thông tin mới nhưng chứng thư cá nhân của "
                f"{s.title} {s.name} chưa thay đổi: trường hợp khẩn cấp vẫn có thể ký bằng "
                f"chứng thư cá nhân hiện có ({R_LEADER}); đề nghị thay đổi sớm."))
    return out
