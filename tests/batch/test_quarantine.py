"""A batch that makes a later stage fail is set aside with its reason, and later runs go on.

The issue's case: a control character in one name made rendering fail; the batch was planned,
its folder never appeared, so every later run resumed it — and crashed again, and files dropped
later were archived but never planned. Here the stage fails for this batch whatever its cause
(a stand-in for the next such bug): the first run fails as before, the second resumes it, fails
again and sets it aside (register, with the reason told to the clerk), the third leaves it."""

from __future__ import annotations

import pytest

from paperflow.batch import run as run_mod
from paperflow.batch import run_once
from paperflow.register import Register


def test_a_batch_failing_again_is_quarantined_and_later_runs_complete(settings, monkeypatch):
    calls: list[str] = []

    def failing(settings, reg, the_plan, tally, **kw):  # type: ignore[no-untyped-def]
        calls.append(the_plan.batch)
        raise ValueError("ký tự điều khiển '\\x0b' trong tên thuê bao")

    monkeypatch.setattr(run_mod, "produce_batch", failing)
    with pytest.raises(ValueError):
        run_once(settings, sign_now=False)              # the first production dies
    (batch,) = calls
    second = run_once(settings, sign_now=False)         # resumed, fails again: set aside
    assert calls == [batch, batch]
    assert [e.code for e in second.errors] == ["batch_quarantined"]
    assert batch in second.errors[0].vi and "\\x0b" in second.errors[0].en
    third = run_once(settings, sign_now=False)          # not tried again; the run completes
    assert calls == [batch, batch] and not third.errors
    with Register.open(settings) as reg:
        assert "ValueError" in reg.quarantined(batch)
