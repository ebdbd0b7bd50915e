"""With a second policy active, each keeps its own findings and switching one off removes its."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import polterm_p1471
from polterm import hookimpl
from polterm.engine import evaluate
from polterm.policy import Finding, PolicyInfo, Rule, RuleContext
from polterm.testing import District


class OtherPolicy:
    """A stand-in second policy: every active student is `due` a welcome call."""

    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        return PolicyInfo("other", "Other policy", "Other Policy 1")

    @hookimpl
    def polterm_register_rules(self, register: Callable[[Rule], None]) -> None:
        register(Rule("welcome-call", "A welcome call", "item 1", _welcome))


def _welcome(ctx: RuleContext) -> Iterator[Finding]:
    for student_id, school_id in ctx.db.execute("SELECT id, school_id FROM student"):
        yield ctx.finding("due", "Welcome call", student_id=student_id, school_id=school_id)


def _rules(d: District) -> list[tuple[str, str]]:
    found = evaluate(d.db, d.registry(), date(2025, 10, 10)).findings
    return [(f.policy, f.rule) for f in found]


def test_turning_a_policy_off_removes_exactly_its_findings() -> None:
    d = District(policies=["p1471", "other"], plugins=[polterm_p1471, OtherPolicy()])
    student = d.student()
    d.add(
        "parent_request",
        id="r1",
        student_id=student,
        requested_on="2025-10-01",
        with_whom="teacher",
    )
    both = _rules(d)
    assert both == [("other", "welcome-call"), ("p1471", "arrange-parent-request")]
    d.db.execute("DELETE FROM district_policy WHERE policy = 'other'")
    assert _rules(d) == [("p1471", "arrange-parent-request")]
    d.db["district_policy"].insert({"policy": "other", "position": 1})
    d.db.execute("DELETE FROM district_policy WHERE policy = 'p1471'")
    assert _rules(d) == [("other", "welcome-call")]
