"""OneRoster 1.1 CSV import: streamed, all or nothing, upserting on sourcedId.

School level mapping (OneRoster orgs carry no level): from the school's name
("Elementary"/"Primary" -> elementary, "Middle"/"Junior" -> middle, "High"/"Senior" -> high),
else "elementary". Roles: teacher -> teacher, administrator -> principal;
guardian/parent/relative -> guardian. The teacher of record is the primary teacher of
the student's first class in enrollments.csv (the homeroom when listed first).

A `demographics.csv`, when present, may carry a home language (`language` or
`primaryLanguage`, an extension many exports add); it goes onto the student's guardians.

Audit: one audit row per import (who, when, the directory, the counts), not one per record.
Measured on 100,000 students with two guardians each: per-record rows with the row's JSON
add ~10 s to a ~41 s import and grow the database from 43 MB to 130 MB on every full load.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from io import TextIOWrapper
from operator import itemgetter
from pathlib import Path
from typing import Any

from polterm.errors import PoltermError
from polterm.services.session import Session, now_iso
from polterm.services.validate import printable_row, within_years

BATCH = 5000
PROGRESS_LINES = 4096  # rows between progress-bar updates
STAFF_ROLES = {"teacher": "teacher", "administrator": "principal"}
GUARDIAN_ROLES = {"guardian", "parent", "relative"}
KINDS = (
    {"student": "student"}
    | dict.fromkeys(GUARDIAN_ROLES, "guardian")
    | dict.fromkeys(STAFF_ROLES, "staff")
)  # role -> what the import makes of the user; anything else is "other"
REQUIRED = {
    "orgs.csv": {"sourcedId", "name", "type"},
    "academicSessions.csv": {"sourcedId", "title", "type", "startDate", "endDate"},
    "users.csv": {"sourcedId", "role", "givenName", "familyName", "orgSourcedIds"},
    "classes.csv": {"sourcedId", "schoolSourcedId"},
    "enrollments.csv": {"classSourcedId", "userSourcedId", "role"},
}
LEVELS = (
    (re.compile(r"\b(high|senior)\b", re.I), "high"),
    (re.compile(r"\b(middle|junior|intermediate)\b", re.I), "middle"),
)

Progress = Callable[[int], None]


@dataclass
class ImportCounts:
    """What an import did, for the command's output and the audit row."""

    schools: int = 0
    years: int = 0
    periods: int = 0
    staff: int = 0
    students: int = 0
    guardians: int = 0
    links: int = 0  # new guardian links
    deactivated: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class RowError(PoltermError):
    """A bad row: `file:line: what is wrong`."""


def school_level(name: str) -> str:
    """The level a school's name implies; elementary when it says nothing."""
    for pattern, level in LEVELS:
        if pattern.search(name):
            return level
    return "elementary"


def total_bytes(directory: Path) -> int:
    """Size of the files the import reads (each once), for a progress bar."""
    names = [*REQUIRED, "demographics.csv"]
    return sum((directory / n).stat().st_size for n in names if (directory / n).is_file())


def import_oneroster(
    session: Session, directory: Path, progress: Progress | None = None
) -> ImportCounts:
    """Import a OneRoster CSV directory in one transaction; any bad row changes nothing."""
    session.authorize("district.admin")
    for name in REQUIRED:
        if not (directory / name).is_file():
            raise PoltermError(f"{directory / name}: file is missing")
    run = _Import(session, directory, progress or (lambda n: None))
    with session.transaction():
        run.all()
    return run.counts


