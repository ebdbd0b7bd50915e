"""Each role may do exactly what authz's table says, to exactly the students it reaches."""

from __future__ import annotations

import pytest

from polterm.errors import PermissionDenied
from polterm.policy import ConferenceDraft
from polterm.services import authz, conferences, people, records
from tests.security.conftest import NOTES, STAFF, STUDENTS, session_for

ACTIONS = (
    "district.admin", "student.read", "student.write", "contact.read", "contact.write",
    "conference.read", "conference.write", "conference.notes.read", "request.write",
    "attempt.write", "escalation.write", "report.read", "report.write", "audit.read", "staff.read",
)  # fmt: skip
TEACHER = {"student.read", "student.write", "contact.read", "contact.write", "conference.read",
           "conference.write", "conference.notes.read", "request.write", "attempt.write",
           "escalation.write", "report.read"}  # fmt: skip
OFFICE = {"student.read", "contact.read", "contact.write", "conference.read", "conference.write",
          "request.write", "attempt.write"}  # fmt: skip
# staff id -> (actions allowed, students reached)
EXPECTED = {
    "t1": (TEACHER, {"s1"}),
    "t2": (TEACHER, {"s2"}),
    "tp": (TEACHER, {"s3"}),
    "p1": (TEACHER | {"report.write", "audit.read", "staff.read"}, {"s1", "s2", "s4"}),
    "d1": (TEACHER | {"report.write", "audit.read", "staff.read"}, {"s1", "s2", "s4"}),
    "o1": (OFFICE, {"s1", "s2", "s4"}),
    "sup": ({"student.read", "conference.read", "report.read", "audit.read"}, set(STUDENTS)),
    "it1": (set(ACTIONS), set(STUDENTS)),
}
CASES = [(s, a, st) for s in STAFF for a in ACTIONS for st in STUDENTS]


def allowed(session, action, **where) -> bool:
    try:
        session.authorize(action, **where)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize(("staff", "action", "student"), CASES)
def test_authorize_per_role_action_and_student(world, staff, action, student):
    actions, reach = EXPECTED[staff]
    session = session_for(world, staff)
    assert allowed(session, action, student_id=student) == (
        action in actions and (student in reach or action == "district.admin")
    )


@pytest.mark.parametrize("staff", STAFF)
def test_school_wide_questions_only_reach_ones_own_school(world, staff):
    session = session_for(world, staff)
    role, school = STAFF[staff]
    other = "pine" if school == "oak" else "oak"
    if role in ("principal", "designee", "office", "teacher"):
        assert allowed(session, "student.read", school_id=school)
        assert not allowed(session, "student.read", school_id=other)
    else:
        assert allowed(session, "student.read", school_id="oak")
        assert allowed(session, "student.read", school_id="pine")


@pytest.mark.parametrize("staff", ["t1", "o1", "sup"])
def test_a_new_student_needs_more_than_a_teacher_office_or_superintendent(world, staff):
    with pytest.raises(PermissionDenied):
        people.add_student(session_for(world, staff), "s9", "New", "Kid", "3", "oak")


@pytest.mark.parametrize("staff", STAFF)
def test_visible_scope_lists_only_reached_students(world, staff):
    where, params = authz.visible_scope(session_for(world, staff)).sql("s")
    seen = {r[0] for r in world.execute(f"SELECT id FROM student s WHERE {where}", params)}
    assert seen == EXPECTED[staff][1]


def test_within_never_widens_a_teachers_scope(world):
    session = session_for(world, "t1")
    where, params = authz.within(session, teacher_id="t2").sql("s")
    assert world.execute(f"SELECT count(*) FROM student s WHERE {where}", params).fetchone() == (0,)
    where, params = authz.within(session, school_id="oak").sql("s")
    assert [r[0] for r in world.execute(f"SELECT id FROM student s WHERE {where}", params)] == [
        "s1"
    ]


@pytest.mark.parametrize("staff", STAFF)
def test_student_list_service_shows_only_reached_students(world, staff):
    listed = {s["id"] for s in people.list_students(session_for(world, staff))}
    assert listed == EXPECTED[staff][1]


@pytest.mark.parametrize("staff", STAFF)
def test_conference_list_service_shows_only_reached_students(world, staff):
    listed = {c["student_id"] for c in conferences.list_conferences(session_for(world, staff))}
    assert listed == EXPECTED[staff][1]


@pytest.mark.parametrize("staff", STAFF)
def test_student_show_refuses_students_out_of_reach(world, staff):
    session = session_for(world, staff)
    for student in STUDENTS:
        if student in EXPECTED[staff][1]:
            assert people.show_student(session, student)["id"] == student
        else:
            with pytest.raises(PermissionDenied):
                people.show_student(session, student)


@pytest.mark.parametrize("staff", STAFF)
def test_conference_notes_only_for_roles_that_read_notes(world, staff):
    session = session_for(world, staff)
    if "s1" not in EXPECTED[staff][1]:
        with pytest.raises(PermissionDenied):
            conferences.get_conference(session, 1)
        return
    shown = conferences.get_conference(session, 1)
    reads_notes = "conference.notes.read" in EXPECTED[staff][0]
    assert (shown.get("notes") == NOTES) == reads_notes
    assert (shown.get("plan") == NOTES) == reads_notes


@pytest.mark.parametrize("staff", STAFF)
def test_redact_notes_blanks_every_note_field_for_those_who_may_not(world, staff):
    row = dict(next(world.query("SELECT * FROM conference WHERE id = 1")))
    redacted = authz.redact_notes(session_for(world, staff), row)
    kept = "conference.notes.read" in EXPECTED[staff][0] and "s1" in EXPECTED[staff][1]
    assert all((redacted[f] is None) != kept for f in ("problem", "plan", "notes"))
    assert redacted["at"] == row["at"]


@pytest.mark.parametrize("staff", [s for s in STAFF if "s1" in EXPECTED[s][1]])
def test_contacts_shown_only_to_roles_that_read_contacts(world, staff):
    session = session_for(world, staff)
    [guardian] = people.show_student(session, "s1")["guardians"]
    assert (guardian.get("phone") == "555-0101") == ("contact.read" in EXPECTED[staff][0])


@pytest.mark.parametrize("staff", STAFF)
def test_scheduling_a_conference_follows_conference_write(world, staff):
    session = session_for(world, staff)
    for n, student in enumerate(STUDENTS, 1):
        draft = ConferenceDraft(student_id=student, kind="parent-teacher", at=f"2025-10-0{n}T09:00")
        may_write = "conference.write" in EXPECTED[staff][0] and student in EXPECTED[staff][1]
        before = world.execute("SELECT count(*) FROM conference").fetchone()[0]
        try:
            conferences.schedule_conference(session, draft)
            done = True
        except PermissionDenied:
            done = False
        after = world.execute("SELECT count(*) FROM conference").fetchone()[0]
        assert (done, after - before) == (may_write, int(may_write))


@pytest.mark.parametrize("staff", STAFF)
def test_recording_a_request_follows_request_write(world, staff):
    session = session_for(world, staff)
    may_write = "request.write" in EXPECTED[staff][0] and "s2" in EXPECTED[staff][1]
    try:
        records.add_request(session, "r9", "s2", "2025-09-02", "teacher")
        done = True
    except PermissionDenied:
        done = False
    assert done == may_write
