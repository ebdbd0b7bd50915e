"""Family preferences for an event from a CSV file: the office's phone notes, in bulk.

A header row names the columns, in any order (BOM and CRLF are fine, unknown columns ignored):
- `student_id` or `household` (one of the two on each row): a student, or every child of a
  household at the event's schools;
- `prefer`: `early`, `late` or a day of the event (`YYYY-MM-DD`), as `event request --prefer`;
- `modality`: `in-person`, `phone` or `video`, one the event offers;
- `double`: `yes` for a double-length meeting, `no` or blank for a single one.
A blank `prefer` or `modality` means no preference. A preference belongs to a student, so a
household's row sets it for each of its children (and so for their other household too).

Every row is checked before anything is written; one bad row refuses the whole file with
`file:line: what is wrong`. The preferences go onto each student's general request of the
event (the one naming no teacher: updated, or added), in one audited transaction.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from polterm.errors import PoltermError
from polterm.services.events import MODALITIES, PREFERENCES, event_schools
from polterm.services.families import HOUSEHOLD
from polterm.services.refs import require
from polterm.services.session import Session
from polterm.services.validate import SHOWN_UP_TO, parse_date, printable_row

KEYS = ("student_id", "household")
COLUMNS = (*KEYS, "prefer", "modality", "double")
DOUBLE = {"": False, "no": False, "yes": True}


class RowError(PoltermError):
    """A bad row: `file:line: what is wrong`."""


@dataclass(frozen=True)
class Preference:
    """What one row asks for one student."""

    line: int
    student_id: str
    prefer: str | None
    modality: str | None
    double: bool


def _shown(value: str) -> str:
    """A bad value as an error repeats it: quoted, or only its length when it is long."""
    return repr(value) if len(value) <= SHOWN_UP_TO else f"of {len(value):,} characters"


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, the known columns stripped) per row; a control character refuses the file."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            printable_row(header, header, f"{path}:1")
            if not set(KEYS) & set(header):
                raise RowError(f"{path}:1: the header names neither student_id nor household")
            at = {column: i for i, column in enumerate(header) if column in COLUMNS}
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                values = {c: row[i].strip() if i < len(row) else "" for c, i in at.items()}
                printable_row(values.values(), values.keys(), f"{path}:{reader.line_num}")
                yield reader.line_num, values
    except UnicodeDecodeError as error:
        where = f"{error.reason} at byte {error.start}"
        raise PoltermError(f"{path}: not UTF-8 text ({where})") from None
    except csv.Error as error:
        raise PoltermError(f"{path}: not a CSV file ({error})") from None
    except OSError as error:
        raise PoltermError(f"{path}: cannot be read ({error.strerror})") from None


def read_preferences(session: Session, event: dict[str, Any], path: Path) -> list[Preference]:
    """Every row checked against the event and the actor's reach, or the first bad one refused."""
    days = {d for (d,) in session.db.execute(
        "SELECT day FROM event_day WHERE event_id = ?", [event["id"]])}  # fmt: skip
    schools = event_schools(session, event["id"])
    offered = event["modalities"].split(",")
    out: list[Preference] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(path):
        where = f"{path}:{line}"
        try:
            students = _students(session, row, schools)
            prefer = _prefer(row.get("prefer", ""), days)
            modality = row.get("modality", "") or None
            if modality is not None and modality not in offered:
                known = "offered by the event" if modality in MODALITIES else "a modality"
                raise PoltermError(
                    f"modality {_shown(modality)} is not {known} (the event offers: "
                    f"{', '.join(offered)})"
                )
            double = row.get("double", "").lower()
            if double not in DOUBLE:
                raise PoltermError(f"double {_shown(row['double'])} is not yes, no or blank")
        except PoltermError as error:
            raise RowError(f"{where}: {error.message}") from error
        for student_id in students:
            if student_id in seen:
                raise RowError(
                    f"{where}: student {student_id!r} already has preferences on line "
                    f"{seen[student_id]}"
                )
            seen[student_id] = line
            out.append(Preference(line, student_id, prefer, modality, DOUBLE[double]))
    return out


def _students(session: Session, row: dict[str, str], schools: list[str]) -> list[str]:
    """The students a row is about: its student, or its household's children at the event."""
    student_id, household = row.get("student_id", ""), row.get("household", "")
    if bool(student_id) == bool(household):
        raise PoltermError("give either student_id or household")
    if student_id:
        found = session.db.execute(
            "SELECT school_id FROM student WHERE id = ? AND active", [student_id]
        ).fetchone()
        if found is None:
            raise PoltermError(f"student_id {_shown(student_id)} is not an active student")
        if found[0] not in schools:
            raise PoltermError(
                f"student {student_id!r} is at school {found[0]!r}, which the event does not cover"
            )
        children = [student_id]
    else:
        marks = ",".join("?" * len(schools))
        children = [
            s
            for (s,) in session.db.execute(
                "SELECT DISTINCT t.id FROM guardian g JOIN guardianship s "
                "ON s.guardian_id = g.id JOIN student t ON t.id = s.student_id "
                f"WHERE {HOUSEHOLD} = ? AND t.active AND t.school_id IN ({marks}) ORDER BY t.id",
                [household, *schools],
            )
        ]
        if not children:
            raise PoltermError(f"household {_shown(household)} has no child at the event's schools")
    for child in children:
        session.authorize("request.write", student_id=child)
    return children


def _prefer(value: str, days: set[str]) -> str | None:
    """early, late, a day of the event, or None for blank."""
    if not value or value in PREFERENCES:
        return value or None
    if value.lower() in PREFERENCES:
        return value.lower()
    try:
        day = parse_date(value, "prefer").isoformat()
    except PoltermError:
        raise PoltermError(
            f"prefer {_shown(value)} is not early, late or a day (YYYY-MM-DD)"
        ) from None
    if day not in days:
        raise PoltermError(f"prefer {day} is not a day of the event ({', '.join(sorted(days))})")
    return day


def import_preferences(
    session: Session, event_id: str, path: Path, *, dry_run: bool = False
) -> dict[str, Any]:
    """Check the whole file, then record each student's preferences (unless `dry_run`)."""
    event = require(session, "event", event_id)
    session.authorize("conference.read")
    added = updated = 0
    with session.transaction():  # what is checked is what is written
        preferences = read_preferences(session, event, path)
        for p in preferences:
            values = {"prefer": p.prefer, "modality": p.modality, "double": int(p.double)}
            ids = [
                i
                for (i,) in session.db.execute(
                    "SELECT id FROM event_request WHERE event_id = ? AND student_id = ? "
                    "AND staff_id IS NULL ORDER BY id",
                    [event_id, p.student_id],
                )
            ]
            updated += len(ids)
            added += not ids
            if dry_run:
                continue
            for request_id in ids:
                session.update("event_request", request_id, values, student_id=p.student_id)
            if not ids:
                row = {"event_id": event_id, "student_id": p.student_id, **values}
                session.insert("event_request", row, student_id=p.student_id)
    return {
        "event": event_id,
        "file": str(path),
        "students": len(preferences),
        "requests_added": added,
        "requests_updated": updated,
        "dry_run": dry_run,
    }
