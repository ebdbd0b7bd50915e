"""A whole evaluation keeps a failing rule's last good findings, stale, and says since when."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polterm_p1471
from polterm.policy import Scope
from polterm.services import finding_store
from polterm.testing import District

DAY = date(2025, 10, 15)
RULE = "arrange-parent-request"


def test_a_rule_failing_in_a_whole_evaluation_keeps_its_findings_stale_then_recovers() -> None:
    d = District(policies=["p1471"], plugins=[polterm_p1471])
    s = d.student()
    d.add("parent_request", id="R1", student_id=s, requested_on="2025-10-01",
          with_whom="teacher")  # fmt: skip
    registry = d.registry()
    assert finding_store.refresh(d.db, registry, DAY, whole=True)
    good = finding_store.read(d.db, Scope(), DAY, 100)
    mine = [f for f in good.findings if f.rule == RULE]
    assert mine and not good.failures and not good.stale

    rules = registry.policies["p1471"].rules
    working = rules[RULE]
    rules[RULE] = replace(working, evaluate=lambda ctx: 1 / 0)
    assert finding_store.refresh(d.db, registry, date(2025, 10, 16), whole=True)
    failing = finding_store.read(d.db, Scope(), date(2025, 10, 16), 100)
    assert [f.rule for f in failing.failures] == [RULE]
    (failure,) = failing.failures
    assert "ZeroDivisionError" in failure.message and failure.since
    kept = [i for i, f in enumerate(failing.findings) if f.rule == RULE]
    assert [failing.findings[i] for i in kept] == mine
    assert set(kept) == failing.stale

    rules[RULE] = working
    assert finding_store.refresh(d.db, registry, date(2025, 10, 17), whole=True)
    again = finding_store.read(d.db, Scope(), date(2025, 10, 17), 100)
    assert not again.failures and not again.stale
