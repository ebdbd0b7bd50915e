"""The plugin's registrations: rules with their settings, kinds, checklists, scope honoured."""

from __future__ import annotations

from datetime import date

import pytest

import polterm_clinton_6310
from polterm import config
from polterm.policy import ConferenceDraft, RuleContext, Scope
from polterm.testing import District

RULE_IDS = [
    "two-flexible-conferences",
    "remote-option-offered",
    "remote-learning-conference",
    "emergency-contact-requested",
    "resource-document",
    "unreachable-parent-escalation",
    "emergency-contact-welfare-check",
    "principal-involvement-report",
]


def test_rules_are_the_eight_of_rules_md_with_their_settings(district: District) -> None:
    loaded = district.registry().policies["clinton_6310"]
    assert list(loaded.rules) == RULE_IDS
    settings = {rule.id: dict(rule.settings) for rule in loaded.rules.values() if rule.settings}
    assert settings == {
        "two-flexible-conferences": {"required": 2},
        "remote-learning-conference": {"threshold_days": 21, "cadence_months": 6},
        "unreachable-parent-escalation": {"max_attempts": 3},
        "principal-involvement-report": {"report_due": "year-end"},
    }
    assert loaded.rules["resource-document"].effective_from == date(2022, 1, 1)


@pytest.mark.parametrize("rule", polterm_clinton_6310.RULES, ids=lambda rule: rule.id)
def test_each_rule_quotes_its_sentence_and_cites_section_and_statute(rule) -> None:
    assert "shall" in rule.sentence or "must" in rule.sentence
    assert "Policy 6310" in rule.citation or "Regulation 6310" in rule.citation
    assert "Conn. Gen. Stat." in rule.citation


def test_conference_kinds_flexible_and_remote_learning(district: District) -> None:
    assert list(district.registry().policies["clinton_6310"].kinds) == [
        "flexible",
        "remote-learning",
    ]


def test_checklists_before_remote_learning_and_escalation(district: District) -> None:
    checklists = {c.stage: c for c in district.registry().policies["clinton_6310"].checklists}
    before, escalation = checklists["before"], checklists["escalation"]
    assert [i.id for i in before.items] == ["resource-document", "emergency-contact"]
    remote = ConferenceDraft(student_id="s", kind="remote-learning", at="2025-10-01T15:00")
    flexible = ConferenceDraft(student_id="s", kind="flexible", at="2025-10-01T15:00")
    assert before.applies_to(remote) and not before.applies_to(flexible)
    assert [i.id for i in escalation.items] == [
        "attempts",
        "report",
        "emergency-contact",
        "outcome",
    ]


def _school_with_one_of_everything(d: District) -> str:
    """A school where every student rule of the policy finds something."""
    school = d.school()
    s = d.student(school=school)
    d.add("remote_period", school_id=school, start="2025-09-01")
    d.conference(s, "remote-learning", "2025-10-20", status="scheduled")
    for day in ("2025-09-23", "2025-09-24", "2025-09-25"):
        d.add(
            "contact_attempt",
            student_id=s,
            made_on=day,
            method="phone",
            outcome="no-answer",
            purpose="remote-learning-conference",
        )
    other = d.student(school=school)
    d.add("escalation", student_id=other, made_on="2025-09-30")
    return school


@pytest.mark.parametrize("rule", polterm_clinton_6310.RULES, ids=lambda rule: rule.id)
def test_rule_reads_only_the_scoped_school(district: District, rule) -> None:
    mine = _school_with_one_of_everything(district)
    _school_with_one_of_everything(district)
    ctx = RuleContext(
        db=district.db,
        as_of=date(2025, 10, 15),
        policy=polterm_clinton_6310.POLICY,
        scope=Scope(school_id=mine),
        rule=rule,
        settings=config.effective_settings(rule.settings, {}),
    )
    found = list(rule.evaluate(ctx))
    assert found and {f.school_id for f in found} == {mine}
