"""Checks every service shares: ids that must exist or be free, text, who may see what."""

from __future__ import annotations

from typing import Any

from polterm.display import visible
from polterm.errors import FieldError, PermissionDenied, PoltermError
from polterm.services import authz
from polterm.services.session import Session
from polterm.services.validate import MAX_INT

# table -> how a person calls one of its records
NOUNS = {
    "school": "school",
    "staff": "staff member",
    "student": "student",
    "guardian": "guardian",
    "period": "period",
    "conference": "conference",
    "remote_period": "remote-learning period",
    "parent_request": "request",
    "section": "section",
    "event": "event",
    "interpreter": "interpreter",
}


# records about students: whether one exists is itself something only some may know
ABOUT_STUDENTS = frozenset({"student", "guardian", "conference", "parent_request"})


def require(session: Session, table: str, record_id: Any) -> dict[str, Any]:
    """The record with this id; a one-line error naming the id when there is none."""
    rows = list(session.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [record_id]))
    if not rows:
        raise PoltermError(_missing(table, record_id))
    return rows[0]


def reached(session: Session, table: str, record_id: Any, action: str) -> dict[str, Any]:
    """A record about one student that the actor may do `action` to; a missing record and one
    out of reach get the same refusal, which names neither the record's student nor whether
    it exists."""
    if not authz.role_may(session, action):
        session.authorize(action)  # the role's own refusal: says nothing about the record
    rows = list(session.db.query(f"SELECT * FROM [{table}] WHERE id = ?", [record_id]))
    row = rows[0] if rows else None
    student_id = None if row is None else row["id" if table == "student" else "student_id"]
    if row is None or not may(session, action, student_id=student_id):
        raise PermissionDenied(authz.unseen(NOUNS[table], record_id))
    return row


def require_filters(
    session: Session, action: str, *, school_id: str | None = None, student_id: str | None = None
) -> None:
    """A listing's --school and --student name records that exist and that the actor may see:
    a typo is an error (exit 2), not an empty result that passes a scheduled check."""
    if school_id is not None:
        require(session, "school", school_id)
        session.authorize(action, school_id=school_id)
    if student_id is not None:
        reached(session, "student", student_id, action)


def _missing(table: str, record_id: Any) -> str:
    if table in ABOUT_STUDENTS:
        return authz.unseen(NOUNS[table], record_id)
    return f"no {NOUNS[table]} with id {visible(str(record_id))!r}"


def require_free(session: Session, table: str, record_id: str) -> str:
    """A new record's id: not blank, no control characters (lists in exports split on a
    line break), and not taken."""
    if not record_id or not record_id.strip():
        raise PoltermError(f"{NOUNS[table]} id must not be empty")
    if not record_id.isprintable():
        raise PoltermError(f"{NOUNS[table]} id {record_id!r} holds a control character")
    if session.db.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [record_id]).fetchone():
        raise PoltermError(f"a {NOUNS[table]} with id {record_id!r} already exists")
    return record_id


def require_text(value: str | None, what: str) -> str:
    """A required free-text value that is not blank."""
    if value is None or not value.strip():
        raise FieldError(what, f"{what} must not be empty", "must not be empty")
    return value.strip()


def optional_text(value: str | None) -> str | None:
    """Free text where an empty string means "none"."""
    if value is None or not value.strip():
        return None
    return value.strip()


def actor_staff_id(session: Session) -> str | None:
    """The acting person's staff id when they have a staff record (not the system actor)."""
    staff_id = session.actor.staff_id
    found = session.db.execute("SELECT 1 FROM staff WHERE id = ?", [staff_id]).fetchone()
    return staff_id if found else None


def int_id(value: int | str, table: str) -> int:
    """Ids polterm numbers itself are integers; anything else names no record."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not -MAX_INT <= number <= MAX_INT:  # beyond what SQLite holds
        raise PoltermError(_missing(table, value))
    return number


def may(
    session: Session, action: str, *, student_id: str | None = None, school_id: str | None = None
) -> bool:
    """Whether the actor may do this: for showing less rather than refusing outright."""
    try:
        session.authorize(action, student_id=student_id, school_id=school_id)
    except PermissionDenied:
        return False
    return True
