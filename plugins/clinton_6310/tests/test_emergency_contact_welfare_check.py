"""emergency-contact-welfare-check: after an escalation the principal calls the contact."""

from __future__ import annotations

from polterm.testing import District

RULE = "emergency-contact-welfare-check"


def _escalated(district: District, on: str = "2025-10-01") -> str:
    s = district.student()
    district.add("remote_period", start="2025-09-01")
    district.add("escalation", student_id=s, made_on=on)
    return s


def test_emergency_contact_welfare_check_after_escalation_is_an_action(district: District) -> None:
    s = _escalated(district)
    district.emergency_contact(s)
    [f] = district.check("2025-10-02", rule=RULE)
    assert (f.status, f.due, f.student_id) == ("action", None, s)
    assert "emergency contact" in f.message and "not on file" not in f.message


def test_emergency_contact_welfare_check_says_when_no_contact_is_on_file(
    district: District,
) -> None:
    _escalated(district)
    [f] = district.check("2025-10-02", rule=RULE)
    assert f.message.endswith("no emergency contact is on file")


def test_emergency_contact_welfare_check_outcome_recorded_ends_it(district: District) -> None:
    s = _escalated(district)
    district.add("welfare_check", student_id=s, made_on="2025-10-03", outcome="family well")
    assert len(district.check("2025-10-02", rule=RULE)) == 1  # recorded later
    assert district.check("2025-10-03", rule=RULE) == []


def test_emergency_contact_welfare_check_before_the_escalation_does_not_count(
    district: District,
) -> None:
    s = _escalated(district)
    district.add("welfare_check", student_id=s, made_on="2025-09-20", outcome="family well")
    assert len(district.check("2025-10-05", rule=RULE)) == 1


def test_emergency_contact_welfare_check_escalation_dated_later_does_not_count(
    district: District,
) -> None:
    _escalated(district, on="2025-10-10")
    assert district.check("2025-10-09", rule=RULE) == []


def test_emergency_contact_welfare_check_on_the_escalations_own_day_ends_it(
    district: District,
) -> None:
    s = _escalated(district)
    district.add("welfare_check", student_id=s, made_on="2025-10-01", outcome="family well")
    assert district.check("2025-10-01", rule=RULE) == []


def test_emergency_contact_welfare_check_the_day_before_the_escalation_does_not_count(
    district: District,
) -> None:
    s = _escalated(district)
    district.add("welfare_check", student_id=s, made_on="2025-09-30", outcome="family well")
    [f] = district.check("2025-10-01", rule=RULE)
    assert "reported to the principal on 2025-10-01" in f.message


def test_emergency_contact_welfare_check_escalation_on_the_as_of_day_counts(
    district: District,
) -> None:
    _escalated(district, on="2025-10-10")
    assert len(district.check("2025-10-10", rule=RULE)) == 1


def test_emergency_contact_welfare_check_in_a_later_period_answers_last_years_escalation(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-01-06", end="2025-03-01")
    district.add("remote_period", start="2025-09-01")
    district.add("escalation", student_id=s, made_on="2025-02-01")
    assert len(district.check("2025-09-09", rule=RULE)) == 1
    district.add("welfare_check", student_id=s, made_on="2025-09-10", outcome="family well")
    assert district.check("2025-10-01", rule=RULE) == []


def test_emergency_contact_welfare_check_answers_only_escalations_dated_before_it(
    district: District,
) -> None:
    s = _escalated(district, on="2025-09-10")
    district.add("escalation", student_id=s, made_on="2025-09-15")
    district.add("welfare_check", student_id=s, made_on="2025-09-20", outcome="family well")
    district.add("escalation", student_id=s, made_on="2025-10-01")
    district.add("escalation", student_id=s, made_on="2025-10-05")
    assert district.check("2025-09-30", rule=RULE) == []  # both earlier ones answered
    [f] = district.check("2025-10-06", rule=RULE)  # the first one no check answered
    assert "reported to the principal on 2025-10-01" in f.message


def test_emergency_contact_welfare_check_escalation_on_a_periods_last_day_belongs_to_it(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01", end="2025-09-30")
    district.add("escalation", student_id=s, made_on="2025-09-30")
    [f] = district.check("2025-10-01", rule=RULE)
    assert "for the remote learning that began 2025-09-01" in f.message
    district.add("welfare_check", student_id=s, made_on="2025-10-01", outcome="family well")
    assert district.check("2025-10-01", rule=RULE) == []


def test_emergency_contact_welfare_check_on_a_periods_last_day_answers_its_escalation(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01", end="2025-09-30")
    district.add("escalation", student_id=s, made_on="2025-09-20")
    district.add("welfare_check", student_id=s, made_on="2025-09-30", outcome="family well")
    assert district.check("2025-09-30", rule=RULE) == []
    assert district.check("2025-10-20", rule=RULE) == []
