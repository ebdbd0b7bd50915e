"""Sections (classes) and who is enrolled in them: whom a family meets on a conference day."""

from __future__ import annotations

from collections.abc import Sequence

from polterm.errors import PoltermError
from polterm.services.refs import require, require_free, require_text
from polterm.services.session import Session


def add_section(
    session: Session,
    id: str,
    school_id: str,
    title: str,
    teacher_ids: Sequence[str] = (),
    homeroom: bool = False,
) -> str:
    """Record a section of a school; its first teacher is the teacher of record."""
    session.authorize("district.admin", school_id=school_id)
    title = require_text(title, "--title")
    with session.transaction():
        require(session, "school", school_id)
        require_free(session, "section", id)
        session.insert(
            "section",
            {"id": id, "school_id": school_id, "title": title, "homeroom": int(homeroom)},
        )
        for n, staff_id in enumerate(dict.fromkeys(teacher_ids)):
            staff = require(session, "staff", staff_id)
            if staff["school_id"] not in (None, school_id):
                raise PoltermError(
                    f"--teacher {staff_id!r} works at school {staff['school_id']!r}, "
                    f"not {school_id!r}"
                )
            session.insert(
                "section_teacher",
                {"section_id": id, "staff_id": staff_id, "is_primary": int(n == 0)},
            )
    return id


def enroll(session: Session, section_id: str, student_id: str) -> None:
    """Enroll a student of the section's school in it."""
    with session.transaction():
        school_id = require(session, "section", section_id)["school_id"]
        student = require(session, "student", student_id)
        session.authorize("district.admin", school_id=school_id)
        if student["school_id"] != school_id:
            raise PoltermError(
                f"--student {student_id!r} is at school {student['school_id']!r}, "
                f"not the section's school {school_id!r}"
            )
        if session.db.execute(
            "SELECT 1 FROM enrollment WHERE section_id = ? AND student_id = ?",
            [section_id, student_id],
        ).fetchone():
            raise PoltermError(f"--student {student_id!r} is already in section {section_id!r}")
        session.insert(
            "enrollment",
            {"section_id": section_id, "student_id": student_id},
            student_id=student_id,
        )
