"""remote-learning-conference: § B, after three weeks of remote learning, then every six months."""

from __future__ import annotations

from polterm.testing import District

RULE = "remote-learning-conference"


def _dues(district: District, as_of: str) -> list[tuple[str, str]]:
    return [(f.due, f.status) for f in district.check(as_of, rule=RULE)]


def test_remote_learning_conference_period_of_exactly_21_days_requires_nothing(
    district: District,
) -> None:
    district.student()
    district.add("remote_period", start="2025-09-01", end="2025-09-21")  # 21 days, both ends
    assert district.check("2025-12-01", rule=RULE) == []


def test_remote_learning_conference_period_of_22_days_requires_one(district: District) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01", end="2025-09-22")
    [f] = district.check("2025-12-01", rule=RULE)
    assert (f.student_id, f.due, f.status) == (s, "2025-09-22", "overdue")
    assert f.message == (
        "0 of 1 remote-learning conferences held for the remote learning that began 2025-09-01"
    )
    assert f.citation.startswith("Policy 6310 § B")


def test_remote_learning_conference_t1_on_the_as_of_date_is_a_requirement(
    district: District,
) -> None:
    district.student()
    district.add("remote_period", start="2025-09-01")
    assert _dues(district, "2025-09-21") == []
    assert _dues(district, "2025-09-22") == [("2026-03-22", "due")]


def test_remote_learning_conference_t2_on_the_as_of_date_adds_the_second(
    district: District,
) -> None:
    district.student()
    district.add("remote_period", start="2025-09-01")
    assert _dues(district, "2026-03-21") == [("2026-03-22", "due")]
    assert _dues(district, "2026-03-22") == [("2026-03-22", "due"), ("2026-09-22", "due")]
    assert _dues(district, "2026-03-23")[0] == ("2026-03-22", "overdue")


def test_remote_learning_conference_six_months_after_aug_31_is_feb_28(district: District) -> None:
    district.student()
    district.add("remote_period", start="2025-08-10")  # t1 = 2025-08-31
    assert _dues(district, "2026-02-27") == [("2026-02-28", "due")]
    assert _dues(district, "2026-02-28") == [("2026-02-28", "due"), ("2026-08-28", "due")]
    # t3 is t1 + 12 months (Aug 31), not two six-month steps (Aug 28)
    assert len(_dues(district, "2026-08-30")) == 2
    assert len(_dues(district, "2026-08-31")) == 3


def test_remote_learning_conference_six_months_after_aug_31_is_feb_29_in_a_leap_year() -> None:
    import polterm_clinton_6310

    d = District(
        policies=["clinton_6310"],
        plugins=[polterm_clinton_6310],
        years=[("2023-2024", "2023-08-28", "2024-06-12")],
    )
    d.student()
    d.add("remote_period", start="2023-08-10")  # t1 = 2023-08-31
    assert [f.due for f in d.check("2024-02-29", rule=RULE)] == ["2024-02-29", "2024-08-29"]


def test_remote_learning_conference_period_ending_before_t_plus_six_months_is_due_at_its_end(
    district: District,
) -> None:
    district.student()
    district.add("remote_period", start="2025-09-01", end="2025-12-31")
    assert _dues(district, "2025-12-31") == [("2025-12-31", "due")]
    assert _dues(district, "2026-01-01") == [("2025-12-31", "overdue")]
    assert len(_dues(district, "2027-01-01")) == 1  # an ended period adds no more


def test_remote_learning_conference_planned_end_after_as_of_is_used(district: District) -> None:
    district.student()
    district.add("remote_period", start="2025-09-01", end="2025-11-30")
    assert _dues(district, "2025-10-01") == [("2025-11-30", "due")]


def test_remote_learning_conference_held_conference_in_window_meets_it(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01")
    district.conference(s, "remote-learning", "2025-09-05")  # before t1, inside the period
    assert _dues(district, "2026-01-01") == []


def test_remote_learning_conference_conference_before_start_or_later_dated_does_not_count(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01")
    district.conference(s, "remote-learning", "2025-08-31")
    district.conference(s, "remote-learning", "2026-02-01")  # held, but after as-of
    district.conference(s, "remote-learning", "2025-10-01", status="scheduled")
    district.conference(s, "flexible", "2025-10-02")
    assert _dues(district, "2026-01-01") == [("2026-03-22", "due")]


def test_remote_learning_conference_second_needs_two_held_by_its_due(district: District) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01")
    district.conference(s, "remote-learning", "2025-10-01")
    [f] = district.check("2026-04-01", rule=RULE)
    assert (f.due, f.message[:6]) == ("2026-09-22", "1 of 2")
    district.conference(s, "remote-learning", "2026-03-30")
    assert district.check("2026-04-01", rule=RULE) == []


def test_remote_learning_conference_conference_after_due_k_counts_only_for_later_ones(
    district: District,
) -> None:
    s = district.student()
    district.add("remote_period", start="2025-09-01")
    district.conference(s, "remote-learning", "2026-04-01")  # after due_1 = 2026-03-22
    assert _dues(district, "2026-04-02") == [("2026-03-22", "overdue"), ("2026-09-22", "due")]


def test_remote_learning_conference_school_period_does_not_cover_other_schools(
    district: District,
) -> None:
    covered, other = district.school(), district.school()
    mine = district.student(school=covered)
    district.student(school=other)
    district.add("remote_period", school_id=covered, start="2025-09-01")
    assert [f.student_id for f in district.check("2025-10-01", rule=RULE)] == [mine]


def test_remote_learning_conference_inactive_student_is_owed_nothing(district: District) -> None:
    district.student(active=False)
    district.add("remote_period", start="2025-09-01")
    assert district.check("2025-10-01", rule=RULE) == []


def test_remote_learning_conference_threshold_and_cadence_settings(district: District) -> None:
    district.student()
    district.add("remote_period", start="2025-09-01")
    district.setting("clinton_6310", RULE, "threshold_days", 14)
    district.setting("clinton_6310", RULE, "cadence_months", 3)
    assert _dues(district, "2025-12-15") == [("2025-12-15", "due"), ("2026-03-15", "due")]
