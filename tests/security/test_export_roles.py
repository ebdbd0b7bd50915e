"""Exports, calendars and reports obey the same roles as every other path."""

from __future__ import annotations

import pytest

from tests.security.conftest import STAFF, STUDENTS
from tests.security.test_roles import EXPECTED


@pytest.mark.parametrize("staff", STAFF)
def test_student_export_holds_only_reached_students(as_it, staff):
    result = as_it("export", "students", "--format", "json", "--as", staff)
    assert result.code == 0, result.err
    assert {s["id"] for s in result.json()} == EXPECTED[staff][1]


@pytest.mark.parametrize("staff", STAFF)
def test_student_export_with_contacts_needs_contact_read(as_it, staff):
    result = as_it("export", "students", "--with-contacts", "--format", "json", "--as", staff)
    may = "contact.read" in EXPECTED[staff][0]
    assert result.code == (0 if may else 2), result.err
    assert ("555-010" in result.out) == may


@pytest.mark.parametrize("staff", STAFF)
def test_conference_export_holds_only_reached_students_and_no_notes(as_it, staff):
    result = as_it("export", "conferences", "--format", "json", "--as", staff)
    assert result.code == 0, result.err
    assert {c["student_id"] for c in result.json()} == EXPECTED[staff][1]
    assert "Reading" not in result.out


@pytest.mark.parametrize(("staff", "student"), [(s, t) for s in STAFF for t in STUDENTS])
def test_calendar_of_a_student_only_within_reach(as_it, staff, student, tmp_path):
    out = tmp_path / "c.ics"
    result = as_it("export", "ics", "--student", student, "-o", str(out), "--as", staff)
    reached = student in EXPECTED[staff][1]
    assert result.code == (0 if reached else 2), result.err
    assert out.exists() == reached


@pytest.mark.parametrize(("staff", "school"), [(s, k) for s in STAFF for k in ("oak", "pine")])
def test_involvement_report_only_for_ones_own_school_or_district(as_it, staff, school):
    result = as_it("report", "involvement", "--school", school, "--year", "2025-2026",
                   "--format", "json", "--as", staff)  # fmt: skip
    home = STAFF[staff][1]
    may = "report.read" in EXPECTED[staff][0] and (home is None or home == school)
    assert result.code == (0 if may else 2), result.err
