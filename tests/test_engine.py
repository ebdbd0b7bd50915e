"""The engine: effective dates, settings overrides, scope, helpers for the UI and reports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from polterm import hookimpl
from polterm.engine import checklists, conference_kinds, conference_warnings, report_sections
from polterm.policy import (
    Checklist,
    ChecklistItem,
    ConferenceDraft,
    ConferenceKind,
    Finding,
    FindingQuery,
    PolicyInfo,
    ReportRequest,
    ReportSection,
    Rule,
    RuleContext,
    Scope,
)
from polterm.testing import District


def every_student(ctx: RuleContext) -> Iterator[Finding]:
    """One `due` finding per student, naming the rule's `n` setting (ignores the scope)."""
    for sid, school in ctx.db.execute("SELECT id, school_id FROM student ORDER BY id"):
        yield ctx.finding("due", f"n={ctx.settings.get('n')}", student_id=sid, school_id=school)


def every_student_query(ctx: RuleContext) -> FindingQuery:
    """`every_student` as one query, its rows in no particular order (ignores the scope)."""
    return ctx.query(
        "SELECT id AS student_id, school_id, 'n=' || :n AS message FROM student ORDER BY id DESC",
        {"n": ctx.settings.get("n")},
        status="due",
    )


def every_student_ordered_query(ctx: RuleContext) -> FindingQuery:
    """`every_student` as one query that sorts its rows as findings are listed, and says so."""
    return ctx.query(
        "SELECT id AS student_id, school_id, 'n=' || :n AS message FROM student "
        "ORDER BY school_id, id LIMIT -1 OFFSET 0",
        {"n": ctx.settings.get("n")},
        ordered=True,
        status="due",
    )


class Fake:
    """A policy plugin made of the given rules and optional extra hook results."""

    def __init__(self, name: str, *rules: Rule, warn: bool = False) -> None:
        self.name = name
        self.rules = rules
        self.warn = warn

    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        return PolicyInfo(self.name, f"{self.name} policy", f"Policy {self.name}")

    @hookimpl
    def polterm_register_rules(self, register) -> None:  # type: ignore[no-untyped-def]
        for rule in self.rules:
            register(rule)

    @hookimpl
    def polterm_register_conference_kinds(self, register) -> None:  # type: ignore[no-untyped-def]
        register(ConferenceKind(f"{self.name}-kind", "A kind"))

    @hookimpl
    def polterm_register_checklists(self, register) -> None:  # type: ignore[no-untyped-def]
        register(Checklist("conduct", "Conduct", (ChecklistItem("a", "Agenda"),)))
        register(
            Checklist(
                "phone",
                "By phone",
                (ChecklistItem("b", "Call"),),
                applies=lambda c: c.modality == "phone",
            )
        )

    @hookimpl
    def polterm_conference_warnings(self, conference, ctx):  # type: ignore[no-untyped-def]
        if self.warn:
            raise RuntimeError("warnings broke")
        return [ctx.finding("warning", f"{conference.kind} at {conference.at}", rule="w")]

    @hookimpl
    def polterm_report_sections(self, report, ctx):  # type: ignore[no-untyped-def]
        return [ReportSection(f"{self.name} for {report.school_id}", {"as_of": ctx.as_of_iso})]


def rule(rule_id: str = "r", evaluate=every_student, **kwargs) -> Rule:  # type: ignore[no-untyped-def]
    return Rule(rule_id, "A rule", "§1", evaluate, **kwargs)


def test_a_rule_applies_from_its_effective_from_to_its_effective_to_inclusive() -> None:
    bounded = rule(effective_from=date(2025, 9, 1), effective_to=date(2025, 12, 31))
    d = District(policies=["fake"], plugins=[Fake("fake", bounded)])
    d.student()
    assert d.check("2025-08-31") == []
    assert len(d.check("2025-09-01")) == 1
    assert len(d.check("2025-12-31")) == 1
    assert d.check("2026-01-01") == []


def test_district_settings_override_rule_defaults_and_unknown_keys_are_ignored() -> None:
    d = District(policies=["fake"], plugins=[Fake("fake", rule(settings={"n": 2}))])
    d.student()
    assert [f.message for f in d.check("2025-10-01")] == ["n=2"]
    d.setting("fake", "r", "n", 5)
    d.setting("fake", "r", "unknown", 1)
    assert [f.message for f in d.check("2025-10-01")] == ["n=5"]


def test_findings_are_sorted_and_carry_the_citation() -> None:
    d = District(policies=["b", "a"], plugins=[Fake("b", rule("z"), rule("y")), Fake("a", rule())])
    school = d.school()
    d.student(school=school, id="s2")
    d.student(school=school, id="s1")
    found = d.check("2025-10-01")
    assert [(f.policy, f.rule, f.student_id) for f in found] == [
        ("a", "r", "s1"),
        ("a", "r", "s2"),
        ("b", "y", "s1"),
        ("b", "y", "s2"),
        ("b", "z", "s1"),
        ("b", "z", "s2"),
    ]
    assert found[0].citation == "§1; Policy a"


