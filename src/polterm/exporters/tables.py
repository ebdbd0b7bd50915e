"""Rows of students, conferences and findings for the superintendent's spreadsheet.

Every export narrows to what the acting person may see (`authz.within`); guardians'
phone and email appear only with `with_contacts`, which needs `contact.read`. A cell that
holds a list (guardians, staff) puts one item per line: ids and names hold no control
characters, so a comma or semicolon inside an id cannot split it; JSON gives real lists.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from polterm.display import csv_cell, json_escaped
from polterm.engine import evaluate
from polterm.services import authz
from polterm.services.session import Session

STUDENT_COLUMNS = ["id", "given", "family", "grade", "school_id", "teacher_id", "active",
                   "guardians"]  # fmt: skip
CONTACT_COLUMNS = ["guardian_contacts"]
CONFERENCE_COLUMNS = ["id", "student_id", "school_id", "kind", "status", "at",
                      "duration_minutes", "modality", "initiated_by", "staff"]  # fmt: skip
LIST_COLUMNS = {"guardians", "guardian_contacts", "staff"}
SEPARATOR = "\n"  # SQL: char(10)
FINDING_COLUMNS = ["policy", "rule", "status", "student_id", "conference_id", "school_id",
                   "due", "message", "citation"]  # fmt: skip


def students(
    session: Session, school_id: str | None, *, with_contacts: bool = False
) -> Iterator[dict[str, Any]]:
    """Students in scope with their guardians' names (and contacts when asked and allowed)."""
    session.authorize("student.read", school_id=school_id)
    if with_contacts:
        session.authorize("contact.read", school_id=school_id)
    where, params = authz.within(session, school_id=school_id).sql("student")
    for row in session.db.execute(
        "SELECT student.id, given, family, grade, school_id, teacher_id, active,"
        " (SELECT group_concat(g.name, char(10)) FROM guardianship gs JOIN guardian g"
        "  ON g.id = gs.guardian_id WHERE gs.student_id = student.id),"
        " (SELECT group_concat(g.name || ' <' || coalesce(g.email, '') || '> '"
        "  || coalesce(g.phone, ''), char(10)) FROM guardianship gs JOIN guardian g"
        "  ON g.id = gs.guardian_id WHERE gs.student_id = student.id)"
        f" FROM student WHERE {where} ORDER BY student.id",
        params,
    ):
        out = dict(zip(STUDENT_COLUMNS, row[:-1], strict=True))
        if with_contacts:
            out["guardian_contacts"] = row[-1]
        yield out


def conferences(session: Session, school_id: str | None) -> Iterator[dict[str, Any]]:
    """Conferences of the students in scope; no notes (they need `conference.notes.read`)."""
    session.authorize("conference.read", school_id=school_id)
    where, params = authz.within(session, school_id=school_id).sql("student")
    for row in session.db.execute(
        "SELECT c.id, c.student_id, student.school_id, c.kind, c.status, c.at,"
        " c.duration_minutes, c.modality, c.initiated_by,"
        " (SELECT group_concat(staff_id, char(10)) FROM conference_staff"
        "  WHERE conference_id = c.id)"
        f" FROM conference c JOIN student ON student.id = c.student_id WHERE {where}"
        " ORDER BY c.at, c.id",
        params,
    ):
        yield dict(zip(CONFERENCE_COLUMNS, row, strict=True))


def findings(session: Session, school_id: str | None, as_of: date) -> Iterator[dict[str, Any]]:
    """What the active policies find as of a date, through the engine."""
    session.authorize("report.read", school_id=school_id)
    scope = authz.within(session, school_id=school_id)
    result = evaluate(session.db, session.registry, as_of, scope=scope)
    for finding in result.findings:
        yield finding.as_dict()


def write(
    rows: Iterator[dict[str, Any]],
    columns: list[str],
    fmt: str,
    out: IO[str],
    excel: bool = False,
    *,
    raw: bool = False,
    terminal: bool = False,
) -> int:
    """Stream rows as CSV (header first; a BOM for Excel) or as one JSON array; how many.

    CSV cells that a spreadsheet would run as a formula get a leading `'` unless `raw`; text
    for a `terminal` has its control characters written out."""
    count = 0
    if fmt == "csv":
        if excel:  # Excel reads a CSV file as the system's code page unless it starts so
            out.write("\ufeff")
        w = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
        w.writeheader()
        for row in rows:
            w.writerow({k: csv_cell(v, raw=raw, terminal=terminal) for k, v in row.items()})
            count += 1
        return count
    out.write("[")
    for row in rows:
        for key in LIST_COLUMNS & row.keys():
            row[key] = row[key].split(SEPARATOR) if row[key] else []
        text = json_escaped(json.dumps(row, ensure_ascii=False))
        out.write(("," if count else "") + "\n  " + text)
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
