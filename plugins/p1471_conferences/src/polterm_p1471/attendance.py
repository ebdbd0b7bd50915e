"""Who takes part in a conference: one query serves saved conferences and a form's draft.

The rules read the `conference`, `conference_staff` and `conference_attendee` tables; a
draft is presented to the very same SQL as three one-conference tables in a WITH clause,
so "how many people" and "is this attendee another patron of the school" exist once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from polterm.policy import ConferenceDraft
from polterm_p1471.query import rows

SCOPES = ("parent-principal", "all")


@dataclass(frozen=True)
class Source:
    """The tables conferences, their staff and their attendees are read from."""

    conference: str = "conference"
    staff: str = "conference_staff"
    attendee: str = "conference_attendee"
    prefix: str = ""
    params: dict[str, Any] = field(default_factory=dict)


SAVED = Source()


def draft_source(draft: ConferenceDraft) -> Source:
    """The draft as three tables of one conference; its id is null until it is saved."""
    params: dict[str, Any] = {
        "d_id": draft.id,
        "d_student": draft.student_id,
        "d_kind": draft.kind,
        "d_at": draft.at,
        "d_status": draft.status,
        "d_initiated_by": draft.initiated_by,
        "d_approved": int(draft.principal_approved),
    }
    staff = list(dict.fromkeys(draft.staff_ids))
    params.update({f"d_staff{i}": staff_id for i, staff_id in enumerate(staff)})
    for i, attendee in enumerate(draft.attendees):
        params[f"d_name{i}"] = attendee.name
        params[f"d_guardian{i}"] = attendee.guardian_id
    staff_rows = _values(f"(:d_id, :d_staff{i})" for i in range(len(staff)))
    attendee_rows = _values(
        f"(:d_id, :d_name{i}, :d_guardian{i})" for i in range(len(draft.attendees))
    )
    prefix = (
        "WITH draft_conference(id, student_id, kind, at, status, initiated_by, "
        "principal_approved) AS (VALUES (:d_id, :d_student, :d_kind, :d_at, :d_status, "
        ":d_initiated_by, :d_approved)), "
        f"draft_staff(conference_id, staff_id) AS ({staff_rows or 'SELECT NULL, NULL WHERE 0'}), "
        "draft_attendee(conference_id, name, guardian_id) AS "
        f"({attendee_rows or 'SELECT NULL, NULL, NULL WHERE 0'}) "
    )
    return Source("draft_conference", "draft_staff", "draft_attendee", prefix, params)


def _values(items: Iterator[str]) -> str:
    listed = ", ".join(items)
    return f"VALUES {listed}" if listed else ""


def in_scope_sql(scope: str) -> str:
    """Conferences item 3 speaks of (or all of them), scheduled or held as of the date.

    A conference dated after the as-of date exists only as scheduled, whatever status it
    has since been given; one dated on or before it counts unless cancelled or a no-show.
    """
    if scope not in SCOPES:
        raise ValueError(f"setting scope is {scope!r}, not one of {', '.join(SCOPES)}")
    kind = "1" if scope == "all" else "c.kind = 'parent-principal' AND c.initiated_by = 'parent'"
    return f"{kind} AND (c.status IN ('scheduled', 'held') OR c.at >= :after)"


def oversized(
    db: Database,
    source: Source,
    scope: str,
    max_attendees: int,
    after: str,
    where: str,
    params: dict[str, Any],
) -> list[dict[str, Any]]:
    """Conferences in scope whose staff present plus other attendees exceed the maximum."""
    sql = f"""{source.prefix}
        SELECT * FROM (
            SELECT c.id AS conference_id, c.student_id, s.school_id,
                (SELECT COUNT(*) FROM {source.staff} cs WHERE cs.conference_id IS c.id) AS staff,
                (SELECT COUNT(*) FROM {source.attendee} ca WHERE ca.conference_id IS c.id)
                    AS others
            FROM {source.conference} c JOIN student s ON s.id = c.student_id
            WHERE {in_scope_sql(scope)} AND {where}
        ) WHERE staff + others > :max_attendees"""
    named = {**source.params, **params, "after": after, "max_attendees": max_attendees}
    return list(rows(db, sql, named))


def other_patrons(
    db: Database, source: Source, scope: str, after: str, where: str, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Attendees who are a guardian of another student of the same school but not of this one.

    A guardian of this student who also has the student's sibling at the school is this
    family, not another patron; a guardian of a student at another school is no patron of
    this one. The principal's recorded approval lifts the exclusion.
    """
    sql = f"""{source.prefix}
        SELECT c.id AS conference_id, c.student_id, s.school_id, a.name, a.guardian_id
        FROM {source.conference} c
        JOIN student s ON s.id = c.student_id
        JOIN {source.attendee} a ON a.conference_id IS c.id
        WHERE {in_scope_sql(scope)} AND NOT c.principal_approved AND {where}
          AND a.guardian_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM guardianship mine
                          WHERE mine.guardian_id = a.guardian_id
                            AND mine.student_id = c.student_id)
          AND EXISTS (SELECT 1 FROM guardianship theirs
                      JOIN student other ON other.id = theirs.student_id
                      WHERE theirs.guardian_id = a.guardian_id
                        AND other.school_id = s.school_id AND other.id <> c.student_id)"""
    named = {**source.params, **params, "after": after}
    return list(rows(db, sql, named))
