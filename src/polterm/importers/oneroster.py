"""OneRoster 1.1 and 1.2 CSV import, bulk or delta as manifest.csv says: streamed, all or nothing.

Bulk: a file is the whole truth, so rostered students it no longer lists are marked inactive
and guardian links become exactly what it says. Delta: what is listed is upserted, what is
`tobedeleted` is acted on, the rest is left alone, and references are resolved against the
database as well as the files. Without a manifest the files are read as 1.1 bulk.

School level mapping (OneRoster orgs carry no level): from the school's name
("Elementary"/"Primary" -> elementary, "Middle"/"Junior" -> middle, "High"/"Senior" -> high),
else "elementary". Roles: teacher -> teacher, administrator/principal/siteAdministrator ->
principal; guardian/parent/relative -> guardian; other roles are not imported. In 1.2 a
user's role and orgs come from roles.csv (the primary role wins) and `primaryOrgSourcedId`
names the school first; `preferredGivenName` is the given name shown.

Classes become sections (homeroom for classType=homeroom), enrollments their teachers and
students. The teacher of record is the primary teacher of the student's homeroom (else first
class); with no primary teacher, the only teacher of the homeroom or sole section, with a
warning. A consistent but odd row (a teacher's enrollment whose user is a student) is skipped
with a warning; a malformed one (bad date, missing column, broken reference) stops the import.

A `demographics.csv` may carry a home language (`language` or `primaryLanguage`, an
extension many exports add); it goes onto the student's guardians. userProfiles.csv is
checked for its references only: polterm keeps no credentials.

Audit: one row per import (who, when, the absolute source path, counts, warnings), and
before/after rows for each existing record it changes, deactivates or unlinks; new records
are not logged one by one (per-record rows would add ~10 s to a 100,000-student first load).
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
from polterm.importers.changes import ChangeLog
from polterm.importers.oneroster_format import (
    FILES,
    INACTIVE,
    REQUIRED,
    REQUIRED_1_1,
    STAFF_ROLES,
    Manifest,
    grade,
    read_manifest,
    session_kind,
    user_kind,
)
from polterm.services.session import Session
from polterm.services.validate import printable_row, within_years

BATCH = 5000
PROGRESS_LINES = 4096  # rows between progress-bar updates
WARNINGS_KEPT = 200  # the summary lists this many and counts the rest
LEVELS = (
    (re.compile(r"\b(high|senior)\b", re.I), "high"),
    (re.compile(r"\b(middle|junior|intermediate)\b", re.I), "middle"),
)
PERIOD_COLUMNS = ("kind", "name", "start", "end")
SECTION_COLUMNS = ("school_id", "title", "homeroom", "active")
STUDENT_COLUMNS = ("given", "family", "grade", "grade_code", "school_id", "active", "teacher_id")

Progress = Callable[[int], None]


@dataclass
class ImportCounts:
    """What an import did, for the command's output and the audit row."""

    version: str = "1.1"
    mode: str = "bulk"  # users.csv's mode
    schools: int = 0
    years: int = 0
    periods: int = 0
    sections: int = 0
    staff: int = 0
    students: int = 0
    guardians: int = 0
    links: int = 0  # new guardian links
    unlinked: int = 0  # guardian links the export no longer has
    deactivated: int = 0
    warnings: list[str] = field(default_factory=list)
    more_warnings: int = 0
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
    return sum((directory / n).stat().st_size for n in FILES if (directory / n).is_file())


def import_oneroster(
    session: Session, directory: Path, progress: Progress | None = None
) -> ImportCounts:
    """Import a OneRoster CSV directory in one transaction; any bad row changes nothing."""
    session.authorize("district.admin")
    manifest = read_manifest(directory)
    run = _Import(session, directory, manifest, progress or (lambda n: None))
    with session.transaction():
        run.all()
    return run.counts


