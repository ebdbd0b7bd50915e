"""two-flexible-conferences: each active student, two held flexible conferences per school year."""

from __future__ import annotations

import polterm_clinton_6310
from polterm.testing import District

RULE = "two-flexible-conferences"


def test_two_flexible_conferences_two_held_is_satisfied(district: District) -> None:
    s = district.student()
    district.conference(s, "flexible", "2025-10-01")
    district.conference(s, "flexible", "2026-02-01")
    assert district.check("2026-03-01", rule=RULE) == []


def test_two_flexible_conferences_one_held_is_due_at_year_end_while_year_runs(
    district: District,
) -> None:
    s = district.student()
    district.conference(s, "flexible", "2025-10-01")
    [f] = district.check("2026-03-01", rule=RULE)
    assert (f.status, f.due, f.student_id) == ("due", "2026-06-12", s)
    assert f.message == "1 of 2 flexible conferences held in school year 2025-2026"
    assert "10-221(f)" in f.citation


def test_two_flexible_conferences_overdue_once_the_year_ended() -> None:
    d = District(
        policies=["clinton_6310"],
        plugins=[polterm_clinton_6310],
        years=[
            ("2024-2025", "2024-08-28", "2025-06-13"),
            ("2025-2026", "2025-08-27", "2026-06-12"),
        ],
    )
    s = d.student()
    d.conference(s, "flexible", "2025-10-01")
    [f] = d.check("2026-07-01", rule=RULE)
    assert (f.status, f.due) == ("overdue", "2026-06-12")
    [between] = d.check("2025-07-15", rule=RULE)  # between years: the last one that ended
    assert (between.status, between.due) == ("overdue", "2025-06-13")
    assert between.message.startswith("0 of 2")


def test_two_flexible_conferences_scheduled_or_later_dated_ones_do_not_count(
    district: District,
) -> None:
    s = district.student()
    district.conference(s, "flexible", "2025-10-01", status="scheduled")
    district.conference(s, "flexible", "2026-04-01", status="held")  # after as-of
    [f] = district.check("2026-03-01", rule=RULE)
    assert f.message.startswith("0 of 2")


def test_two_flexible_conferences_outside_the_year_and_other_kinds_do_not_count(
    district: District,
) -> None:
    s = district.student()
    district.conference(s, "flexible", "2025-06-01")
    district.conference(s, "remote-learning", "2025-10-01")
    [f] = district.check("2026-03-01", rule=RULE)
    assert f.message.startswith("0 of 2")


def test_two_flexible_conferences_inactive_student_is_owed_nothing(district: District) -> None:
    district.student(active=False)
    assert district.check("2026-03-01", rule=RULE) == []


def test_two_flexible_conferences_required_setting(district: District) -> None:
    s = district.student()
    district.conference(s, "flexible", "2025-10-01")
    district.conference(s, "flexible", "2026-02-01")
    district.setting("clinton_6310", RULE, "required", 3)
    [f] = district.check("2026-03-01", rule=RULE)
    assert f.message == "2 of 3 flexible conferences held in school year 2025-2026"


def test_two_flexible_conferences_before_any_school_year_finds_nothing(
    district: District,
) -> None:
    district.student()
    assert district.check("2025-08-01", rule=RULE) == []


def test_two_flexible_conferences_come_by_school_then_student(district: District) -> None:
    oak, ash = district.school(id="oak"), district.school(id="ash")
    for sid, school in (("s3", oak), ("s1", oak), ("s4", ash), ("s2", ash)):
        district.student(school=school, id=sid)
    found = [(f.school_id, f.student_id) for f in district.check("2026-03-01", rule=RULE)]
    assert found == sorted(found)
    assert {("ash", "s2"), ("oak", "s1")} <= set(found)
