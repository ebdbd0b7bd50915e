"""principal-involvement-report: each principal's yearly written report (Regulation 6310)."""

from __future__ import annotations

from datetime import date

import pytest

import polterm_clinton_6310
from polterm.facts import SchoolYear
from polterm.policy import Scope
from polterm.testing import District
from polterm_clinton_6310.involvement import report_due

RULE = "principal-involvement-report"
YEARS = [("2024-2025", "2024-08-28", "2025-06-13"), ("2025-2026", "2025-08-27", "2026-06-12")]


def _district() -> District:
    return District(policies=["clinton_6310"], plugins=[polterm_clinton_6310], years=YEARS)


def test_principal_involvement_report_running_year_is_due_at_its_end() -> None:
    d = _district()
    school = d.school()
    d.add("involvement_report", school_id=school, year="2024-2025", submitted_on="2025-06-01")
    [f] = d.check("2026-03-01", rule=RULE)
    assert (f.status, f.due, f.school_id, f.student_id) == ("due", "2026-06-12", school, None)
    assert "2025-2026" in f.message


def test_principal_involvement_report_ended_year_is_overdue() -> None:
    d = _district()
    d.school()
    found = d.check("2026-03-01", rule=RULE)
    assert [(f.status, f.due) for f in found] == [("overdue", "2025-06-13"), ("due", "2026-06-12")]


def test_principal_involvement_report_submitted_counts_whatever_its_date() -> None:
    d = _district()
    school = d.school()
    d.add("involvement_report", school_id=school, year="2024-2025", submitted_on="2025-09-30")
    d.add("involvement_report", school_id=school, year="2025-2026", submitted_on="2025-09-01")
    assert d.check("2026-03-01", rule=RULE) == []
    assert len(d.check("2025-09-15", rule=RULE)) == 1  # the late one is not yet recorded then


def test_principal_involvement_report_years_not_started_are_not_covered() -> None:
    d = _district()
    d.school()
    assert [f.due for f in d.check("2025-08-01", rule=RULE)] == ["2025-06-13"]


def test_principal_involvement_report_every_school_without_a_principal_too() -> None:
    d = _district()
    a, b = d.school(), d.school()
    d.staff("principal", a)
    assert {f.school_id for f in d.check("2024-09-01", rule=RULE)} == {a, b}


def test_principal_involvement_report_report_due_setting() -> None:
    d = _district()
    d.school()
    d.setting("clinton_6310", RULE, "report_due", "06-30")
    found = d.check("2026-06-20", rule=RULE)
    assert [(f.status, f.due) for f in found] == [("overdue", "2025-06-30"), ("due", "2026-06-30")]


def test_principal_involvement_report_report_due_values() -> None:
    year = SchoolYear("2023-2024", date(2023, 8, 28), date(2024, 6, 12))
    assert report_due(year, "year-end") == date(2024, 6, 12)
    assert report_due(year, "09-30") == date(2024, 9, 30)
    with pytest.raises(Exception, match="report_due"):
        report_due(year, "June")


def test_principal_involvement_report_not_in_a_single_students_scope() -> None:
    d = _district()
    school = d.school()
    s = d.student(school=school)
    assert d.check("2026-03-01", rule=RULE, scope=Scope(student_id=s)) == []
    assert len(d.check("2026-03-01", rule=RULE, scope=Scope(school_id=school))) == 2
