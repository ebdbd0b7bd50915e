"""Writing a field needs the permission to read it: office staff schedule conferences but may
neither read nor write their notes, through the command line or the services the UI uses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from polterm.errors import PermissionDenied
from polterm.policy import ConferenceDraft
from polterm.services import conferences
from tests.security.conftest import NOTES, session_for

NOTE_OPTIONS = {"--notes": "", "--problem": "x", "--solutions": "x", "--plan": "",
                "--support": "parent"}  # fmt: skip


@pytest.mark.parametrize("option", NOTE_OPTIONS)
def test_office_may_not_overwrite_or_blank_conference_notes(as_it, option):
    before = as_it.dump()
    result = as_it("conference", "update", "1", option, NOTE_OPTIONS[option], "--as", "o1")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("Error: a office may not write conference notes")
    assert as_it.dump() == before


def test_office_may_still_reschedule_a_conference(as_it):
    result = as_it("conference", "update", "1", "--at", "2025-09-11T16:00", "--as", "o1")
    assert result.code == 0, result.err
    assert as_it.rows("SELECT at, notes FROM conference WHERE id = 1") == [
        ("2025-09-11T16:00", NOTES)
    ]


def test_office_may_not_schedule_a_conference_with_notes(as_it):
    before = as_it.dump()
    result = as_it("conference", "add", "--student", "s1", "--kind", "parent-teacher",
                   "--at", "2025-10-01T09:00", "--notes", "x", "--as", "o1")  # fmt: skip
    assert result.code == 2 and "may not write conference notes" in result.err
    assert as_it.dump() == before


@pytest.mark.parametrize("staff", ["t1", "p1", "it1"])
def test_those_who_read_notes_may_write_them(as_it, staff):
    result = as_it("conference", "update", "1", "--notes", "Met", "--as", staff)
    assert result.code == 0, result.err
    assert as_it.rows("SELECT notes FROM conference WHERE id = 1") == [("Met",)]


@pytest.mark.parametrize("field", ["problem", "solutions", "plan", "support", "notes"])
def test_the_service_the_ui_saves_through_refuses_office_notes(world, field):
    session = session_for(world, "o1")
    value = ("parent",) if field == "support" else "x"
    with pytest.raises(PermissionDenied, match="may not write conference notes"):
        conferences.update_conference(session, 1, {field: value})
    draft = ConferenceDraft(student_id="s1", kind="parent-teacher", at="2025-10-01T09:00")
    with pytest.raises(PermissionDenied, match="may not write conference notes"):
        if field == "notes":
            conferences.schedule_conference(session, draft, notes="x")
        else:
            conferences.schedule_conference(session, replace(draft, **{field: value}))
    assert world.execute("SELECT count(*), max(notes) FROM conference").fetchone() == (5, NOTES)
