"""Live warnings on an unsaved conference: the same item 3a reading as the saved-record rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import polterm_p1471
from polterm.policy import Attendee, ConferenceDraft, RuleContext
from polterm.testing import District


def _warnings(d: District, draft: ConferenceDraft) -> list:
    ctx = RuleContext(db=d.db, as_of=date(2025, 10, 1), policy=polterm_p1471.POLICY)
    return polterm_p1471.polterm_conference_warnings(conference=draft, ctx=ctx)


def _draft(student: str, people: int, **fields) -> ConferenceDraft:
    fields.setdefault("initiated_by", "parent")
    return ConferenceDraft(
        student_id=student,
        kind="parent-principal",
        at="2025-10-03T15:00",
        staff_ids=("p1", "t1"),
        attendees=tuple(Attendee(f"Attendee {i}") for i in range(people - 2)),
        **fields,
    )


def test_draft_with_7_people_warns_of_conference_size(district: District) -> None:
    student = district.student()
    assert _warnings(district, _draft(student, 6)) == []
    [warning] = _warnings(district, _draft(student, 7))
    assert (warning.rule, warning.status, warning.conference_id) == (
        "conference-size",
        "warning",
        None,
    )
    assert warning.student_id == student and "7 people" in warning.message


def test_draft_counts_a_staff_member_once(district: District) -> None:
    draft = _draft(district.student(), 6)
    twice = replace(draft, staff_ids=("p1", "t1", "t1"))
    assert _warnings(district, twice) == []


def test_draft_follows_the_configured_maximum_and_scope(district: District) -> None:
    student = district.student()
    district.setting("p1471", "conference-size", "max_attendees", 5)
    assert len(_warnings(district, _draft(student, 6))) == 1
    assert _warnings(district, _draft(student, 6, initiated_by="teacher")) == []
    district.setting("p1471", "conference-size", "scope", "all")
    assert len(_warnings(district, _draft(student, 6, initiated_by="teacher"))) == 1


def test_draft_with_another_familys_guardian_warns_of_patron_privacy(district: District) -> None:
    school = district.school()
    student, sibling, other = (district.student(school=school) for _ in range(3))
    parent = district.guardian(student, sibling)
    neighbour = district.guardian(other, name="Neighbour")
    base = _draft(student, 2)
    family = replace(base, attendees=(Attendee("Mum", parent),))
    assert _warnings(district, family) == []
    visit = replace(base, attendees=(Attendee("Neighbour", neighbour),))
    [warning] = _warnings(district, visit)
    assert (warning.rule, warning.school_id) == ("patron-privacy", school)
    assert "Neighbour" in warning.message
    approved = replace(visit, principal_approved=True)
    assert _warnings(district, approved) == []


def test_draft_of_a_saved_conference_replaces_its_stored_attendees(district: District) -> None:
    school = district.school()
    student = district.student(school=school)
    neighbour = district.guardian(district.student(school=school))
    cid = district.conference(
        student,
        "parent-principal",
        "2025-10-03",
        status="scheduled",
        initiated_by="parent",
        attendees=[("Neighbour", neighbour)],
    )
    edited = replace(_draft(student, 2), id=cid)
    assert _warnings(district, edited) == []
    kept = replace(edited, attendees=(Attendee("Neighbour", neighbour),))
    assert [(w.rule, w.conference_id) for w in _warnings(district, kept)] == [
        ("patron-privacy", cid)
    ]