def test_the_engine_narrows_findings_to_the_scope_when_a_plugin_ignores_it() -> None:
    d = District(policies=["fake"], plugins=[Fake("fake", rule())])
    oak, pine = d.school(), d.school()
    teacher = d.staff(school=oak)
    mine = d.student(school=oak, teacher=teacher)
    d.student(school=oak)
    theirs = d.student(school=pine)
    assert {f.student_id for f in d.check("2025-10-01", scope=Scope(teacher_id=teacher))} == {mine}
    by_school = d.check("2025-10-01", scope=Scope(school_ids=frozenset({pine})))
    assert [f.student_id for f in by_school] == [theirs]
    assert d.check("2025-10-01", scope=Scope(school_ids=frozenset())) == []


@pytest.mark.parametrize(
    "scope",
    [
        Scope(),
        Scope(teacher_id="t1"),
        Scope(school_ids=frozenset({"pine"})),
        Scope(school_id="oak", student_id="s3"),
        Scope(school_ids=frozenset()),
    ],
    ids=repr,
)
@pytest.mark.parametrize("query", [every_student_query, every_student_ordered_query])
def test_a_rule_query_gives_what_yielding_findings_gives_sorted_and_scoped(
    scope: Scope, query: Callable[[RuleContext], FindingQuery]
) -> None:
    yielded = District(policies=["fake"], plugins=[Fake("fake", rule(settings={"n": 2}))])
    queried = Rule("r", "A rule", "§1", query, settings={"n": 2})
    by_query = District(policies=["fake"], plugins=[Fake("fake", queried)])
    for d in (yielded, by_query):
        oak, pine = d.school(id="oak"), d.school(id="pine")
        teacher = d.staff(school=oak, id="t1")
        for sid, school in (("s3", oak), ("s1", pine), ("s2", oak), ("s4", pine)):
            d.student(school=school, id=sid, teacher=teacher if sid != "s2" else None)
    expected = yielded.check("2025-10-01", scope=scope)
    result = by_query.evaluate("2025-10-01", scope)
    assert result.findings == expected
    assert result.has_status("due") == bool(expected)
    assert not result.has_status("overdue")


def test_the_engine_keeps_an_ordered_query_in_its_own_order() -> None:
    def backwards(ctx: RuleContext) -> FindingQuery:
        sql = "SELECT id AS student_id, 'm' AS message FROM student ORDER BY id DESC"
        return ctx.query(f"{sql} LIMIT -1 OFFSET 0", {}, ordered=True, status="due")

    d = District(policies=["fake"], plugins=[Fake("fake", Rule("r", "R", "§1", backwards))])
    for sid in ("s1", "s3", "s2"):
        d.student(id=sid)
    assert [f.student_id for f in d.check("2025-10-01")] == ["s3", "s2", "s1"]  # trusted


def test_a_rule_query_may_give_each_row_its_own_status() -> None:
    def statuses(ctx: RuleContext) -> FindingQuery:
        return ctx.query(
            "SELECT id AS student_id, school_id, CASE WHEN id = 's1' THEN 'overdue' ELSE 'due' "
            "END AS status, 'late' AS message FROM student",
            {},
        )

    d = District(policies=["fake"], plugins=[Fake("fake", rule(evaluate=statuses))])
    for sid in ("s1", "s2"):
        d.student(id=sid)
    result = d.evaluate("2025-10-01")
    assert [(f.student_id, f.status) for f in result.findings] == [("s1", "overdue"), ("s2", "due")]
    assert result.has_status("overdue") and not result.has_status("warning")


def test_conference_kinds_and_checklists_come_from_active_policies_only() -> None:
    d = District(policies=["on"], plugins=[Fake("on"), Fake("off")])
    registry = d.registry()
    assert [(p, k.id) for p, k in conference_kinds(d.db, registry)] == [("on", "on-kind")]
    draft = ConferenceDraft(student_id="s", kind="on-kind", at="2025-10-01T15:00")
    assert [c.id for _, c in checklists(d.db, registry, draft)] == ["conduct"]
    by_phone = ConferenceDraft(student_id="s", kind="k", at="2025-10-01T15", modality="phone")
    assert [c.id for _, c in checklists(d.db, registry, by_phone)] == ["conduct", "phone"]


def test_conference_warnings_run_every_active_policy_and_isolate_a_failing_one() -> None:
    d = District(policies=["good", "bad"], plugins=[Fake("good"), Fake("bad", warn=True)])
    draft = ConferenceDraft(student_id="s", kind="k", at="2025-10-01T15:00")
    found, errors = conference_warnings(d.db, d.registry(), draft, date(2025, 9, 1))
    assert [(f.policy, f.message) for f in found] == [("good", "k at 2025-10-01T15:00")]
    assert len(errors) == 1
    assert "polterm_conference_warnings: RuntimeError: warnings broke" in str(errors[0])


def test_report_sections_collect_each_active_policy_section() -> None:
    d = District(policies=["a", "b"], plugins=[Fake("a"), Fake("b")])
    day = date(2026, 6, 1)
    request = ReportRequest("oak", "2025-2026", date(2025, 8, 27), date(2026, 6, 12), day)
    sections, errors = report_sections(d.db, d.registry(), request)
    assert errors == []
    assert [(s.title, s.facts["as_of"]) for s in sections] == [
        ("a for oak", "2026-06-01"),
        ("b for oak", "2026-06-01"),
    ]
