"""An independent checker of an event's hard constraints over the conferences written.

A plain reading of the tables (conference, its staff and attendees, event_meeting and the
event's settings), sharing no code with the planner or its model.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import defaultdict
from datetime import datetime, timedelta


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def violations(conn: sqlite3.Connection, event_id: str) -> list[str]:
    """Every hard constraint a written plan breaks, as readable lines (empty: none)."""
    q = conn.execute
    event = dict(
        zip(
            [d[0] for d in q("SELECT * FROM event").description],
            q("SELECT * FROM event WHERE id = ?", [event_id]).fetchone(),
            strict=True,
        )
    )
    days = {d: (_minutes(a), _minutes(b)) for d, a, b in q(
        "SELECT day, start, end FROM event_day WHERE event_id = ?", [event_id])}  # fmt: skip
    breaks = [(_minutes(a), _minutes(b)) for a, b in q(
        "SELECT start, end FROM event_break WHERE event_id = ?", [event_id])]  # fmt: skip
    level = dict(q("SELECT id, level FROM school"))
    rows = q(
        "SELECT c.id, c.at, c.duration_minutes, c.student_id, t.school_id, m.household, "
        "m.staff_id, m.interpreter_id, c.modality, c.remote_offered "
        "FROM event_meeting m JOIN conference c ON c.id = m.conference_id "
        "JOIN student t ON t.id = c.student_id WHERE m.event_id = ? AND c.status = 'scheduled'",
        [event_id],
    ).fetchall()
    out: list[str] = []

    def span(at: str, minutes: int) -> tuple[datetime, datetime]:
        start = datetime.fromisoformat(at)
        return start, start + timedelta(minutes=minutes)

    per_teacher_day: dict[tuple[str, str], int] = defaultdict(int)
    teacher_spans: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    household_days: dict[tuple[str, str], set[str]] = defaultdict(set)
    pairs: dict[tuple[str, str, str], int] = defaultdict(int)
    per_family: dict[str, int] = defaultdict(int)
    per_child: dict[tuple[str, str], int] = defaultdict(int)
    family_spans: dict[str, list[tuple[datetime, datetime, str, int]]] = defaultdict(list)
    interpreter_spans: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for cid, at, length, student, school, household, staff, interp, modality, remote in rows:
        day, clock = at[:10], _minutes(at[11:16])
        slot = event["slot_minutes"] or (20 if level[school] == "elementary" else 10)
        if day not in days:
            out.append(f"conference {cid}: {day} is not an event day")
            continue
        open_, close = days[day]
        if clock < open_ or clock + length > close or (clock - open_) % slot:
            out.append(f"conference {cid}: {at} is not a slot within the day's hours")
        if length not in (slot, 2 * slot):
            out.append(f"conference {cid}: {length} minutes is not one or two slots")
        if any(a < clock + length and clock < b for a, b in breaks):
            out.append(f"conference {cid}: meets a break")
        for who, a, b in q(
            "SELECT staff_id, start, end FROM event_unavailable WHERE event_id = ? AND day = ?",
            [event_id, day],
        ):
            if who == staff and _minutes(a) < clock + length and clock < _minutes(b):
                out.append(f"conference {cid}: teacher {staff} is unavailable then")
        if not remote and modality == "in-person":
            out.append(f"conference {cid}: no remote option offered")
        per_teacher_day[(staff, day)] += 1
        household_days[(household, school)].add(day)
        pairs[(household, student, staff)] += 1
        per_family[household] += 1
        per_child[(household, student)] += 1
        start, end = span(at, length)
        family_spans[household].append((start, end, school, cid))
        teacher_spans[staff].append((start, end, slot))
        needs = q(
            "SELECT g.language FROM conference_attendee a JOIN guardian g ON g.id = a.guardian_id "
            "WHERE a.conference_id = ? AND g.interpreter",
            [cid],
        ).fetchall()
        if needs:
            row = q("SELECT language FROM interpreter WHERE id = ?", [interp]).fetchone()
            if row is None or row[0] not in {n for (n,) in needs}:
                out.append(f"conference {cid}: no interpreter for {needs[0][0]}")
            elif not any(
                _minutes(a) <= clock and clock + length <= _minutes(b)
                for a, b in q(
                    "SELECT start, end FROM interpreter_available WHERE interpreter_id = ? "
                    "AND event_id = ? AND day = ?",
                    [interp, event_id, day],
                )
            ):
                out.append(f"conference {cid}: interpreter {interp} is not available then")
            else:
                interpreter_spans[interp].append((start, end, cid))
    for (staff, day), n in per_teacher_day.items():
        if event["teacher_cap"] and n > event["teacher_cap"]:
            out.append(f"teacher {staff} has {n} meetings on {day}, over the cap")
    if event["one_day"]:
        for (household, school), ds in household_days.items():
            if len(ds) > 1:
                out.append(f"household {household} comes to {school} on {len(ds)} days")
    out += [f"{key} meets more than once" for key, n in pairs.items() if n > 1]
    for household, n in per_family.items():
        if event["max_per_family"] and n > event["max_per_family"]:
            out.append(f"household {household} has {n} meetings, over the maximum")
    for child, n in per_child.items():
        if event["max_per_child"] and n > event["max_per_child"]:
            out.append(f"{child} has {n} meetings, over the maximum")
    for household, spans in family_spans.items():
        spans.sort()
        for (_, end, school, a), (start, _, school2, b) in itertools.pairwise(spans):
            apart = event["family_gap_minutes"] if school == school2 else max(
                event["travel_minutes"], event["family_gap_minutes"])  # fmt: skip
            if start < end + timedelta(minutes=apart):
                out.append(f"household {household}: conferences {a} and {b} too close")
    for interp, spans in interpreter_spans.items():
        spans.sort()
        for (_, end, a), (start, _, b) in itertools.pairwise(spans):
            if start < end:
                out.append(f"interpreter {interp}: conferences {a} and {b} overlap")
    if event["max_consecutive"]:
        for staff, spans in teacher_spans.items():
            spans.sort()
            run = 0
            for i, (start, end, slot) in enumerate(spans):
                joined = i and spans[i - 1][1] == start
                run = (run if joined else 0) + (end - start) // timedelta(minutes=slot)
                if run > event["max_consecutive"]:
                    out.append(f"teacher {staff}: {run} meetings in a row at {start}")
    out += _people_overlaps(conn)
    return out


def _people_overlaps(conn: sqlite3.Connection) -> list[str]:
    """No teacher, guardian or student is in two live conferences at once (any conference)."""
    out = []
    for label, sql in (
        ("teacher", "SELECT s.staff_id, c.id, c.at, c.duration_minutes FROM conference_staff s "
                    "JOIN conference c ON c.id = s.conference_id"),
        ("guardian", "SELECT a.guardian_id, c.id, c.at, c.duration_minutes "
                     "FROM conference_attendee a JOIN conference c ON c.id = a.conference_id "
                     "WHERE a.guardian_id IS NOT NULL"),
        ("student", "SELECT c.student_id, c.id, c.at, c.duration_minutes FROM conference c"),
    ):  # fmt: skip
        spans: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
        for who, cid, at, length in conn.execute(
            f"SELECT * FROM ({sql}) WHERE id IN "
            "(SELECT id FROM conference WHERE status != 'cancelled')"
        ):
            start = datetime.fromisoformat(at)
            spans[who].append((start, start + timedelta(minutes=length), cid))
        for who, items in spans.items():
            items.sort()
            for (_, end, a), (start, _, b) in itertools.pairwise(items):
                if start < end:
                    out.append(f"{label} {who}: conferences {a} and {b} overlap")
    return out
