"""What each role may see and do. Enforced here so every face (UI, CLI, exports) obeys it.

The rules, per role (the reach is which students an action may touch):

- teacher: the students they teach (`student.teacher_id` is their staff id). Sitting in on
  another teacher's conference does not widen it, so the engine's `Scope.teacher_id` and
  these checks agree. They read and edit those students' records, contacts, conferences
  (with notes), requests, attempts and escalations, and read their own school's reports;
  nothing about other schools or the district, no new students.
- principal, designee: everything about their school's students, their school's reports,
  conference events of their school only, the audit log of their school's students and
  their school's staff list (with OS usernames); not district administration.
- office: their school's students, contact data, requests, contact attempts and
  scheduling (`conference.write`), but never conference notes: writing a field needs the
  permission to read it, so they may not set notes either.
- superintendent: reads students, conferences, reports and the audit log district-wide;
  no contact data, no notes, no writes.
- it: everything, including `district.admin`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from polterm.display import visible
from polterm.errors import PermissionDenied
from polterm.policy import Scope

if TYPE_CHECKING:
    from polterm.services.session import Actor, Session

# the conference fields only `conference.notes.read` may see
NOTE_FIELDS = ("problem", "solutions", "plan", "support", "notes")

_TEACHER = frozenset(
    {
        "student.read",
        "student.write",
        "contact.read",
        "contact.write",
        "conference.read",
        "conference.write",
        "conference.notes.read",
        "request.write",
        "attempt.write",
        "escalation.write",
        "report.read",
    }
)
_PRINCIPAL = _TEACHER | {"report.write", "audit.read", "event.write", "staff.read"}
_OFFICE = frozenset(
    {
        "student.read",
        "contact.read",
        "contact.write",
        "conference.read",
        "conference.write",
        "request.write",
        "attempt.write",
    }
)
_SUPERINTENDENT = frozenset({"student.read", "conference.read", "report.read", "audit.read"})

ALLOWED: dict[str, frozenset[str]] = {
    "teacher": _TEACHER,
    "principal": _PRINCIPAL,
    "designee": _PRINCIPAL,
    "office": _OFFICE,
    "superintendent": _SUPERINTENDENT,
}
# a teacher's writes must name one of their students; the others' reach is their school
_STUDENT_BOUND_ROLES = frozenset({"teacher"})
_SCHOOL_BOUND_ROLES = frozenset({"principal", "designee", "office"})


def role_may(session: Session, action: str) -> bool:
    """Whether the actor's role allows this action at all, whatever it is done to."""
    return session.actor.role == "it" or action in ALLOWED.get(session.actor.role, frozenset())


def check(
    session: Session, action: str, *, student_id: str | None = None, school_id: str | None = None
) -> None:
    """Refuse with a one-line reason what the actor's role may not do to this student/school.

    Without a student or school the question is "may they do this at all"; listings then
    narrow what they show with `visible_scope`.
    """
    actor = session.actor
    if actor.role == "it":
        return
    if action not in ALLOWED.get(actor.role, frozenset()):
        raise PermissionDenied(f"a {actor.role} may not do {action} ({actor.staff_id})")
    if student_id is not None:
        row = session.db.execute(
            "SELECT school_id, teacher_id FROM student WHERE id = ?", [student_id]
        ).fetchone()
        if row is None or not _reaches(actor, row[0], row[1]):
            raise PermissionDenied(unseen("student", student_id))
        school_id = school_id or row[0]
    in_school = school_id is None or school_id == actor.school_id
    # a teacher's school-wide question (a school's list or report) is about their school only
    school_bound = actor.role in _SCHOOL_BOUND_ROLES or (
        actor.role in _STUDENT_BOUND_ROLES and student_id is None
    )
    if school_bound and not in_school:
        raise PermissionDenied(
            f"{actor.staff_id} may not do {action} at school {school_id}: not their school"
        )
    if student_id is None and actor.role in _STUDENT_BOUND_ROLES and action.endswith(".write"):
        raise PermissionDenied(
            f"a teacher may do {action} only for a student they teach ({actor.staff_id})"
        )


def unseen(noun: str, record_id: object) -> str:
    """The one refusal for a record that is missing or out of reach: which ids exist stays
    hidden from those who may not see them."""
    return f"{noun} {visible(str(record_id))!r} does not exist or you may not see it"


def check_note_writes(
    session: Session, fields: Iterable[str], *, student_id: str, school_id: str | None = None
) -> None:
    """Writing a conference's notes needs the permission to read them: refuse otherwise."""
    written = [name for name in NOTE_FIELDS if name in fields]
    if written and not may_read_notes(session, student_id=student_id, school_id=school_id):
        raise PermissionDenied(
            f"a {session.actor.role} may not write conference notes ({', '.join(written)}): "
            "writing a field needs the permission to read it"
        )


def _reaches(actor: Actor, school_id: str, teacher_id: str | None) -> bool:
    """Whether this student (by school and teacher) is within the actor's reach."""
    role = actor.role
    if role in _STUDENT_BOUND_ROLES:
        return teacher_id is not None and teacher_id == actor.staff_id
    if role in _SCHOOL_BOUND_ROLES:
        return school_id == actor.school_id
    return True


def visible_scope(session: Session) -> Scope:
    """The students this actor may see; every listing, export, report and check narrows to it."""
    actor = session.actor
    if actor.role in _STUDENT_BOUND_ROLES:
        return Scope(teacher_id=actor.staff_id)
    if actor.role in _SCHOOL_BOUND_ROLES:
        return Scope(school_ids=frozenset({actor.school_id} if actor.school_id else ()))
    if actor.role in ("it", "superintendent"):
        return Scope()
    return Scope(school_ids=frozenset())  # an unknown role sees nobody


def within(session: Session, **filters: str | None) -> Scope:
    """The user's own filters (school_id, student_id, teacher_id) inside what they may see.

    A filter that contradicts the role's reach (a teacher asking for another teacher's
    class) gives a scope that matches nobody rather than widening it.
    """
    role = visible_scope(session)
    wanted = {k: v for k, v in filters.items() if v is not None}
    if role.teacher_id is not None and wanted.get("teacher_id", role.teacher_id) != role.teacher_id:
        return Scope(school_ids=frozenset())
    return Scope(
        school_id=wanted.get("school_id"),
        student_id=wanted.get("student_id"),
        teacher_id=role.teacher_id or wanted.get("teacher_id"),
        school_ids=role.school_ids,
    )


def may_read_notes(
    session: Session, student_id: str | None = None, school_id: str | None = None
) -> bool:
    """Whether conference notes may be shown to this actor (for this student)."""
    try:
        check(session, "conference.notes.read", student_id=student_id, school_id=school_id)
    except PermissionDenied:
        return False
    return True


def redact_notes(session: Session, row: Mapping[str, Any]) -> dict[str, Any]:
    """A conference row with problem/solutions/plan/support/notes blanked for those who may not.

    Uses the row's `student_id` when present; the keys stay (as None) so tables keep columns.
    """
    out = dict(row)
    if not may_read_notes(session, student_id=out.get("student_id")):
        for name in NOTE_FIELDS:
            if name in out:
                out[name] = None
    return out
