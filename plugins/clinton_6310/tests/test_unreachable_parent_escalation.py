"""unreachable-parent-escalation: after three failed attempts the teacher tells the principal."""

from __future__ import annotations

from polterm.testing import District

RULE = "unreachable-parent-escalation"
AS_OF = "2025-10-15"  # the period began 2025-09-01: requirement 1 (t1 2025-09-22) is open


def _owing(district: District, **period) -> str:
    s = district.student()
    district.add("remote_period", start="2025-09-01", **period)
    return s


def _attempt(district: District, s: str, on: str, outcome: str = "no-answer", **kw) -> None:
    row = {"method": "phone", "purpose": "remote-learning-conference", **kw}
    district.add("contact_attempt", student_id=s, made_on=on, outcome=outcome, **row)


def test_unreachable_parent_escalation_second_failed_attempt_is_not_enough(
    district: District,
) -> None:
    s = _owing(district)
    _attempt(district, s, "2025-09-23")
    _attempt(district, s, "2025-09-25")
    assert district.check(AS_OF, rule=RULE) == []


def test_unreachable_parent_escalation_third_failed_attempt_calls_for_a_report(
    district: District,
) -> None:
    s = _owing(district)
    for day in ("2025-09-23", "2025-09-25", "2025-09-30"):
        _attempt(district, s, day, "left-message")
    [f] = district.check(AS_OF, rule=RULE)
    assert (f.status, f.due, f.student_id) == ("action", None, s)
    assert "principal or designee" in f.message and "since 2025-09-23" in f.message
    assert district.check("2025-09-29", rule=RULE) == []  # the third is dated later


def test_unreachable_parent_escalation_reached_attempt_resets_the_count(
    district: District,
) -> None:
    s = _owing(district)
    for day in ("2025-09-23", "2025-09-24", "2025-09-25"):
        _attempt(district, s, day)
    _attempt(district, s, "2025-09-26", "reached")
    _attempt(district, s, "2025-09-27")
    _attempt(district, s, "2025-09-28")
    assert district.check(AS_OF, rule=RULE) == []
    _attempt(district, s, "2025-09-29")
    assert len(district.check(AS_OF, rule=RULE)) == 1


def test_unreachable_parent_escalation_escalation_recorded_for_the_period_ends_it(
    district: District,
) -> None:
    s = _owing(district)
    for day in ("2025-09-23", "2025-09-24", "2025-09-25"):
        _attempt(district, s, day)
    district.add("escalation", student_id=s, made_on="2025-09-26")
    assert district.check(AS_OF, rule=RULE) == []


def test_unreachable_parent_escalation_escalation_on_the_periods_last_day_ends_it(
    district: District,
) -> None:
    s = _owing(district, end="2025-09-30")
    for day in ("2025-09-23", "2025-09-24", "2025-09-25"):
        _attempt(district, s, day)
    assert len(district.check(AS_OF, rule=RULE)) == 1
    district.add("escalation", student_id=s, made_on="2025-09-30")
    assert district.check(AS_OF, rule=RULE) == []


def test_unreachable_parent_escalation_escalation_of_an_earlier_period_does_not_count(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-01-06", end="2025-03-01")
    district.add("remote_period", start="2025-09-01")
    district.add("escalation", student_id=s, made_on="2025-04-01")  # belongs to the first
    for day in ("2025-09-23", "2025-09-24", "2025-09-25"):
        _attempt(district, s, day)
    assert [f.rule for f in district.check(AS_OF, rule=RULE)] == [RULE]


def test_unreachable_parent_escalation_nothing_when_the_requirement_is_met(
    district: District,
) -> None:
    s = _owing(district)
    for day in ("2025-09-23", "2025-09-24", "2025-09-25"):
        _attempt(district, s, day)
    district.conference(s, "remote-learning", "2025-10-01", modality="video")
    assert district.check(AS_OF, rule=RULE) == []


def test_unreachable_parent_escalation_attempts_before_the_period_or_other_purposes_ignored(
    district: District,
) -> None:
    s = _owing(district)
    _attempt(district, s, "2025-08-30")
    _attempt(district, s, "2025-09-23", purpose="other")
    _attempt(district, s, "2025-09-24", purpose="flexible-conference")
    _attempt(district, s, "2025-09-25")
    assert district.check(AS_OF, rule=RULE) == []


def test_unreachable_parent_escalation_continues_after_the_period_while_unmet(
    district: District,
) -> None:
    s = _owing(district, end="2025-09-30")
    _attempt(district, s, "2025-09-29")
    _attempt(district, s, "2025-10-03")
    _attempt(district, s, "2025-10-06")
    assert len(district.check(AS_OF, rule=RULE)) == 1


def test_unreachable_parent_escalation_max_attempts_setting(district: District) -> None:
    s = _owing(district)
    _attempt(district, s, "2025-09-23")
    _attempt(district, s, "2025-09-24")
    district.setting("clinton_6310", RULE, "max_attempts", 2)
    assert len(district.check(AS_OF, rule=RULE)) == 1
