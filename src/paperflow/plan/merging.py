"""One certificate, one action (item 6 of issue 13): what several rules decide for the same
certificate is said in one row; set against what earlier batches already asked for it."""

from __future__ import annotations

from datetime import date

from ..models import Action, PlanWarning, Subscriber
from ..register.snapshot import ISSUED, RegisterSnapshot

# Mẫu 04 carries renewal and change together: these merge into one row. Revocation (Mẫu 05)
# outranks them (build._dedupe); token restoration (Mẫu 06) is a form of its own.
_FORM_04 = ("change_info", "renew", "keep")


def _describe(changes: tuple[tuple[str, str, str], ...]) -> str:
    return "; ".join(f"{a}: “{o}” → “{n}”" for a, o, n in changes)


def merge_per_certificate(actions: list[Action], expiry: dict[str, date] | None = None
                          ) -> tuple[list[Action], list[PlanWarning]]:
    """`expiry`: serial → the certificate's expiry date (shown beside a merged renewal)."""
    warnings: list[PlanWarning] = []
    groups: dict[str, list[int]] = {}
    for i, a in enumerate(actions):
        if a.kind == "certificate" and a.serial and a.action in _FORM_04:
            groups.setdefault(a.serial, []).append(i)
    drop: set[int] = set()
    replace: dict[int, Action] = {}
    for serial, idx in groups.items():
        if len(idx) < 2:
            continue
        group = [actions[i] for i in idx]
        changes: dict[str, tuple[str, str, str]] = {}
        for a in group:
            for attr, old, new in a.changes:
                prev = changes.get(attr)
                if prev is not None and prev[2] != new:
                    warnings.append(PlanWarning(
                        "conflicting_changes",
                        f"Chứng thư {serial}: hai căn cứ cho hai giá trị mới của {attr} "
                        f"(“{prev[2]}” và “{new}”); giữ “{prev[2]}”, kiểm tra trước khi gửi."))
                    continue
                changes.setdefault(attr, (attr, old, new))
        renew = next((a for a in group if a.action == "renew"), None)
        first = next((a for a in group if a.action == "change_info"), None)
        if first is None:
            keep = renew or group[0]
            replace[idx[0]] = keep
            drop.update(idx[1:])
            continue
        merged = tuple(changes.values())
        reasons = list(dict.fromkeys(a.reason for a in group if a.action != "keep"))
        if renew is not None:
            until = (expiry or {}).get(serial) or (
                renew.subscriber.valid_until if renew.subscriber else None)
            merged += (("renew", f"{until:%d/%m/%Y}" if until else "", "gia hạn"),)
        rules = list(dict.fromkeys(a.rule for a in group if a.action == "change_info"))
        replace[idx[0]] = Action(
            kind="certificate", action="change_info", rule="; ".join(rules),
            reason=" ".join(reasons), serial=serial, subscriber=first.subscriber,
            changes=merged, route_to=first.route_to, sender=first.sender)
        drop.update(idx[1:])
    out = [replace.get(i, a) for i, a in enumerate(actions) if i not in drop]
    return out, warnings


def versus_earlier(snapshot: RegisterSnapshot, actions: list[Action]
                   ) -> tuple[list[Action], list[PlanWarning]]:
    """A certificate asked for in an earlier batch: the same request is the register's to skip;
    a different one supersedes a request not yet issued (the register marks it), and for one
    already issued it is not planned again — a warning names what differs."""
    earlier: dict[str, list] = {}
    for e in snapshot.earlier:
        if e.action.kind == "certificate" and e.action.serial:
            earlier.setdefault(e.action.serial, []).append(e)
    if not earlier:
        return actions, []
    out: list[Action] = []
    warnings: list[PlanWarning] = []
    for a in actions:
        before = earlier.get(a.serial, []) if a.kind == "certificate" else []
        same = [e for e in before if (e.action.action, e.action.changes) == (a.action, a.changes)]
        other = [e for e in before if e not in same]
        if same or not other:
            out.append(a)
            continue
        issued = [e for e in other if e.state in ISSUED]
        name = a.subscriber.name if a.subscriber else a.serial
        if issued:
            e = issued[-1]
            warnings.append(PlanWarning(
                "issued_differs",
                f"Chứng thư {a.serial} ({name}): đề nghị “{e.action.action}” đã ban hành ở đợt "
                f"{e.batch} ({_describe(e.action.changes) or 'không có thay đổi'}); theo tệp "
                f"chứng thư hiện có cần “{a.action}” ({_describe(a.changes) or 'không có thay đổi'}"
                "). Không lập đề nghị mới: kiểm tra và liên hệ đầu mối/Cục để điều chỉnh."))
            continue
        for e in other:
            warnings.append(PlanWarning(
                "superseded",
                f"Đề nghị “{e.action.action}” cho chứng thư {a.serial} ({name}) ở đợt {e.batch} "
                "chưa ban hành được thay bằng đề nghị mới tính từ tệp chứng thư thực tế; không ký "
                "văn bản cũ."))
        out.append(a)
    return out, warnings


def orphan_warnings(orphans: tuple[Subscriber, ...], actions: list[Action]) -> list[PlanWarning]:
    decided = {a.serial for a in actions if a.kind == "certificate"}
    return [PlanWarning(
        "certificate_only",
        f"Chứng thư {o.cert_serial} (“{o.name}”, {o.source or 'tệp chứng thư'}) không có dòng "
        "trong danh sách thuê bao: đề nghị lập theo nội dung chứng thư; bổ sung danh sách (số "
        "serial thiết bị, nhu cầu sử dụng) để đối chiếu.")
        for o in orphans if o.cert_serial in decided]