class _Import:
    """One import run: each file streamed once, its ids kept in memory, rows written in batches."""

    def __init__(self, session: Session, directory: Path, progress: Progress) -> None:
        self.session = session
        self.db = session.db
        self.dir = directory
        self.progress = progress
        self.counts = ImportCounts()
        self.ids: dict[str, dict[str, str]] = defaultdict(dict)  # file -> sourcedId -> kind
        self.schools: set[str] = set()
        self.org_school: dict[str, str | None] = {}  # an orgSourcedIds value -> its first school
        self.teachers: dict[str, tuple[int, str] | None] = {}  # class -> (line, first primary)
        self.enrolled: dict[str, tuple[int, str]] = {}  # student -> (line, its first class)
        self.listed_active = 0  # students this export lists as active

    def all(self) -> None:
        # a teacher's row may follow their students' in users.csv; check_enrollments names a gap
        self.db.execute("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
        self.orgs()
        self.sessions()
        self.classes()
        self.enrollments()
        self.users()
        self.check_enrollments()
        if (self.dir / "demographics.csv").is_file():
            self.demographics()
        self.deactivate_missing()
        self.audit()

    def rows(self, name: str, *columns: str) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(physical line, the columns asked, stripped) per row; BOM, CRLF, quoted newlines ok."""
        with (self.dir / name).open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            missing = REQUIRED.get(name, set()) - set(header)
            if missing:
                raise RowError(f"{name}:1: missing column {', '.join(sorted(missing))}")
            at = {column: i for i, column in enumerate(header)}  # a repeated name: its last
            index = [at.get(column, len(header)) for column in columns]  # absent: padded ""
            width = max(index) + 1
            # itemgetter gives a lone column bare, not in a tuple
            get = itemgetter(*index) if len(index) > 1 else lambda row: (row[index[0]],)
            done, report_at = 0, PROGRESS_LINES
            for row in reader:
                if not row:  # a blank line
                    continue
                if len(row) < width:  # a short row, or a column the file does not have
                    row += [""] * (width - len(row))
                values = tuple(map(str.strip, get(row)))
                printable_row(values, columns, f"{name}:{reader.line_num}")
                yield reader.line_num, values
                if reader.line_num >= report_at:
                    done = self.advance(f, done)
                    report_at = reader.line_num + PROGRESS_LINES
            self.advance(f, done)

    def advance(self, f: TextIOWrapper, done: int) -> int:
        """Move the progress bar by the bytes read since `done`; the new position in bytes."""
        position = f.buffer.tell()
        self.progress(position - done)
        return position

    def orgs(self) -> None:
        for line, (uid, name, kind) in self.rows("orgs.csv", "sourcedId", "name", "type"):
            self.seen("orgs.csv", line, uid, "org")
            if kind != "school":
                continue
            self.db.execute(
                "INSERT INTO school (id, name, level) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE"
                " SET name = excluded.name WHERE name IS NOT excluded.name",
                [uid, name, school_level(name)],
            )
            self.schools.add(uid)
            self.counts.schools += 1

    def sessions(self) -> None:
        name = "academicSessions.csv"
        columns = ("sourcedId", "title", "type", "startDate", "endDate")
        for line, (uid, title, kind, start_text, end_text) in self.rows(name, *columns):
            self.seen(name, line, uid, "session")
            start = _date(name, line, "startDate", start_text)
            end = _date(name, line, "endDate", end_text)
            if start > end:
                raise RowError(f"{name}:{line}: startDate is after endDate")
            if kind == "schoolYear":
                self.db.execute(
                    "INSERT INTO school_year (name, start, end) VALUES (?, ?, ?) ON CONFLICT(name)"
                    " DO UPDATE SET start = excluded.start, end = excluded.end",
                    [title, start.isoformat(), end.isoformat()],
                )
                self.counts.years += 1
            elif kind in ("term", "semester", "gradingPeriod"):
                self.db.execute(
                    "INSERT INTO period (id, school_id, kind, name, start, end) VALUES"
                    " (?, NULL, 'grading', ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                    " name = excluded.name, start = excluded.start, end = excluded.end",
                    [uid, title, start.isoformat(), end.isoformat()],
                )
                self.counts.periods += 1
            else:
                raise RowError(f"{name}:{line}: unknown type {kind!r}")

    def users(self) -> None:
        """Staff, students and guardians in one pass; a link waits until both its rows are read."""
        students: list[tuple[Any, ...]] = []
        guardians: list[tuple[Any, ...]] = []
        links: list[tuple[str, str]] = []
        waiting: dict[str, tuple[str, ...]] = {}  # an agent not read yet -> ids of rows naming it
        kinds = self.ids["users.csv"]
        flush_at = BATCH
        columns = (
            "sourcedId", "role", "givenName", "familyName", "orgSourcedIds", "status",
            "enabledUser", "username", "email", "sms", "phone", "agentSourcedIds", "grades",
        )  # fmt: skip
        for line, (
            uid, role, given, family, orgs, status, enabled, username, email, sms, phone, agents,
            grades,
        ) in self.rows("users.csv", *columns):  # fmt: skip
            kind = KINDS.get(role, "other")
            self.seen("users.csv", line, uid, kind)
            active = int(status != "tobedeleted" and enabled.lower() != "false")
            if kind == "student":
                grade = grades.split(",")[0].strip() or "?"
                school = self.school_of(line, orgs)
                students.append((uid, given, family, grade, school, active, *self.teacher_of(uid)))
            elif kind == "guardian":
                name = f"{given} {family}".strip()
                guardians.append((uid, name, phone or sms or None, email or None))
            elif kind == "staff":
                school = self.school_of(line, orgs, staff=True)
                name = f"{given} {family}".strip()
                self.db.execute(
                    "INSERT INTO staff (id, name, role, school_id, username, active)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                    " school_id = excluded.school_id, username = excluded.username,"
                    " active = excluded.active",
                    [uid, name, STAFF_ROLES[role], school, username or None, active],
                )
                self.counts.staff += 1
            named_by = waiting.pop(uid, ())
            for other in named_by:
                _link(links, uid, kind, other, kinds[other])
            for agent in agents.split(",") if agents else ():
                agent = agent.strip()
                agent_kind = kinds.get(agent)
                if agent_kind is None:
                    if agent:
                        waiting[agent] = (*waiting.get(agent, ()), uid)
                elif agent not in named_by:  # else linked just above: the rows name each other
                    _link(links, uid, kind, agent, agent_kind)
            if line >= flush_at:
                self.flush(students, guardians, links)
                flush_at = line + BATCH
        self.flush(students, guardians, links)
        if waiting:
            self.name_unknown_agent(waiting.keys())

    def name_unknown_agent(self, unknown: Collection[str]) -> None:
        """Raise at the first line naming an id users.csv lacks: read again, on failure only."""
        for line, (agents,) in self.rows("users.csv", "agentSourcedIds"):
            for agent in (a.strip() for a in agents.split(",")):
                if agent in unknown:
                    raise RowError(f"users.csv:{line}: unknown agentSourcedIds {agent!r}")

    def teacher_of(self, uid: str) -> tuple[str | None, bool]:
        """(the teacher of a student's first class, whether enrollments.csv lists the student)."""
        enrolled = self.enrolled.get(uid)
        if enrolled is None:
            return None, False
        teacher = self.teachers[enrolled[1]]
        return (teacher and teacher[1]), True

    def flush(
        self,
        students: list[tuple[Any, ...]],
        guardians: list[tuple[Any, ...]],
        links: list[tuple[str, str]],
    ) -> None:
        """Write the batched users, then the links between them (both ends exist by then)."""
        conn = self.db.conn
        # insert, then update only a batch that met existing students: an upsert whose DO UPDATE
        # sets school_id (a foreign key) makes every plain insert 3x slower. A student
        # enrollments.csv does not list (?8 false) keeps the teacher it had.
        before = conn.total_changes
        conn.executemany(
            "INSERT INTO student (id, given, family, grade, school_id, active, teacher_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            [row[:7] for row in students],
        )
        if conn.total_changes - before < len(students):
            conn.executemany(
                "UPDATE student SET given = ?2, family = ?3, grade = ?4, school_id = ?5,"
                " active = ?6, teacher_id = iif(?8, ?7, teacher_id), version = version +"
                " ((given, family, grade, school_id, active) IS NOT (?2, ?3, ?4, ?5, ?6))"
                " WHERE id = ?1 AND (given, family, grade, school_id, active, teacher_id)"
                " IS NOT (?2, ?3, ?4, ?5, ?6, iif(?8, ?7, teacher_id))",
                students,
            )
        conn.executemany(
            "INSERT OR IGNORE INTO roster_student (id) VALUES (?)", [row[:1] for row in students]
        )
        conn.executemany(
            "INSERT INTO guardian (id, name, phone, email) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone,"
            " email = excluded.email WHERE (name, phone, email) IS NOT"
            " (excluded.name, excluded.phone, excluded.email)",
            guardians,
        )
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO guardianship (student_id, guardian_id) VALUES (?, ?)", links
        )
        self.counts.links += conn.total_changes - before
        self.counts.students += len(students)
        self.listed_active += sum(row[5] for row in students)
        self.counts.guardians += len(guardians)
        for batch in (students, guardians, links):
            batch.clear()

    def classes(self) -> None:
        for line, (uid, school) in self.rows("classes.csv", "sourcedId", "schoolSourcedId"):
            if school not in self.schools:
                raise RowError(f"classes.csv:{line}: unknown school {school!r}")
            self.teachers[uid] = None

    def enrollments(self) -> None:
        """Each class's first primary teacher and each student's first class, for users()."""
        columns = ("classSourcedId", "userSourcedId", "role", "primary")
        for line, (class_id, uid, role, primary) in self.rows("enrollments.csv", *columns):
            if role == "teacher" and primary.lower() != "false":
                self.check_class(line, class_id)
                if self.teachers[class_id] is None:
                    self.teachers[class_id] = (line, uid)
            elif role == "student":
                self.check_class(line, class_id)
                self.enrolled.setdefault(uid, (line, class_id))

    def check_class(self, line: int, class_id: str) -> None:
        if class_id not in self.teachers:
            raise RowError(f"enrollments.csv:{line}: unknown class {class_id!r}")

    def check_enrollments(self) -> None:
        """Enrolled students must be users.csv's students; teachers given them must be staff."""
        kinds = self.ids["users.csv"]
        for uid, (line, _) in self.enrolled.items():
            if kinds.get(uid) != "student":
                raise RowError(f"enrollments.csv:{line}: unknown student {uid!r}")
        given = {self.teachers[class_id] for _, class_id in self.enrolled.values()}
        for line, teacher in sorted(t for t in given if t):
            if not self.db.execute("SELECT 1 FROM staff WHERE id = ?", [teacher]).fetchone():
                raise RowError(f"enrollments.csv:{line}: unknown teacher {teacher!r}")

    def demographics(self) -> None:
        """Home language (a `language` or `primaryLanguage` column) onto the guardians."""
        kinds = self.ids["users.csv"]
        columns = ("sourcedId", "language", "primaryLanguage")
        for line, (uid, language, primary) in self.rows("demographics.csv", *columns):
            language = language or primary
            if not language:
                continue
            kind = kinds.get(uid)
            if kind == "guardian":
                self.db.execute("UPDATE guardian SET language = ? WHERE id = ?", [language, uid])
            elif kind == "student":
                self.db.execute(
                    "UPDATE guardian SET language = ? WHERE id IN (SELECT guardian_id"
                    " FROM guardianship WHERE student_id = ?)",
                    [language, uid],
                )
            else:
                raise RowError(f"demographics.csv:{line}: unknown user {uid!r}")

    def deactivate_missing(self) -> None:
        """Rostered students the export no longer lists stay, marked inactive; hand-entered stay."""
        rostered = "FROM student WHERE active = 1 AND id IN (SELECT id FROM roster_student)"
        if self.db.execute(f"SELECT count(*) {rostered}").fetchone()[0] == self.listed_active:
            return  # every active rostered student is one this export lists as active
        kinds = self.ids["users.csv"]
        gone = [
            row
            for row in self.db.execute(f"SELECT id {rostered}")
            if kinds.get(row[0]) != "student"
        ]
        self.db.conn.executemany(
            "UPDATE student SET active = 0, version = version + 1 WHERE id = ?", gone
        )
        self.counts.deactivated = len(gone)

    def audit(self) -> None:
        self.db.execute(
            "INSERT INTO audit_log (at, actor, os_user, action, table_name, record_id, after)"
            " VALUES (?, ?, ?, 'insert', 'oneroster_import', ?, ?)",
            [
                now_iso(),
                self.session.actor.staff_id,
                self.session.actor.os_user,
                str(self.dir),
                json.dumps(self.counts.__dict__),
            ],
        )

    def seen(self, name: str, line: int, uid: str, kind: str) -> None:
        """Remember a sourcedId; the same id twice in one file is an error (files are separate)."""
        if not uid:
            raise RowError(f"{name}:{line}: empty sourcedId")
        known = self.ids[name]
        if uid in known:
            raise RowError(f"{name}:{line}: duplicate sourcedId {uid!r}")
        known[uid] = kind

    def school_of(self, line: int, orgs: str, *, staff: bool = False) -> str | None:
        """The first school among a user's orgs; a reference to no org is an error."""
        if orgs not in self.org_school:  # once per distinct value: an export repeats a few
            ids = [o.strip() for o in orgs.split(",") if o.strip()]
            for org in ids:
                if org not in self.ids["orgs.csv"]:
                    raise RowError(f"users.csv:{line}: unknown org {org!r}")
            self.org_school[orgs] = next((org for org in ids if org in self.schools), None)
        school = self.org_school[orgs]
        if school is None and not staff:
            raise RowError(f"users.csv:{line}: student has no school among orgSourcedIds")
        return school


def _link(links: list[tuple[str, str]], uid: str, kind: str, other: str, other_kind: str) -> None:
    """Add the guardianship two users' rows imply, if one is a student and the other a guardian."""
    if kind == "student" and other_kind == "guardian":
        links.append((uid, other))
    elif kind == "guardian" and other_kind == "student":
        links.append((other, uid))


def _date(name: str, line: int, column: str, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{name}:{line}: bad {column} {value!r} (YYYY-MM-DD)") from None
    return within_years(day, value, f"{name}:{line}: {column}")
