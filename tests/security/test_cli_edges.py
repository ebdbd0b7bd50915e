"""The command line's smaller promises: who may list staff and export calendars, nothing on
stdout from a failed command, one line for a missing folder, unknown ids and broken pipes."""

from __future__ import annotations

import pytest

from tests.security.conftest import SAT_IN, STAFF


@pytest.mark.parametrize("staff", STAFF)
def test_staff_list_with_usernames_is_for_principals_and_it(as_it, staff):
    result = as_it("staff", "list", "--format", "json", "--as", staff)
    role, school = STAFF[staff]
    if role not in ("principal", "designee", "it"):
        assert result.code == 2 and result.out == "" and "may not" in result.err
        return
    assert result.code == 0, result.err
    listed = {row["id"] for row in result.json()}
    assert listed == (set(STAFF) if role == "it" else {s for s in STAFF if STAFF[s][1] == school})


@pytest.mark.parametrize("staff", STAFF)
def test_another_teachers_calendar_is_for_principals_and_it(as_it, staff, tmp_path):
    out = tmp_path / "t2.ics"
    result = as_it("export", "ics", "--staff", "t2", "-o", str(out), "--as", staff)
    may = STAFF[staff][0] in ("principal", "designee", "it") or staff == "t2"
    assert result.code == (0 if may else 2), result.err
    assert out.exists() == may


def test_a_teachers_own_calendar_holds_the_conferences_they_sit_in_on(as_it, tmp_path):
    out = tmp_path / "t1.ics"
    result = as_it("export", "ics", "--staff", "t1", "-o", str(out), "--as", "t1")
    assert result.code == 0, result.err
    text = out.read_text()
    assert "conference-1@" in text and f"conference-{SAT_IN}@" in text
    assert "conference-2@" not in text