class _Import:
    """One import run: each file streamed once, its ids kept in memory, rows written in batches."""

    def __init__(
        self, session: Session, directory: Path, manifest: Manifest, progress: Progress
    ) -> None:
        self.session = session
        self.db = session.db
        self.dir = directory
        self.manifest = manifest
        self.progress = progress
        self.counts = ImportCounts(version=manifest.version, mode=manifest.mode("users.csv"))
        self.ids: dict[str, dict[str, str]] = defaultdict(dict)  # file -> sourcedId -> kind
        self.org_type: dict[str, str] = {}  # orgs.csv: sourcedId -> type, lower case
        self.org_school: dict[str, str | None] = {}  # an orgs value -> its first school
        self.roles: dict[str, tuple[str, str, bool]] = {}  # 1.2: user -> (role, orgs, primary)
        self.classes: dict[str, bool] = {}  # class -> homeroom
        self.teachers: dict[str, list[tuple[int, str, bool]]] = {}  # class -> (line, uid, primary)
        self.enrolled: dict[str, tuple[int, str, int]] = {}  # student -> (line, class, classes)
        self.homeroom: dict[str, str] = {}  # student -> their homeroom class
        self.choice: dict[str, str | None] = {}  # the class picked for a student -> its teacher
        self.fallback: set[str] = set()  # classes whose only teacher stands in for a primary
        self.touched: set[str] = set()  # classes enrollments.csv speaks of
        self.listed_active = 0  # students this export lists as active
        self.withdrawn: set[str] = set()  # guardians this export marks tobedeleted
        self.relink = False  # whether links the export drops are looked for (all() decides)
        self.changes = ChangeLog(self.db)

    def mode(self, name: str) -> str:
        return self.manifest.mode(name)

    def all(self) -> None:
        # a teacher's row may follow their students' in users.csv; check_enrollments names a gap
        self.db.execute("PRAGMA defer_foreign_keys = ON")  # until this transaction ends
        self.db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_link"
            " (student_id TEXT, guardian_id TEXT, PRIMARY KEY (student_id, guardian_id))"
        )
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS import_agents (id TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.import_link")
        self.db.execute("DELETE FROM temp.import_agents")
        # links of rostered guardians an export drops are found through what it lists; a first
        # import has none to drop and skips the bookkeeping
        self.relink = self.mode("users.csv") != "absent" and bool(
            self.db.execute("SELECT 1 FROM roster_guardian LIMIT 1").fetchone()
        )
        if not self.manifest.found:
            self.warn("no manifest.csv: the files were read as OneRoster 1.1, bulk")
        steps = {
            "orgs.csv": self.orgs,
            "academicSessions.csv": self.sessions,
            "roles.csv": self.read_roles,
            "classes.csv": self.read_classes,
            "enrollments.csv": self.enrollments,
            "users.csv": self.users,
            "demographics.csv": self.demographics,
            "userProfiles.csv": self.user_profiles,
        }
        for name in FILES:
            if self.mode(name) != "absent":
                steps[name]()
        if self.mode("enrollments.csv") != "absent":
            self.check_enrollments()
        if self.mode("enrollments.csv") == "delta":
            self.retell_teachers()
        if self.mode("users.csv") == "bulk":
            self.deactivate_missing()
        if self.relink:
            self.unlink_dropped()
        self.audit()

    # -- reading --------------------------------------------------------------------------

    def rows(self, name: str, *columns: str) -> Iterator[tuple[int, tuple[str, ...]]]:
        """(physical line, the columns asked, stripped) per row; BOM, CRLF, quoted newlines ok."""
        required = REQUIRED.get(name, set())
        if self.manifest.version == "1.1":
            required = required | REQUIRED_1_1.get(name, set())
        if self.mode(name) == "delta":
            required = required | {"status"}  # a delta says what is to be deleted
        with (self.dir / name).open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            missing = required - set(header)
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

    def warn(self, message: str) -> None:
        """A row skipped or a choice made; listed in the summary (the first few hundred)."""
        if len(self.counts.warnings) < WARNINGS_KEPT:
            self.counts.warnings.append(message)
        else:
            self.counts.more_warnings += 1

    # -- orgs and sessions ----------------------------------------------------------------

    def orgs(self) -> None:
        columns = ("sourcedId", "name", "type", "status")
        for line, (uid, name, kind, status) in self.rows("orgs.csv", *columns):
            self.seen("orgs.csv", line, uid, "org")
            kind = kind.lower()
            self.org_type[uid] = kind
            if kind != "school" or status.lower() in INACTIVE:
                continue
            before = self.changes.before("school", [uid], ("name",))
            self.db.execute(
                "INSERT INTO school (id, name, level) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE"
                " SET name = excluded.name WHERE name IS NOT excluded.name",
                [uid, name, school_level(name)],
            )
            self.changes.changed("school", ("name",), before, {uid: (name,)})
            self.counts.schools += 1

    def sessions(self) -> None:
        name = "academicSessions.csv"
        columns = ("sourcedId", "title", "type", "startDate", "endDate", "status")
        for line, (uid, title, kind, start_text, end_text, status) in self.rows(name, *columns):
            self.seen(name, line, uid, "session")
            start = _date(name, line, "startDate", start_text)
            end = _date(name, line, "endDate", end_text)
            if start > end:
                raise RowError(f"{name}:{line}: startDate is after endDate")
            target = session_kind(kind)
            if target is None:
                raise RowError(f"{name}:{line}: unknown type {kind!r}")
            if status.lower() in INACTIVE:
                continue  # a session being withdrawn is not imported
            if target == "school_year":
                self.db.execute(
                    "INSERT INTO school_year (name, start, end) VALUES (?, ?, ?) ON CONFLICT(name)"
                    " DO UPDATE SET start = excluded.start, end = excluded.end",
                    [title, start.isoformat(), end.isoformat()],
                )
                self.counts.years += 1
            else:
                values = (target, title, start.isoformat(), end.isoformat())
                before = self.changes.before("period", [uid], PERIOD_COLUMNS)
                self.db.execute(
                    "INSERT INTO period (id, school_id, kind, name, start, end) VALUES"
                    " (?, NULL, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET kind = excluded.kind,"
                    " name = excluded.name, start = excluded.start, end = excluded.end",
                    [uid, *values],
                )
                self.changes.changed("period", PERIOD_COLUMNS, before, {uid: values})
                self.counts.periods += 1

    # -- roles (1.2), classes and enrollments ---------------------------------------------

    def read_roles(self) -> None:
        """Each user's role (the primary one wins) and orgs, for users.csv in 1.2."""
        columns = ("userSourcedId", "roleType", "role", "orgSourcedId", "status")
        for line, (uid, role_type, role, org, status) in self.rows("roles.csv", *columns):
            if status.lower() in INACTIVE:
                continue
            self.org_kind("roles.csv", line, org)
            primary = role_type.lower() == "primary"
            had = self.roles.get(uid)
            if had is None:
                self.roles[uid] = (role, org, primary)
            else:
                role = role if primary and not had[2] else had[0]
                self.roles[uid] = (role, f"{had[1]},{org}", primary or had[2])

    def read_classes(self) -> None:
        """Sections from classes.csv: homeroom when classType says so; tobedeleted: inactive."""
        columns = ("sourcedId", "schoolSourcedId", "title", "classType", "status")
        sections = []
        for line, (uid, school, title, kind, status) in self.rows("classes.csv", *columns):
            self.seen("classes.csv", line, uid, "class")
            self.require_school("classes.csv", line, "schoolSourcedId", school)
            homeroom = kind.lower() == "homeroom"
            self.classes[uid] = homeroom
            self.teachers[uid] = []
            active = int(status.lower() not in INACTIVE)
            sections.append((uid, school, title or uid, int(homeroom), active))
        old = self.changes.before("section", [row[0] for row in sections], SECTION_COLUMNS)
        self.changes.changed("section", SECTION_COLUMNS, old, {row[0]: row[1:] for row in sections})
        self.db.conn.executemany(
            "INSERT INTO section (id, school_id, title, homeroom, active) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET school_id = excluded.school_id, title = excluded.title,"
            " homeroom = excluded.homeroom, active = excluded.active",
            sections,
        )
        self.counts.sections = len(sections)

    def enrollments(self) -> None:
        """Sections' teachers and students; each student's classes, for the teacher of record."""
        name = "enrollments.csv"
        columns = ("classSourcedId", "userSourcedId", "role", "primary", "status")
        if self.mode(name) == "bulk":  # the file is every enrollment of the classes it has
            listed = [(uid,) for uid in self.classes]
            self.db.conn.executemany("DELETE FROM enrollment WHERE section_id = ?", listed)
            self.db.conn.executemany("DELETE FROM section_teacher WHERE section_id = ?", listed)
        teachers, students, gone = [], [], []
        for line, (class_id, uid, role, primary, status) in self.rows(name, *columns):
            role = role.lower()
            if role not in ("teacher", "student"):
                continue
            self.check_class(line, class_id)
            self.touched.add(class_id)
            if status.lower() in INACTIVE:
                gone.append((class_id, uid))
                continue
            if role == "teacher":
                is_primary = primary.lower() == "true"
                self.teachers.setdefault(class_id, []).append((line, uid, is_primary))
                teachers.append((class_id, uid, int(is_primary)))
            else:
                had = self.enrolled.get(uid)
                self.enrolled[uid] = (line, class_id, 1) if had is None else (*had[:2], had[2] + 1)
                if self.is_homeroom(class_id):
                    self.homeroom.setdefault(uid, class_id)
                students.append((class_id, uid))
        self.db.conn.executemany(
            "INSERT INTO section_teacher (section_id, staff_id, is_primary) VALUES (?, ?, ?)"
            " ON CONFLICT DO UPDATE SET is_primary = excluded.is_primary",
            teachers,
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO enrollment (section_id, student_id) VALUES (?, ?)", students
        )
        self.db.conn.executemany(
            "DELETE FROM enrollment WHERE section_id = ? AND student_id = ?", gone
        )
        self.db.conn.executemany(
            "DELETE FROM section_teacher WHERE section_id = ? AND staff_id = ?", gone
        )

    def is_homeroom(self, class_id: str) -> bool:
        if class_id in self.classes:
            return self.classes[class_id]
        row = self.db.execute("SELECT homeroom FROM section WHERE id = ?", [class_id]).fetchone()
        return bool(row and row[0])

    def check_class(self, line: int, class_id: str) -> None:
        if class_id in self.teachers:
            return
        if (
            self.mode("classes.csv") != "bulk"
            and self.db.execute("SELECT 1 FROM section WHERE id = ?", [class_id]).fetchone()
        ):
            self.teachers[class_id] = []
            return
        raise RowError(f"enrollments.csv:{line}: unknown class {class_id!r}")

    def teacher_of(self, uid: str) -> tuple[str | None, bool]:
        """(the teacher of record for a student, whether enrollments.csv lists the student)."""
        enrolled = self.enrolled.get(uid)
        if enrolled is None:
            return None, False
        homeroom = self.homeroom.get(uid)
        class_id = homeroom or enrolled[1]
        if class_id not in self.choice:
            self.choice[class_id] = next((t for _, t, p in self.teachers[class_id] if p), None)
        teacher = self.choice[class_id]
        if teacher is None and (homeroom or enrolled[2] == 1):
            every = {t for _, t, _ in self.teachers[class_id]}
            if len(every) == 1:
                teacher = every.pop()
                self.stand_in(class_id, teacher)
        return teacher, True

    # -- users ----------------------------------------------------------------------------

    def users(self) -> None:
        """Staff, students and guardians in one pass; a link waits until both its rows are read."""
        students: list[tuple[Any, ...]] = []
        guardians: list[tuple[Any, ...]] = []
        links: list[tuple[str, str]] = []
        withdrawn: list[tuple[str]] = []  # guardians marked tobedeleted
        agents_named: list[tuple[str]] = []  # users whose agentSourcedIds this file settles
        waiting: dict[str, tuple[str, ...]] = {}  # an agent not read yet -> ids of rows naming it
        kinds = self.ids["users.csv"]
        bulk = self.mode("users.csv") == "bulk"
        flush_at = BATCH
        columns = (
            "sourcedId", "role", "givenName", "familyName", "orgSourcedIds", "status",
            "enabledUser", "username", "email", "sms", "phone", "agentSourcedIds", "grades",
            "preferredGivenName", "primaryOrgSourcedId",
        )  # fmt: skip
        for line, (
            uid, role, given, family, orgs, status, enabled, username, email, sms, phone, agents,
            grades, preferred, primary_org,
        ) in self.rows("users.csv", *columns):  # fmt: skip
            if self.manifest.version == "1.2":
                role, orgs, _ = self.roles.get(uid) or (*self.stored_role(uid), False)
                orgs = f"{primary_org},{orgs}" if primary_org else orgs
                if not role:
                    self.warn(f"users.csv:{line}: user {uid!r} has no role in roles.csv;"
                              " not imported")  # fmt: skip
            given = preferred or given
            kind = user_kind(role)
            self.seen("users.csv", line, uid, kind)
            gone = status.lower() in INACTIVE
            active = int(not gone and enabled.lower() != "false")
            if kind == "student":
                code, raw = grade(grades)
                school = self.school_of(line, orgs)
                teacher, listed = self.teacher_of(uid)
                students.append((uid, given, family, code, raw, school, active, teacher, listed))
            elif kind == "guardian":
                if gone:
                    withdrawn.append((uid,))
                    self.withdrawn.add(uid)
                else:
                    name = f"{given} {family}".strip()
                    guardians.append((uid, name, phone or sms or None, email or None))
            elif kind == "staff":
                school = self.school_of(line, orgs, staff=True)
                self.staff(uid, f"{given} {family}".strip(), STAFF_ROLES[role.strip().lower()],
                           school, username or None, active)  # fmt: skip
            if bulk or agents or gone:
                agents_named.append((uid,))
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
                self.flush(students, guardians, links, withdrawn, agents_named)
                flush_at = line + BATCH
        self.flush(students, guardians, links, withdrawn, agents_named)
        if waiting:
            self.resolve_waiting(waiting)

    def resolve_waiting(self, waiting: dict[str, tuple[str, ...]]) -> None:
        """Agents this users.csv lacks: in a delta, ones the database has; else an error."""
        unknown = set(waiting)
        if self.mode("users.csv") == "delta":
            links = []
            kinds = self.ids["users.csv"]
            for agent in list(unknown):
                kind = self.stored_kind(agent)
                if kind is not None:
                    unknown.discard(agent)
                    for other in waiting[agent]:
                        _link(links, agent, kind, other, kinds[other])
            self.write_links(links)
        if unknown:
            self.name_unknown_agent(unknown)

    def stored_kind(self, uid: str) -> str | None:
        """student, guardian or staff when the database has the user; None otherwise."""
        for table in ("student", "guardian", "staff"):
            if self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [uid]).fetchone():
                return table
        return None

    def known_kind(self, uid: str) -> str | None:
        """What users.csv made of a user, else what the database holds them as."""
        return self.ids["users.csv"].get(uid) or self.stored_kind(uid)

    def stored_role(self, uid: str) -> tuple[str, str]:
        """(role, school) of a 1.2 user whose roles a delta's roles.csv does not repeat."""
        for table, role in (("student", "'student'"), ("guardian", "'guardian'"),
                            ("staff", "role")):  # fmt: skip
            school = "NULL" if table == "guardian" else "school_id"
            row = self.db.execute(
                f"SELECT {role}, {school} FROM {table} WHERE id = ?", [uid]
            ).fetchone()
            if row:
                return ("administrator" if row[0] == "principal" else row[0]), row[1] or ""
        return "", ""

    def name_unknown_agent(self, unknown: Collection[str]) -> None:
        """Raise at the first line naming an id users.csv lacks: read again, on failure only."""
        for line, (agents,) in self.rows("users.csv", "agentSourcedIds"):
            for agent in (a.strip() for a in agents.split(",")):
                if agent in unknown:
                    raise RowError(f"users.csv:{line}: unknown agentSourcedIds {agent!r}")

    def staff(self, uid: str, name: str, role: str, school: str | None, username: str | None,
              active: int) -> None:  # fmt: skip
        """Insert or update one staff member (staff are few: row by row)."""
        columns = ("name", "school_id", "username", "active")
        before = self.changes.before("staff", [uid], columns)
        self.db.execute(
            "INSERT INTO staff (id, name, role, school_id, username, active)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
            " school_id = excluded.school_id, username = excluded.username,"
            " active = excluded.active",
            [uid, name, role, school, username, active],
        )
        self.changes.changed("staff", columns, before, {uid: (name, school, username, active)})
        self.counts.staff += 1

    def flush(
        self,
        students: list[tuple[Any, ...]],
        guardians: list[tuple[Any, ...]],
        links: list[tuple[str, str]],
        withdrawn: list[tuple[str]],
        agents_named: list[tuple[str]],
    ) -> None:
        """Write the batched users, then the links between them (both ends exist by then)."""
        conn = self.db.conn
        # insert, then update only a batch that met existing students: an upsert whose DO UPDATE
        # sets school_id (a foreign key) makes every plain insert 3x slower. A student
        # enrollments.csv does not list (?9 false) keeps the teacher it had.
        before = conn.total_changes
        conn.executemany(
            "INSERT INTO student (id, given, family, grade, grade_code, school_id, active,"
            " teacher_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            [row[:8] for row in students],
        )
        if conn.total_changes - before < len(students):
            self.update_students(students)
        conn.executemany(
            "INSERT OR IGNORE INTO roster_student (id) VALUES (?)", [row[:1] for row in students]
        )
        conn.executemany("INSERT OR IGNORE INTO roster_guardian (id) VALUES (?)",
                         [row[:1] for row in guardians])  # fmt: skip
        before = conn.total_changes
        conn.executemany(
            "INSERT INTO guardian (id, name, phone, email) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(id) DO NOTHING",
            guardians,
        )
        if conn.total_changes - before < len(guardians):
            self.update_guardians(guardians)
        if self.relink:
            conn.executemany("INSERT OR IGNORE INTO temp.import_agents VALUES (?)", agents_named)
        self.write_links(links)
        self.withdraw(withdrawn)
        self.counts.students += len(students)
        self.listed_active += sum(row[6] for row in students)
        self.counts.guardians += len(guardians)
        for batch in (students, guardians, links, withdrawn, agents_named):
            batch.clear()

    def update_students(self, students: list[tuple[Any, ...]]) -> None:
        """Existing students the batch changes: each one audited before and after."""
        old = self.changes.before("student", [row[0] for row in students], STUDENT_COLUMNS)
        new = {
            uid: (given, family, code, raw, school, active, teacher if listed else old[uid][-1])
            for uid, given, family, code, raw, school, active, teacher, listed in students
            if uid in old
        }  # teacher_id is the last column: one enrollments.csv does not list keeps theirs
        changed = self.changes.changed("student", STUDENT_COLUMNS, old, new)
        # the version counts edits of the student; a new teacher of record is not one
        self.db.conn.executemany(
            "UPDATE student SET given = ?, family = ?, grade = ?, grade_code = ?, school_id = ?,"
            " active = ?, teacher_id = ?, version = version + ? WHERE id = ?",
            [(*new[uid], int(old[uid][:-1] != new[uid][:-1]), uid) for uid in changed],
        )

    def update_guardians(self, guardians: list[tuple[Any, ...]]) -> None:
        """Existing guardians the batch changes: each one audited before and after."""
        columns = ("name", "phone", "email")
        old = self.changes.before("guardian", [row[0] for row in guardians], columns)
        new = {row[0]: row[1:] for row in guardians if row[0] in old}
        changed = self.changes.changed("guardian", columns, old, new)
        self.db.conn.executemany(
            "UPDATE guardian SET name = ?, phone = ?, email = ? WHERE id = ?",
            [(*new[uid], uid) for uid in changed],
        )

    def write_links(self, links: list[tuple[str, str]]) -> None:
        """Link students and guardians (never a guardian this export marks tobedeleted)."""
        links = [link for link in links if link[1] not in self.withdrawn]
        conn = self.db.conn
        before = conn.total_changes
        conn.executemany(
            "INSERT OR IGNORE INTO guardianship (student_id, guardian_id) VALUES (?, ?)", links
        )
        self.counts.links += conn.total_changes - before
        if self.relink:
            conn.executemany("INSERT OR IGNORE INTO temp.import_link VALUES (?, ?)", links)

    def withdraw(self, withdrawn: list[tuple[str]]) -> None:
        """Guardians marked tobedeleted: unlinked from every student, contact details cleared."""
        if not withdrawn:
            return
        ids = [row[0] for row in withdrawn]
        columns = ("name", "phone", "email")
        old = self.changes.before("guardian", ids, columns)
        self.changes.changed(
            "guardian", columns, old, {uid: (was[0], None, None) for uid, was in old.items()}
        )
        self.db.conn.executemany(
            "UPDATE guardian SET phone = NULL, email = NULL WHERE id = ?", withdrawn
        )
        links = self.db.execute(
            "SELECT student_id, guardian_id FROM guardianship"
            " WHERE guardian_id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)],
        ).fetchall()
        self.unlink(links)
        for uid in ids:
            self.warn(f"guardian {uid!r} is tobedeleted: not linked to any student")

    def unlink_dropped(self) -> None:
        """Links of rostered guardians the export no longer has, where it speaks of either end."""
        gone = self.db.execute(
            "SELECT student_id, guardian_id FROM guardianship g"
            " WHERE guardian_id IN (SELECT id FROM roster_guardian)"
            " AND (student_id IN temp.import_agents OR guardian_id IN temp.import_agents)"
            " AND NOT EXISTS (SELECT 1 FROM temp.import_link l WHERE"
            "  l.student_id = g.student_id AND l.guardian_id = g.guardian_id)"
        ).fetchall()
        self.unlink(gone)

    def unlink(self, links: list[tuple[str, str]]) -> None:
        """Delete guardian links, each audited."""
        self.db.conn.executemany(
            "DELETE FROM guardianship WHERE student_id = ? AND guardian_id = ?", links
        )
        self.db.conn.executemany(
            "DELETE FROM temp.import_link WHERE student_id = ? AND guardian_id = ?", links
        )
        for student, guardian in links:
            self.changes.log("delete", "guardianship", f"{student}:{guardian}", student,
                     {"student_id": student, "guardian_id": guardian}, None)  # fmt: skip
        self.counts.unlinked += len(links)

    # -- after users ----------------------------------------------------------------------

    def check_enrollments(self) -> None:
        """Enrolled users must be students or staff as enrolled; a mismatch is skipped, warned."""
        for uid, (line, class_id, _) in self.enrolled.items():
            kind = self.known_kind(uid)
            if kind is None:
                raise RowError(f"enrollments.csv:{line}: unknown student {uid!r}")
            if kind != "student":
                self.warn(f"enrollments.csv:{line}: user {uid!r} is enrolled as student in"
                          f" {class_id!r} but is a {kind}; enrollment skipped")  # fmt: skip
                self.db.execute("DELETE FROM enrollment WHERE student_id = ?", [uid])
        for class_id, teachers in self.teachers.items():
            for line, uid, _ in teachers:
                kind = self.known_kind(uid)
                if kind == "staff":
                    continue
                if kind is None:
                    raise RowError(f"enrollments.csv:{line}: unknown teacher {uid!r}")
                self.warn(
                    f"enrollments.csv:{line}: user {uid!r} is enrolled as teacher in"
                    f" {class_id!r} but their role is {kind}; enrollment skipped"
                )
                self.db.execute(
                    "DELETE FROM section_teacher WHERE section_id = ? AND staff_id = ?",
                    [class_id, uid],
                )
                self.db.execute("UPDATE student SET teacher_id = NULL WHERE teacher_id = ?", [uid])

    def stand_in(self, class_id: str, teacher: str) -> None:
        """Warn, once per class, that its only teacher is taken for its missing primary one."""
        if class_id not in self.fallback:
            self.fallback.add(class_id)
            self.warn(
                f"class {class_id!r} has no primary teacher; its only teacher {teacher!r} is"
                " the teacher of record of the students whose homeroom or only class it is"
            )

    def retell_teachers(self) -> None:
        """After a delta of enrollments, the teacher of record of each student whose homeroom
        (else only class) it touched, from every enrollment the database now holds."""
        rows = self.db.execute(
            """
            WITH touched(id) AS (SELECT value FROM json_each(:touched)),
            pick(student_id, section_id) AS (
                SELECT e.student_id, coalesce(
                    (SELECT min(h.section_id) FROM enrollment h JOIN section s
                     ON s.id = h.section_id AND s.homeroom = 1 WHERE h.student_id = e.student_id),
                    (SELECT min(o.section_id) FROM enrollment o WHERE o.student_id = e.student_id
                     HAVING count(*) = 1))
                FROM enrollment e WHERE e.section_id IN touched GROUP BY e.student_id)
            SELECT p.student_id, p.section_id,
                (SELECT min(staff_id) FROM section_teacher
                 WHERE section_id = p.section_id AND is_primary = 1),
                (SELECT min(staff_id) FROM section_teacher WHERE section_id = p.section_id
                 HAVING count(*) = 1)
            FROM pick p WHERE p.section_id IN touched""",
            {"touched": json.dumps(sorted(self.touched))},
        ).fetchall()
        new = {}
        for student, section, primary, only in rows:
            if primary is None and only is not None:
                self.stand_in(section, only)
            if primary or only:
                new[student] = (primary or only,)
        old = self.changes.before("student", list(new), ("teacher_id",))
        changed = self.changes.changed("student", ("teacher_id",), old, new)
        self.db.conn.executemany(
            "UPDATE student SET teacher_id = ? WHERE id = ?", [(*new[u], u) for u in changed]
        )

    def demographics(self) -> None:
        """Home language (a `language` or `primaryLanguage` column) onto the guardians."""
        columns = ("sourcedId", "language", "primaryLanguage")
        for line, (uid, language, primary) in self.rows("demographics.csv", *columns):
            language = language or primary
            if not language:
                continue
            kind = self.known_kind(uid)
            if kind == "guardian":
                self.db.execute("UPDATE guardian SET language = ? WHERE id = ?", [language, uid])
            elif kind == "student":
                self.db.execute(
                    "UPDATE guardian SET language = ? WHERE id IN (SELECT guardian_id"
                    " FROM guardianship WHERE student_id = ?)",
                    [language, uid],
                )
            elif kind is None:
                raise RowError(f"demographics.csv:{line}: unknown user {uid!r}")

    def user_profiles(self) -> None:
        """Profiles hold application credentials polterm does not keep; their users must exist."""
        for line, (uid,) in self.rows("userProfiles.csv", "userSourcedId"):
            if self.known_kind(uid) is None:
                raise RowError(f"userProfiles.csv:{line}: unknown user {uid!r}")

    def deactivate_missing(self) -> None:
        """Rostered students the export no longer lists stay, marked inactive; hand-entered stay."""
        rostered = "FROM student WHERE active = 1 AND id IN (SELECT id FROM roster_student)"
        if self.db.execute(f"SELECT count(*) {rostered}").fetchone()[0] == self.listed_active:
            return  # every active rostered student is one this export lists as active
        kinds = self.ids["users.csv"]
        gone = [row[0] for row in self.db.execute(f"SELECT id {rostered}") if
                kinds.get(row[0]) != "student"]  # fmt: skip
        self.db.conn.executemany(
            "UPDATE student SET active = 0, version = version + 1 WHERE id = ?",
            [(uid,) for uid in gone],
        )
        for uid in gone:
            self.changes.log("update", "student", uid, uid, {"active": 1}, {"active": 0})
        self.counts.deactivated = len(gone)

    # -- audit ----------------------------------------------------------------------------

    def audit(self) -> None:
        """The changes' rows, then the import's own row with its source's absolute path."""
        at = self.changes.write(self.session.actor)
        self.db.execute(
            "INSERT INTO audit_log (at, actor, os_user, action, table_name, record_id, after)"
            " VALUES (?, ?, ?, 'insert', 'oneroster_import', ?, ?)",
            [at, self.session.actor.staff_id, self.session.actor.os_user,
             str(self.dir.resolve()), json.dumps(self.counts.__dict__)],
        )  # fmt: skip

    # -- references -----------------------------------------------------------------------

    def seen(self, name: str, line: int, uid: str, kind: str) -> None:
        """Remember a sourcedId; the same id twice in one file is an error (files are separate)."""
        if not uid:
            raise RowError(f"{name}:{line}: empty sourcedId")
        if not uid.isprintable():
            raise RowError(f"{name}:{line}: sourcedId {uid!r} holds a control character")
        known = self.ids[name]
        if uid in known:
            raise RowError(f"{name}:{line}: duplicate sourcedId {uid!r}")
        known[uid] = kind

    def org_kind(self, name: str, line: int, org: str) -> str:
        """An org's type: from orgs.csv, else a school the database has; unknown is an error
        unless orgs.csv is a delta or absent (then an org the database lacks is no school)."""
        kind = self.org_type.get(org)
        if kind is not None:
            return kind
        if self.db.execute("SELECT 1 FROM school WHERE id = ?", [org]).fetchone():
            return "school"
        if self.mode("orgs.csv") == "bulk":
            raise RowError(f"{name}:{line}: unknown org {org!r}")
        return "unknown"

    def require_school(self, name: str, line: int, column: str, org: str) -> None:
        kind = self.org_kind(name, line, org)
        if kind == "unknown":
            raise RowError(f"{name}:{line}: unknown school {org!r}")
        if kind != "school":
            raise RowError(f"{name}:{line}: {column} {org!r} is a {kind}, not a school")

    def school_of(self, line: int, orgs: str, *, staff: bool = False) -> str | None:
        """The first school among a user's orgs; a reference to no org is an error."""
        if orgs not in self.org_school:  # once per distinct value: an export repeats a few
            ids = [o.strip() for o in orgs.split(",") if o.strip()]
            kinds = [self.org_kind("users.csv", line, org) for org in ids]
            self.org_school[orgs] = next(
                (org for org, kind in zip(ids, kinds, strict=True) if kind == "school"), None
            )
            if self.org_school[orgs] is None and "department" in kinds and not staff:
                department = ids[kinds.index("department")]
                raise RowError(f"users.csv:{line}: org {department!r} is a department, not a"
                               " school; the student has no school")  # fmt: skip
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
