"""Every rule narrows its own SQL to the user's scope, not only the engine's final filter."""

from __future__ import annotations

from datetime import date

import pytest

import polterm_p1471
from polterm import config
from polterm.policy import RuleContext, Scope
from polterm.testing import District


def _school_with_one_of_everything(d: District) -> str:
    """A school where every P1471 rule finds something."""
    school = d.school()
    d.add("period", id=f"q-{school}", school_id=school, start="2025-08-27", end="2025-10-31")
    student = d.student(school=school)
    neighbour = d.guardian(d.student(school=school))
    d.add(
        "parent_request",
        id=f"r-{school}",
        student_id=student,
        requested_on="2025-10-01",
        with_whom="principal",
    )
    d.conference(
        student,
        "parent-principal",
        "2025-10-02",
        initiated_by="parent",
        staff=[d.staff("principal", school)],
        attendees=[("Neighbour", neighbour), *((f"Guest {i}", None) for i in range(5))],
    )
    return school


@pytest.mark.parametrize("rule", polterm_p1471.RULES, ids=lambda rule: rule.id)
def test_rule_reads_only_the_scoped_school(district: District, rule) -> None:
    mine = _school_with_one_of_everything(district)
    _school_with_one_of_everything(district)
    ctx = RuleContext(
        db=district.db,
        as_of=date(2025, 11, 1),
        policy=polterm_p1471.POLICY,
        scope=Scope(school_id=mine),
        rule=rule,
        settings=config.effective_settings(rule.settings, {}),
    )
    found = list(rule.evaluate(ctx))
    assert found and {f.school_id for f in found} == {mine}
