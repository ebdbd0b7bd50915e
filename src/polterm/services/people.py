"""The people of a district: staff, students, their guardians and emergency contacts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from polterm.errors import PoltermError
from polterm.services import authz
from polterm.services.refs import may, optional_text, require, require_free, require_text
from polterm.services.session import Session
from polterm.services.validate import choice, parse_date

ROLES = ("teacher", "principal", "designee", "office", "it", "superintendent")
GRADES = ("K", *(str(n) for n in range(1, 13)))
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"[0-9+()\-. x]{3,}")


def add_staff(
    session: Session,
    id: str,
    name: str,
    role: str,
    school_id: str | None = None,
    username: str | None = None,
) -> str:
    """Record a staff member; `username` is their OS account, so they can log in to polterm."""
    session.authorize("district.admin", school_id=school_id)
    row = {
        "id": id,
        "name": require_text(name, "--name"),
        "role": choice(role, ROLES, "--role"),
        "school_id": school_id,
        "username": optional_text(username),
    }
    with session.transaction():
        require_free(session, "staff", id)
        if school_id is not None:
            require(session, "school", school_id)
        if (
            row["username"]
            and session.db.execute(
                "SELECT 1 FROM staff WHERE username = ?", [row["username"]]
            ).fetchone()
        ):
            raise PoltermError(f"--username {row['username']!r} belongs to another staff member")
        return session.insert("staff", row)


def list_staff(
    session: Session, school_id: str | None = None, role: str | None = None
) -> list[dict[str, Any]]:
    """Staff members with their OS usernames, by name; filtered by school and role when given.

    For principals and designees (their school's staff) and IT (everyone) only: the usernames
    are the accounts one would attack.
    """
    session.authorize("staff.read", school_id=school_id)
    if session.actor.role != "it":
        school_id = session.actor.school_id
    clauses, params = equal_clauses({"school_id": school_id, "role": role})
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return list(
        session.db.query(
            f"SELECT id, name, role, school_id, username, active FROM staff {where} "
            "ORDER BY name, id",
            params,
        )
    )


def parse_grade(value: str) -> str:
    """K, 1 .. 12 (also `k` and `01`)."""
    grade = value.strip().upper()
    if grade.isdigit():
        grade = str(int(grade))
    if grade not in GRADES:
        raise PoltermError(f"--grade {value!r} is not one of: K, 1 .. 12")
    return grade


def add_student(
    session: Session,
    id: str,
    given: str,
    family: str,
    grade: str,
    school_id: str,
    teacher_id: str | None = None,
) -> str:
    """Enrol a student at a school, with their teacher of record if known."""
    session.authorize("student.write", school_id=school_id)
    row = {
        "id": id,
        "given": require_text(given, "--given"),
        "family": require_text(family, "--family"),
        "grade": parse_grade(grade),
        "school_id": school_id,
        "teacher_id": teacher_id,
    }
    with session.transaction():
        require_free(session, "student", id)
        require(session, "school", school_id)
        if teacher_id is not None:
            require(session, "staff", teacher_id)
        return session.insert("student", row, student_id=id)


def list_students(
    session: Session,
    school_id: str | None = None,
    grade: str | None = None,
    teacher_id: str | None = None,
    search: str | None = None,
    include_inactive: bool = False,
) -> list[dict[str, Any]]:
    """Students by family and given name; `search` matches a name part or the id."""
    session.authorize("student.read", school_id=school_id)
    clauses, params = equal_clauses(
        {
            "s.school_id": school_id,
            "s.grade": parse_grade(grade) if grade is not None else None,
            "s.teacher_id": teacher_id,
        }
    )
    if not include_inactive:
        clauses.append("s.active = 1")
    visible, visible_params = authz.visible_scope(session).sql("s")
    clauses.append(visible)
    params += visible_params
    if search:
        clauses.append(
            "(s.given LIKE ? OR s.family LIKE ? OR (s.given || ' ' || s.family) LIKE ? OR s.id = ?)"
        )
        pattern = f"%{search.strip()}%"
        params += [pattern, pattern, pattern, search.strip()]
    sql_where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return list(
        session.db.query(
            "SELECT s.id, s.given, s.family, s.grade, s.school_id, s.teacher_id, "
            f"t.name AS teacher, s.active FROM student s LEFT JOIN staff t ON t.id = s.teacher_id "
            f"{sql_where} ORDER BY s.family COLLATE NOCASE, s.given COLLATE NOCASE, s.id",
            params,
        )
    )


def show_student(session: Session, id: str) -> dict[str, Any]:
    """A student's record: guardians, emergency contact and conferences.

    Phone numbers and e-mail addresses appear only to those allowed to read contacts.
    """
    student = require(session, "student", id)
    session.authorize("student.read", student_id=id, school_id=student["school_id"])
    see_contacts = may(session, "contact.read", student_id=id, school_id=student["school_id"])
    guardians = list(
        session.db.query(
            "SELECT g.* FROM guardian g JOIN guardianship gs ON gs.guardian_id = g.id "
            "WHERE gs.student_id = ? ORDER BY g.name, g.id",
            [id],
        )
    )
    contacts = list(
        session.db.query(
            "SELECT name, phone, set_on, requested_on FROM emergency_contact WHERE student_id = ?",
            [id],
        )
    )
    emergency = contacts[0] if contacts else None
    if not see_contacts:
        guardians = [{k: v for k, v in g.items() if k not in ("phone", "email")} for g in guardians]
        emergency = emergency and {k: v for k, v in emergency.items() if k != "phone"}
    conferences = list(
        session.db.query(
            "SELECT id, kind, status, at, modality FROM conference WHERE student_id = ? "
            "ORDER BY at, id",
            [id],
        )
    )
    return {
        **student,
        "active": bool(student["active"]),
        "guardians": [{**g, "interpreter": bool(g["interpreter"])} for g in guardians],
        "emergency_contact": emergency,
        "conferences": conferences,
    }


def add_guardian(
    session: Session,
    id: str,
    student_ids: list[str],
    name: str,
    phone: str | None = None,
    email: str | None = None,
    language: str = "en",
    interpreter: bool = False,
    household: str | None = None,
) -> str:
    """Record a guardian of one or more students; contact details are checked, never echoed."""
    if not student_ids:
        raise PoltermError("--student: a guardian needs at least one student")
    row = {
        "id": id,
        "name": require_text(name, "--name"),
        "phone": _phone(phone),
        "email": _email(email),
        "language": _language(language),
        "interpreter": int(interpreter),
        "household": optional_text(household),
    }
    with session.transaction():
        students = [require(session, "student", s) for s in dict.fromkeys(student_ids)]
        for student in students:
            session.authorize(
                "contact.write", student_id=student["id"], school_id=student["school_id"]
            )
        require_free(session, "guardian", id)
        session.insert("guardian", row, student_id=students[0]["id"])
        for student in students:
            session.insert(
                "guardianship",
                {"student_id": student["id"], "guardian_id": id},
                student_id=student["id"],
            )
    return id


def set_emergency_contact(
    session: Session, student_id: str, name: str, phone: str, on: date | None = None
) -> None:
    """Put a student's emergency contact on file (replacing the one there)."""
    row = {
        "name": require_text(name, "--name"),
        "phone": _phone(require_text(phone, "--phone")),
        "set_on": (on or date.today()).isoformat(),
    }
    _write_emergency_contact(session, student_id, row)


def emergency_contact_requested(session: Session, student_id: str, on: str) -> None:
    """Record the day the parent was asked for an emergency contact."""
    _write_emergency_contact(
        session, student_id, {"requested_on": parse_date(on, "--on").isoformat()}
    )


def _write_emergency_contact(session: Session, student_id: str, values: dict[str, Any]) -> None:
    with session.transaction():
        student = require(session, "student", student_id)
        session.authorize("contact.write", student_id=student_id, school_id=student["school_id"])
        exists = session.db.execute(
            "SELECT 1 FROM emergency_contact WHERE student_id = ?", [student_id]
        ).fetchone()
        if exists:
            session.update("emergency_contact", student_id, values, student_id=student_id)
        else:
            session.insert(
                "emergency_contact", {"student_id": student_id, **values}, student_id=student_id
            )


def _phone(value: str | None) -> str | None:
    value = optional_text(value)
    if value is not None and not (_PHONE.fullmatch(value) and any(c.isdigit() for c in value)):
        raise PoltermError("--phone is not a phone number (digits, spaces, + - . ( ) only)")
    return value


def _email(value: str | None) -> str | None:
    value = optional_text(value)
    if value is not None and not _EMAIL.fullmatch(value):
        raise PoltermError("--email is not an e-mail address (name@domain)")
    return value


def _language(value: str) -> str:
    code = value.strip()
    if not _LANGUAGE.fullmatch(code):
        raise PoltermError(f"--language {value!r} is not a language code such as en, es, pt-BR")
    return code


def equal_clauses(equal: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """`column = ?` clauses for the filters that were given (not None), and their values."""
    given = {column: value for column, value in equal.items() if value is not None}
    return [f"{c} = ?" for c in given], list(given.values())
