"""The demo's conference days: sections and enrollments from the generated classes, and one
fall conference event for every school, with interpreters and a few unavailable teachers.

Written after the families, in bulk, from its own random stream (the rest of the demo is
the same with or without it).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date

from sqlite_utils import Database

from polterm.demo import names

EVENT = "fall-2026"
DAYS = (date(2026, 12, 1), date(2026, 12, 2))
HOURS = ("14:00", "20:00")
BREAK = ("17:00", "17:20")
SUBJECTS = ("English", "Mathematics", "Science", "Social Studies", "World Languages", "Arts")
SECTIONS_PER_STUDENT = 2  # middle and high: the student's own teacher and the next one
EVENT_MINUTES = 340 * len(DAYS)  # an interpreter's minutes over the event, break aside


def add(db: Database, seed: int) -> None:
    """Sections, enrollments, the fall event, interpreters, unavailability and preferences."""
    rng = random.Random(f"{seed}-conference-days")
    _sections(db)
    _event(db)
    _interpreters(db)
    _unavailable(db, rng)
    _requests(db, rng)


def _sections(db: Database) -> None:
    """A homeroom per elementary teacher; a subject section per middle/high teacher."""
    teachers: dict[tuple[str, str], list[str]] = defaultdict(list)
    level: dict[str, str] = dict(db.execute("SELECT id, level FROM school").fetchall())
    for teacher, school, grade in db.execute(
        "SELECT teacher_id, school_id, min(grade) FROM student WHERE teacher_id IS NOT NULL "
        "GROUP BY teacher_id ORDER BY teacher_id"
    ):
        teachers[(school, grade)].append(teacher)
    sections, leads, enrollments = [], [], []
    for (school, grade), ids in teachers.items():
        for j, teacher in enumerate(ids):
            homeroom = level[school] == "elementary"
            title = f"Homeroom {grade}" if homeroom else f"{SUBJECTS[j % len(SUBJECTS)]} {grade}"
            sections.append((f"{teacher}-S", school, title, int(homeroom)))
            leads.append((f"{teacher}-S", teacher))
    position = {t: (key, j) for key, ids in teachers.items() for j, t in enumerate(ids)}
    for student, teacher, school in db.execute(
        "SELECT s.id, s.teacher_id, s.school_id FROM student s WHERE s.teacher_id IS NOT NULL"
    ):
        key, j = position[teacher]
        ids = teachers[key]
        count = 1 if level[school] == "elementary" else min(SECTIONS_PER_STUDENT, len(ids))
        for k in range(count):
            enrollments.append((f"{ids[(j + k) % len(ids)]}-S", student))
    db.conn.executemany(
        "INSERT INTO section (id, school_id, title, homeroom) VALUES (?, ?, ?, ?)", sections
    )
    db.conn.executemany(
        "INSERT INTO section_teacher (section_id, staff_id, is_primary) VALUES (?, ?, 1)", leads
    )
    db.conn.executemany(
        "INSERT INTO enrollment (section_id, student_id) VALUES (?, ?)", enrollments
    )


def _event(db: Database) -> None:
    """One fall event over every school: two afternoons and evenings with a break."""
    db.execute(
        "INSERT INTO event (id, name, kind) VALUES (?, ?, 'flexible')",
        [EVENT, "Fall parent-teacher conferences"],
    )
    db.execute("INSERT INTO event_school (event_id, school_id) SELECT ?, id FROM school", [EVENT])
    db.conn.executemany(
        "INSERT INTO event_day (event_id, day, start, end) VALUES (?, ?, ?, ?)",
        [(EVENT, d.isoformat(), *HOURS) for d in DAYS],
    )
    db.execute("INSERT INTO event_break (event_id, start, end) VALUES (?, ?, ?)", [EVENT, *BREAK])


def _interpreters(db: Database) -> None:
    """Enough interpreters per language for the families who asked for one, with some slack."""
    rng = random.Random(0)
    for language, students in db.execute(
        "SELECT g.language, count(DISTINCT s.student_id) FROM guardian g JOIN guardianship s "
        "ON s.guardian_id = g.id WHERE g.interpreter GROUP BY g.language ORDER BY g.language"
    ).fetchall():
        minutes = students * 2 * 15  # about two meetings a student, 10 to 20 minutes each
        for n in range(max(1, math.ceil(1.5 * minutes / EVENT_MINUTES))):
            interpreter = f"INT-{language}-{n + 1}"
            db.execute(
                "INSERT INTO interpreter (id, name, language) VALUES (?, ?, ?)",
                [interpreter, f"{names.given(rng)} {names.family(rng)}", language],
            )
            db.conn.executemany(
                "INSERT INTO interpreter_available (interpreter_id, event_id, day, start, end) "
                "VALUES (?, ?, ?, ?, ?)",
                [(interpreter, EVENT, d.isoformat(), *HOURS) for d in DAYS],
            )


def _unavailable(db: Database, rng: random.Random) -> None:
    """About one teacher in thirty away for the first two hours of the first day."""
    teachers = [t for (t,) in db.execute("SELECT id FROM staff WHERE role = 'teacher' ORDER BY id")]
    away = rng.sample(teachers, max(1, len(teachers) // 30))
    db.conn.executemany(
        "INSERT INTO event_unavailable (event_id, staff_id, day, start, end) "
        "VALUES (?, ?, ?, ?, ?)",
        [(EVENT, t, DAYS[0].isoformat(), HOURS[0], "16:00") for t in away],
    )


def _requests(db: Database, rng: random.Random) -> None:
    """Preferences the office took on the phone: a day or half-day, a modality, a double slot."""
    rows = []
    for (student,) in db.execute("SELECT id FROM student WHERE active ORDER BY id"):
        r = rng.random()
        if r < 0.12:
            prefer = rng.choice(["early", "late", DAYS[0].isoformat(), DAYS[1].isoformat()])
            modality = rng.choice([None, None, "phone", "video"])
            rows.append((EVENT, student, prefer, modality, int(rng.random() < 0.1)))
    db.conn.executemany(
        "INSERT INTO event_request (event_id, student_id, prefer, modality, double) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )
