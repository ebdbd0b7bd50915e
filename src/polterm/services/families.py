"""Families as conference days invite them: households of guardians and the children they share.

A household is the guardians sharing `guardian.household` (a guardian without one is a
household alone); separated parents are two households, each invited on its own. Office
staff move a guardian to another household when the data has it wrong.
"""

from __future__ import annotations

from typing import Any

from polterm.services import authz
from polterm.services.refs import require, require_text
from polterm.services.session import Session

HOUSEHOLD = "coalesce(g.household, 'guardian:' || g.id)"


def list_families(
    session: Session, student_id: str | None = None, school_id: str | None = None
) -> list[dict[str, Any]]:
    """Each household with its guardians and the students they are guardians of."""
    session.authorize("contact.read", student_id=student_id, school_id=school_id)
    scope = authz.within(session, student_id=student_id, school_id=school_id)
    visible, params = scope.sql("t")
    rows = session.db.execute(
        f"SELECT {HOUSEHOLD}, g.id, g.name, t.id FROM guardian g "
        "JOIN guardianship s ON s.guardian_id = g.id JOIN student t ON t.id = s.student_id "
        f"WHERE {visible} ORDER BY 1, g.id, t.id",
        params,
    )
    families: dict[str, dict[str, Any]] = {}
    for household, guardian_id, name, student in rows:
        family = families.setdefault(
            household, {"household": household, "guardians": [], "students": []}
        )
        if (guardian_id, name) not in family["guardians"]:
            family["guardians"].append((guardian_id, name))
        if student not in family["students"]:
            family["students"].append(student)
    return [
        {**f, "guardians": [f"{name} ({gid})" for gid, name in f["guardians"]]}
        for f in families.values()
    ]


def authorize_guardian_write(session: Session, guardian_id: str) -> list[str]:
    """A guardian's record is changed by whoever may change each of their students' contacts;
    one linked to no student, by IT alone. Gives the students, first for the audit row."""
    students = [
        s
        for (s,) in session.db.execute(
            "SELECT student_id FROM guardianship WHERE guardian_id = ? ORDER BY student_id",
            [guardian_id],
        )
    ]
    for student_id in students:
        session.authorize("contact.write", student_id=student_id)
    if not students:
        session.authorize("district.admin")
    return students


def set_household(session: Session, guardian_id: str, household: str) -> dict[str, Any]:
    """Move a guardian to a household (a new one, or the one another guardian is in)."""
    household = require_text(household, "--household")
    with session.transaction():
        guardian = require(session, "guardian", guardian_id)
        students = authorize_guardian_write(session, guardian_id)
        session.update(
            "guardian",
            guardian["id"],
            {"household": household},
            student_id=students[0] if students else None,
        )
    return {"guardian": guardian_id, "household": household, "students": students}
