"""Build the demo district: believable families, schools and records, streamed in chunks.

Everything comes from one `random.Random(seed)` and fixed dates (the demo's "today" is
2026-11-23), so a seed always gives the same rows. Rows go in with `executemany` inside one
transaction; one audited insert (the district row) records that the district was generated.
The mix is chosen so that every rule of clinton_6310 and p1471 has findings to explain.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlite_utils import Database

from polterm.demo import conference_days, names
from polterm.errors import PoltermError
from polterm.services.session import SYSTEM, Session
from polterm.storage import pragma_while, transaction

DISTRICT = "Clinton Public Schools (demo)"
POLICIES = ("clinton_6310", "p1471")
TODAY = date(2026, 11, 23)
YEARS = (
    ("2025-2026", date(2025, 8, 27), date(2026, 6, 12)),
    ("2026-2027", date(2026, 8, 26), date(2027, 6, 11)),
)
GRADES = ("K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")
LEVELS = {"elementary": GRADES[:6], "middle": GRADES[6:9], "high": GRADES[9:]}
CLASS_SIZE = 22
CHUNK = 5_000
CACHE_KIB = -256_000  # PRAGMA cache_size in KiB (negative) while loading
LANGUAGES = (
    ("en", 80),
    ("es", 9),
    ("pt", 3),
    ("zh", 2),
    ("ht", 2),
    ("ar", 2),
    ("vi", 1),
    ("pl", 1),
)
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)
LANGUAGE_WEIGHTS = tuple(itertools.accumulate(weight for _, weight in LANGUAGES))
MODALITIES = ("in-person", "phone", "video", "other")
MODALITY_WEIGHTS = (70, 80, 98, 100)
LOCATIONS = {"phone": "Phone call", "video": "Video meeting", "other": "Messaging app"}
LANGUAGE_NAMES = {
    "es": "Spanish",
    "pt": "Portuguese",
    "zh": "Mandarin",
    "ht": "Haitian Creole",
    "ar": "Arabic",
    "vi": "Vietnamese",
    "pl": "Polish",
}
# Remote learning: district-wide in winter 2025 (> 3 weeks), a snow week (too short to count),
# and one middle school remote since a building closure this fall (ongoing).
DISTRICT_REMOTE = (date(2025, 11, 3), date(2026, 1, 30))
SNOW_WEEK = (date(2026, 2, 9), date(2026, 2, 13))
SCHOOL_REMOTE_START = date(2026, 9, 28)
# Windows in which a teacher sees each family: slot = class position, day = sibling order.
FALL_2025, REMOTE_2025, SPRING_2026 = date(2025, 10, 20), date(2025, 12, 1), date(2026, 3, 16)
FALL_2026, REMOTE_2026, LATER_2026 = date(2026, 10, 5), date(2026, 11, 2), TODAY
REMOTE_LATER = date(2027, 1, 11)
# Early students show one case of each rule, so even a small demo explains every rule.
SHOWCASE = (
    "no-remote-offer",
    "no-emergency-contact",
    "no-document",
    "unreachable",
    "escalated",
    "welfare-done",
    "reached",
    "open-request",
    "fresh-request",
    "big-meeting",
    "other-patron",
    "incomplete-record",
    "missing-report",
    "approved-1806",
    "teacher-meeting",
    "request-teacher",
    "remote-no-show",
    "remote-cancelled",
)
SHOWCASE_GRADES = {
    "missing-report": "2",
    "approved-1806": "3",
    "teacher-meeting": "10",
    "request-teacher": "1",
    "other-patron": "K",
}
SLOTS = 16  # 30-minute slots from 12:00 to 20:00; ad-hoc meetings use the morning
MORNING = 8  # 30-minute slots from 08:00 to 11:30
DURATION = 25  # minutes: five minutes between meetings in 30-minute slots

COLUMNS = {
    "guardian": ("id", "name", "phone", "email", "language", "interpreter", "household"),
    "student": ("id", "given", "family", "grade", "school_id", "teacher_id", "active"),
    "guardianship": ("student_id", "guardian_id", "relationship"),
    "emergency_contact": ("student_id", "name", "phone", "set_on", "requested_on"),
    "parent_request": (
        "id",
        "student_id",
        "requested_on",
        "with_whom",
        "topic",
        "caller",
        "guardian_id",
        "taken_by",
        "wanted_staff_id",
    ),
    "conference": (
        "id",
        "student_id",
        "kind",
        "status",
        "at",
        "duration_minutes",
        "modality",
        "remote_offered",
        "location",
        "initiated_by",
        "request_id",
        "principal_approved",
        "group_size",
        "planning",
        "problem",
        "solutions",
        "plan",
        "support",
        "notes",
    ),
    "conference_staff": ("conference_id", "staff_id"),
    "conference_attendee": ("conference_id", "name", "guardian_id"),
    "resource_document": ("conference_id", "provided_on"),
    "contact_attempt": (
        "student_id",
        "made_on",
        "method",
        "outcome",
        "purpose",
        "staff_id",
        "note",
    ),
    "escalation": ("student_id", "made_on", "to_staff_id", "by_staff_id"),
    "welfare_check": ("student_id", "made_on", "outcome", "by_staff_id"),
    "progress_report": ("student_id", "period_id", "issued_on", "conference_id"),
    "approval_1806": ("student_id", "period_id", "approved_on"),
}


@dataclass
class School:
    """A school, its people, and how its students are spread over its teachers."""

    id: str
    level: str
    principal: str
    designee: str
    office: str
    teachers: dict[str, list[str]]  # grade -> teacher ids
    seated: dict[str, int] = field(default_factory=dict)  # grade -> students placed
    periods: list[tuple[str, date, date]] = field(default_factory=list)
    last_guardian: tuple[str, str] | None = None  # (id, name) of the latest family's parent


@dataclass
class Summary:
    """What was generated, for the command to print."""

    district: str
    schools: int = 0
    staff: int = 0
    students: int = 0
    guardians: int = 0
    conferences: int = 0


class Rows:
    """Rows waiting to be written, per table, flushed in foreign-key order."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending: dict[str, list[tuple[Any, ...]]] = {t: [] for t in COLUMNS}
        self.sql = {
            t: f"INSERT INTO {t} ({', '.join(c)}) VALUES ({', '.join('?' * len(c))})"
            for t, c in COLUMNS.items()
        }

    def add(self, table: str, *values: Any) -> None:
        self.pending[table].append(values)

    def flush(self) -> None:
        for table, rows in self.pending.items():
            if rows:
                self.db.conn.executemany(self.sql[table], rows)
                rows.clear()


def school_counts(students: int) -> dict[str, int]:
    """About 3/2/1 elementary/middle/high schools per 1,000 students, growing with the root."""
    scale = math.sqrt(max(students, 1) / 1000)
    return {
        "elementary": max(3, round(3 * scale)),
        "middle": max(2, round(2 * scale)),
        "high": max(1, round(scale)),
    }


@cache
def weekday(start: date, n: int) -> date:
    """The n-th weekday on or after start (0 is start itself, moved off a weekend)."""
    day = start
    while day.weekday() >= 5:
        day += timedelta(days=1)
    weeks, rest = divmod(n, 5)
    day += timedelta(weeks=weeks)
    for _ in range(rest):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


@cache
def at(day: date, slot: int, first_hour: int = 12) -> str:
    minutes = first_hour * 60 + 30 * slot
    return f"{day.isoformat()}T{minutes // 60:02d}:{minutes % 60:02d}"


class Generator:
    """One pass over families; each family writes its guardians, children and their records."""

    def __init__(self, db: Database, students: int, seed: int, user: str) -> None:
        self.db = db
        self.target = students
        self.rng = random.Random(seed)
        self.user = user
        self.rows = Rows(db)
        self.summary = Summary(DISTRICT)
        self.schools: dict[str, list[School]] = {}
        self.conference_id = 0
        self.request_id = 0
        self.guardian_id = 0
        self.student_id = 0
        self.household = 0
        self.adhoc: set[tuple[str, str]] = set()  # (person, at) booked outside the windows
        self.remote_school: str = ""

    # -- district, schools and staff -------------------------------------------------------

    def district(self) -> None:
        session = Session(self.db, SYSTEM)
        session.insert(
            "district", {"id": 1, "name": DISTRICT, "created_at": "2025-07-01", "demo": 1}
        )
        self.db.conn.executemany(
            "INSERT INTO district_policy (policy, position) VALUES (?, ?)",
            [(p, i) for i, p in enumerate(POLICIES)],
        )
        self.db.conn.executemany(
            "INSERT INTO school_year (name, start, end) VALUES (?, ?, ?)",
            [(n, s.isoformat(), e.isoformat()) for n, s, e in YEARS],
        )

    def staff_row(
        self,
        id: str,
        role: str,
        school: str | None,
        username: str | None = None,
        name: str | None = None,
    ) -> str:
        name = name or f"{names.given(self.rng)} {names.family(self.rng)}"
        self.db.conn.execute(
            "INSERT INTO staff (id, name, role, school_id, username) VALUES (?, ?, ?, ?, ?)",
            [id, name, role, school, username],
        )
        self.summary.staff += 1
        return id

    def build_schools(self) -> None:
        used: set[str] = set()
        share = {lvl: len(g) / len(GRADES) for lvl, g in LEVELS.items()}
        demo_users = {
            "superintendent": "superintendent1",
            "principal": "principal1",
            "designee": "designee1",
            "office": "office1",
            "teacher": "teacher1",
        }
        demo_users = {k: v for k, v in demo_users.items() if v != self.user}
        self.staff_row("SUP", "superintendent", None, demo_users.get("superintendent"))
        self.staff_row(self.user, "it", None, self.user, self.user)
        for level, count in school_counts(self.target).items():
            self.schools[level] = []
            per_grade = self.target * share[level] / count / len(LEVELS[level])
            for n in range(1, count + 1):
                sid = f"{level[0].upper()}{n:02d}"
                self.db.conn.execute(
                    "INSERT INTO school (id, name, level) VALUES (?, ?, ?)",
                    [sid, names.school_name(self.rng, level, used), level],
                )
                first = level == "elementary" and n == 1
                people = {
                    role: self.staff_row(
                        f"{sid}-{tag}", role, sid, demo_users.get(role) if first else None
                    )
                    for role, tag in (("principal", "P"), ("designee", "AP"), ("office", "O1"))
                }
                self.staff_row(f"{sid}-O2", "office", sid)
                teachers: dict[str, list[str]] = {}
                t = 0
                for grade in LEVELS[level]:
                    teachers[grade] = []
                    for _ in range(max(1, math.ceil(per_grade / CLASS_SIZE))):
                        t += 1
                        user = demo_users.get("teacher") if first and t == 1 else None
                        teachers[grade].append(
                            self.staff_row(f"{sid}-T{t:03d}", "teacher", sid, user)
                        )
                school = School(
                    sid, level, people["principal"], people["designee"], people["office"], teachers
                )
                self.schools[level].append(school)
                self.summary.schools += 1
        self.remote_school = self.schools["middle"][0].id

    def calendar(self) -> None:
        """Grading periods per elementary school (trimesters or quarters) and remote periods."""
        for i, school in enumerate(self.schools["elementary"]):
            parts = 3 if i % 2 == 0 else 4
            label = "T" if parts == 3 else "Q"
            for year, start, end in YEARS:
                span = (end - start).days + 1
                for p in range(parts):
                    first = start + timedelta(days=span * p // parts)
                    last = start + timedelta(days=span * (p + 1) // parts - 1)
                    pid = f"{school.id}-{year}-{label}{p + 1}"
                    self.db.conn.execute(
                        "INSERT INTO period (id, school_id, kind, name, start, end)"
                        " VALUES (?, ?, 'grading', ?, ?, ?)",
                        [
                            pid,
                            school.id,
                            f"{year} {label}{p + 1}",
                            first.isoformat(),
                            last.isoformat(),
                        ],
                    )
                    school.periods.append((pid, first, last))
        self.db.conn.executemany(
            "INSERT INTO remote_period (school_id, start, end) VALUES (?, ?, ?)",
            [
                (None, DISTRICT_REMOTE[0].isoformat(), DISTRICT_REMOTE[1].isoformat()),
                (None, SNOW_WEEK[0].isoformat(), SNOW_WEEK[1].isoformat()),
                (self.remote_school, SCHOOL_REMOTE_START.isoformat(), None),
            ],
        )

    def involvement(self) -> None:
        """Each school's involvement programmes, and reports from most principals for 2025-26."""
        rows = []
        for level in self.schools.values():
            for i, school in enumerate(level):
                month = date(2025, 9, 1)
                while month <= TODAY:
                    if month.month not in (7, 8):
                        rows.append(
                            (
                                school.id,
                                weekday(month, 1).isoformat(),
                                "newsletter",
                                None,
                                "Monthly family newsletter",
                            )
                        )
                        rows.append(
                            (
                                school.id,
                                weekday(month, 8).isoformat(),
                                "drop-in",
                                self.rng.randint(2, 15),
                                "Principal's drop-in hour",
                            )
                        )
                    if month.month in (10, 1, 4):
                        rows.append(
                            (
                                school.id,
                                weekday(month, 12).isoformat(),
                                "advisory",
                                self.rng.randint(5, 14),
                                "Parent advisory committee",
                            )
                        )
                    if month.month == 9:
                        rows.append(
                            (
                                school.id,
                                weekday(month, 10).isoformat(),
                                "open-house",
                                self.rng.randint(80, 400),
                                "Back-to-school open house",
                            )
                        )
                    if month.month in (11, 3):
                        rows.append(
                            (
                                school.id,
                                weekday(month, 5).isoformat(),
                                "training",
                                self.rng.randint(8, 40),
                                "Family workshop",
                            )
                        )
                        rows.append(
                            (
                                school.id,
                                weekday(month, 15).isoformat(),
                                "home-visit",
                                self.rng.randint(3, 12),
                                "Home visits by teachers",
                            )
                        )
                    if month.month in (10, 2):
                        rows.append(
                            (
                                school.id,
                                weekday(month, 3).isoformat(),
                                "volunteer",
                                self.rng.randint(10, 60),
                                "Classroom volunteers",
                            )
                        )
                    month = (month + timedelta(days=32)).replace(day=1)
                if i % 3 != 2:
                    self.db.conn.execute(
                        "INSERT INTO involvement_report (school_id, year, submitted_on,"
                        " submitted_by) VALUES (?, '2025-2026', ?, ?)",
                        [school.id, weekday(date(2026, 6, 1), i % 8).isoformat(), school.principal],
                    )
        self.db.conn.executemany(
            "INSERT INTO involvement_activity (school_id, held_on, kind, attendance, note)"
            " VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    # -- families --------------------------------------------------------------------------

    def families(self) -> Iterator[int]:
        """Write families until the target is reached; yields students written so far."""
        while self.student_id < self.target:
            self.family()
            if self.student_id % CHUNK < 3 or self.student_id >= self.target:
                self.rows.flush()
                yield self.student_id
        self.rows.flush()

    def family(self) -> None:
        rng = self.rng
        last = names.family(rng)
        language = rng.choices(LANGUAGE_CODES, cum_weights=LANGUAGE_WEIGHTS)[0]
        interpreter = language != "en" and rng.random() < 0.6
        kids = min(
            rng.choices((1, 2, 3), cum_weights=(55, 88, 100))[0], self.target - self.student_id
        )
        guardians = self.guardians(last, language, interpreter, rng.random() < 0.7)
        neighbourhood = rng.randrange(10_000)
        spoken = language if interpreter else "en"
        for sibling in range(kids):
            self.child(last, guardians, sibling, neighbourhood, spoken)

    def guardians(
        self, last: str, language: str, interpreter: bool, two: bool
    ) -> list[tuple[str, str]]:
        """One or two guardians; some two-guardian families live in two households."""
        rng = self.rng
        self.household += 1
        first_home = f"H{self.household:07d}"
        separated = two and rng.random() < 0.2
        if separated:
            self.household += 1
        out = []
        for n in range(2 if two else 1):
            self.guardian_id += 1
            gid = f"G{self.guardian_id:07d}"
            first = names.given(rng)
            surname = last if n == 0 or rng.random() < 0.7 else names.family(rng)
            home = f"H{self.household:07d}" if separated and n == 1 else first_home
            self.rows.add(
                "guardian",
                gid,
                f"{first} {surname}",
                names.phone(rng),
                names.email(first, surname, self.guardian_id),
                language,
                int(interpreter),
                home,
            )
            out.append((gid, f"{first} {surname}"))
        self.summary.guardians += len(out)
        return out

    def child(
        self,
        last: str,
        guardians: list[tuple[str, str]],
        sibling: int,
        neighbourhood: int,
        language: str,
    ) -> None:
        rng = self.rng
        self.student_id += 1
        sid = f"S{self.student_id:07d}"
        step, showcase = divmod(self.student_id - 20, 7)
        scenario = SHOWCASE[step] if showcase == 0 and 0 <= step < len(SHOWCASE) else ""
        grade = rng.choice(GRADES)
        grade = SHOWCASE_GRADES.get(scenario, grade)
        level = next(lvl for lvl, grades in LEVELS.items() if grade in grades)
        schools = self.schools[level]
        school = schools[neighbourhood % len(schools)]
        seated = school.seated.get(grade, 0)
        school.seated[grade] = seated + 1
        teachers = school.teachers[grade]
        teacher = teachers[seated % len(teachers)]
        position = seated // len(teachers)
        active = rng.random() > 0.01
        self.rows.add(
            "student", sid, names.given(rng), last, grade, school.id, teacher, int(active)
        )
        for i, (gid, _) in enumerate(guardians):
            self.rows.add(
                "guardianship",
                sid,
                gid,
                "parent" if i == 0 or rng.random() < 0.9 else "step-parent",
            )
        self.summary.students += 1
        kid = Kid(sid, school, teacher, guardians, sibling, position, scenario, language)
        self.emergency_contact(kid)
        self.flexible(kid)
        self.remote_learning(kid)
        if school.level == "elementary":
            self.progress_reports(kid)
        if rng.random() < 0.03 or scenario in REQUESTS:
            self.parent_request(kid)
        elif rng.random() < 0.01 or scenario == "teacher-meeting":
            self.teacher_conference(kid)
        school.last_guardian = guardians[0]

    def emergency_contact(self, kid: Kid) -> None:
        r = self.rng.random()
        if kid.scenario == "no-emergency-contact" or (r > 0.98 and kid.scenario == ""):
            return
        if r < 0.94 and kid.scenario != "escalated":
            self.rows.add(
                "emergency_contact",
                kid.id,
                f"{names.given(self.rng)} {names.family(self.rng)}",
                names.phone(self.rng),
                weekday(date(2025, 8, 18), kid.sibling).isoformat(),
                None,
            )
        elif r < 0.98:
            self.rows.add(
                "emergency_contact",
                kid.id,
                None,
                None,
                None,
                weekday(date(2025, 9, 2), self.rng.randrange(20)).isoformat(),
            )

    # -- conferences -----------------------------------------------------------------------

    def conference(
        self,
        kid: Kid,
        kind: str,
        status: str,
        when: str,
        *,
        staff: tuple[str, ...] = (),
        attendees: int = 1,
        **extra: Any,
    ) -> int:
        """One conference with the teacher (or given staff) and the family's guardians."""
        rng = self.rng
        self.conference_id += 1
        cid = self.conference_id
        modality = (
            extra.pop("modality", None) or rng.choices(MODALITIES, cum_weights=MODALITY_WEIGHTS)[0]
        )
        offered = extra.pop("remote_offered", None)
        if offered is None:
            offered = int(modality != "in-person" or rng.random() > 0.02)
        elementary = kid.school.level == "elementary"
        row = {
            "group_size": "individual" if elementary else None,
            "planning": "advance" if elementary else None,
            "location": LOCATIONS.get(modality) or f"Room {rng.randrange(101, 241)}",
            **extra,
        }
        guardian = self.interpreter_note(kid)
        self.rows.add(
            "conference",
            cid,
            kid.id,
            kind,
            status,
            when,
            DURATION,
            modality,
            offered,
            row["location"],
            row.get("initiated_by", "teacher"),
            row.get("request_id"),
            row.get("principal_approved", 0),
            row["group_size"],
            row["planning"],
            row.get("problem"),
            row.get("solutions"),
            row.get("plan"),
            row.get("support"),
            guardian,
        )
        for staff_id in staff or (kid.teacher,):
            self.rows.add("conference_staff", cid, staff_id)
        for gid, name in kid.guardians[:attendees]:
            self.rows.add("conference_attendee", cid, name, gid)
        self.summary.conferences += 1
        return cid

    def interpreter_note(self, kid: Kid) -> str | None:
        """The note that books an interpreter for families who need one."""
        lang = kid.language
        return f"Interpreter: {LANGUAGE_NAMES[lang]}" if lang in LANGUAGE_NAMES else None

    def window(self, kid: Kid, start: date) -> str:
        """The kid's slot in a teacher's conference window: no teacher, kid or parent clashes."""
        day = weekday(start, kid.sibling + 3 * (kid.position // SLOTS))
        return at(day, kid.position % SLOTS)

    def flexible(self, kid: Kid) -> None:
        rng = self.rng
        for start, held in ((FALL_2025, 0.90), (SPRING_2026, 0.88), (FALL_2026, 0.62)):
            r = rng.random()
            if r < held:
                status, when = "held", start
            elif r < held + 0.03:
                status, when = "no-show", start
            elif r < held + 0.06:
                status, when = "cancelled", start
            elif start == FALL_2026:
                status, when = "scheduled", LATER_2026
            else:
                continue
            extra = {}
            if kid.scenario == "no-remote-offer" and start == FALL_2026:
                status, when = "held", start
                extra = {"modality": "in-person", "remote_offered": 0}
            cid = self.conference(
                kid,
                "flexible",
                status,
                self.window(kid, when),
                attendees=2 if rng.random() < 0.3 else 1,
                **extra,
            )
            if start == FALL_2026 and status == "held":
                kid.fall_2026 = (cid, self.window(kid, when)[:10])

    def remote_learning(self, kid: Kid) -> None:
        """§ B conferences; families out of reach get attempts, escalations, welfare checks."""
        rng = self.rng
        r = UNREACHABLE.get(kid.scenario, rng.random())
        if r < 0.93:
            cid = self.conference(
                kid,
                "remote-learning",
                "held",
                self.window(kid, REMOTE_2025),
                modality=rng.choice(("video", "phone", "video", "in-person")),
            )
            if rng.random() < 0.97 and kid.scenario != "no-document":
                self.rows.add(
                    "resource_document", cid, weekday(REMOTE_2025, -3 + kid.sibling).isoformat()
                )
        elif r < 0.95:
            self.conference(
                kid,
                "remote-learning",
                "no-show" if r < 0.94 else "cancelled",
                self.window(kid, REMOTE_2025),
                modality="video",
            )
        else:
            self.unreachable(kid, r)
        if kid.school.id == self.remote_school:
            r = rng.random()
            if r < 0.5:
                cid = self.conference(
                    kid, "remote-learning", "held", self.window(kid, REMOTE_2026), modality="video"
                )
                self.rows.add("resource_document", cid, "2026-10-26")
            elif r < 0.8:
                cid = self.conference(
                    kid,
                    "remote-learning",
                    "scheduled",
                    self.window(kid, REMOTE_LATER),
                    modality="video",
                )
                if rng.random() < 0.5:
                    self.rows.add("resource_document", cid, "2026-11-20")

    def unreachable(self, kid: Kid, r: float) -> None:
        """Three failed calls; then (by r) nothing yet, an escalation, or a welfare check too."""
        rng = self.rng
        day = date(2025, 11, 24) + timedelta(days=kid.sibling)
        outcomes = ["no-answer", "left-message", "wrong-number", "no-answer"]
        if r > 0.995:
            outcomes[-1] = "reached"  # reached at last: no report needed
        for n, outcome in enumerate(outcomes[: 3 if r <= 0.995 else 4]):
            self.rows.add(
                "contact_attempt",
                kid.id,
                (day + timedelta(days=4 * n)).isoformat(),
                rng.choice(("phone", "phone", "email", "text")),
                outcome,
                "remote-learning-conference",
                kid.teacher,
                None,
            )
        if 0.965 < r <= 0.995:
            reported = (day + timedelta(days=14)).isoformat()
            self.rows.add("escalation", kid.id, reported, kid.school.designee, kid.teacher)
            if r > 0.98:
                self.rows.add(
                    "welfare_check",
                    kid.id,
                    (day + timedelta(days=16)).isoformat(),
                    "Emergency contact reached: family safe, phone line changed",
                    kid.school.designee,
                )

    def progress_reports(self, kid: Kid) -> None:
        """One report per ended grading period; a few are missing, some excused under 1806."""
        rng = self.rng
        for pid, start, end in kid.school.periods:
            if end > TODAY:
                continue
            forced = {"missing-report": 0.0, "approved-1806": 0.1}.get(kid.scenario)
            if rng.random() < 0.012 if forced is None else end.year == 2026:
                if rng.random() < 0.3 if forced is None else forced > 0:
                    self.rows.add(
                        "approval_1806", kid.id, pid, (end - timedelta(days=10)).isoformat()
                    )
                continue
            if kid.fall_2026 and start <= date.fromisoformat(kid.fall_2026[1]) <= end:
                self.rows.add("progress_report", kid.id, pid, kid.fall_2026[1], kid.fall_2026[0])
            else:
                issued = min(end + timedelta(days=7), TODAY)
                self.rows.add("progress_report", kid.id, pid, issued.isoformat(), None)

    def book(self, day: date, people: list[str]) -> str:
        """A morning slot on or after day when everyone named is free (ad-hoc meetings)."""
        n = self.rng.randrange(MORNING)
        while True:
            when = at(weekday(day, n // MORNING), n % MORNING, first_hour=8)
            if all((p, when) not in self.adhoc for p in people):
                self.adhoc.update((p, when) for p in people)
                return when
            n += 1

    def parent_request(self, kid: Kid) -> None:
        """A parent calls the office; most requests get a conference, a few wait too long."""
        rng = self.rng
        self.request_id += 1
        rid = f"R{self.request_id:06d}"
        school = kid.school
        with_principal = rng.random() < 0.45 or kid.scenario in PRINCIPAL_REQUESTS
        if kid.scenario == "request-teacher":
            with_principal = False
        if kid.scenario == "fresh-request":
            day = TODAY - timedelta(days=3)
        elif kid.scenario in PRINCIPAL_REQUESTS:
            day = weekday(date(2026, 10, 5), rng.randrange(20))
        elif rng.random() < 0.5:
            day = weekday(date(2026, 9, 8), rng.randrange(55))
        else:
            day = weekday(date(2025, 9, 15), rng.randrange(170))
        topic = rng.choice(
            (
                "Reading progress",
                "Bullying concern",
                "Homework load",
                "Attendance",
                "Placement question",
                "Behaviour on the bus",
            )
        )
        self.rows.add(
            "parent_request",
            rid,
            kid.id,
            day.isoformat(),
            "principal" if with_principal else "teacher",
            topic,
            kid.guardians[0][1],
            kid.guardians[0][0],
            school.office,
            school.principal if with_principal else kid.teacher,
        )
        if (rng.random() < 0.1 and kid.scenario == "") or kid.scenario in OPEN_REQUESTS:
            return  # still open: due or overdue
        staff = [school.principal, kid.teacher] if with_principal else [kid.teacher]
        extra: dict[str, Any] = {"initiated_by": "parent", "request_id": rid}
        attendees = len(kid.guardians)
        if with_principal:
            kind = "parent-principal"
            if rng.random() < 0.15 or kid.scenario == "big-meeting":
                staff.append(school.designee)
                attendees = 5  # both parents, a grandparent, an aunt, an advocate: too many
        else:
            kind = "parent-student-teacher" if school.level == "high" else "parent-teacher"
        family = [g for g, _ in kid.guardians]
        when = self.book(day + timedelta(days=rng.randint(1, 4)), [kid.id, *staff, *family])
        status = (
            "scheduled"
            if when[:10] > TODAY.isoformat()
            else rng.choices(("held", "cancelled", "no-show"), (90, 6, 4))[0]
        )
        if kind == "parent-principal" and when[:10] <= TODAY.isoformat() and kid.scenario:
            status = "held"
        if kind == "parent-principal" and status == "held":
            extra.update(self.resolution(topic, kid.scenario == "incomplete-record"))
        other = school.last_guardian
        if (
            kind != "parent-principal"
            or other is None
            or other[0] in family
            or (rng.random() >= 0.08 and kid.scenario != "other-patron")
        ):
            other = None
        elif kid.scenario != "other-patron":
            extra["principal_approved"] = int(rng.random() < 0.4)
        cid = self.conference(
            kid,
            kind,
            status,
            when,
            staff=tuple(staff),
            attendees=min(attendees, len(kid.guardians)),
            modality=rng.choice(("in-person", "in-person", "video")),
            **extra,
        )
        for n in range(attendees - len(kid.guardians)):
            name = ("Grandparent", "Aunt", "Family advocate", "Uncle")[n]
            self.rows.add(
                "conference_attendee", cid, f"{names.given(rng)} {names.family(rng)} ({name})", None
            )
        if other and (other[0], when) not in self.adhoc:
            self.adhoc.add((other[0], when))
            self.rows.add("conference_attendee", cid, other[1], other[0])

    def resolution(self, topic: str, incomplete: bool) -> dict[str, Any]:
        """Item 3's record of a parent-initiated conference; about a quarter left incomplete."""
        rng = self.rng
        record = {
            "problem": f"{topic}: the parent's concern as agreed by everyone",
            "solutions": "Seat change; weekly check-in; counselor referral",
            "plan": "Weekly check-in with the teacher for six weeks, then review",
            "support": "parent,school,student",
        }
        r = 0.2 if incomplete else rng.random()
        if r < 0.1:
            record["support"] = "parent,school"
        elif r < 0.18:
            record["plan"] = None
        elif r < 0.25:
            record.update(solutions=None, support="school")
        return record

    def teacher_conference(self, kid: Kid) -> None:
        """A teacher-initiated P1471 conference outside the flexible ones."""
        rng = self.rng
        kind = "parent-student-teacher" if kid.school.level != "elementary" else "parent-teacher"
        when = self.book(
            weekday(date(2026, 1, 12), rng.randrange(100)),
            [kid.id, kid.teacher, *(g for g, _ in kid.guardians)],
        )
        self.conference(
            kid,
            kind,
            rng.choices(("held", "no-show", "cancelled"), (85, 10, 5))[0],
            when,
            initiated_by="teacher",
            group_size="small-group" if kid.school.level == "elementary" else None,
            planning="impromptu" if kid.school.level == "elementary" else None,
        )


UNREACHABLE = {
    "remote-no-show": 0.935,
    "remote-cancelled": 0.945,
    "unreachable": 0.955,
    "escalated": 0.97,
    "welfare-done": 0.99,
    "reached": 0.999,
}
REQUESTS = {
    "open-request",
    "fresh-request",
    "big-meeting",
    "other-patron",
    "incomplete-record",
    "request-teacher",
}
PRINCIPAL_REQUESTS = REQUESTS - {"open-request", "fresh-request", "request-teacher"}
OPEN_REQUESTS = {"open-request", "fresh-request"}


@dataclass
class Kid:
    """A student being generated, with what their conferences need to know."""

    id: str
    school: School
    teacher: str
    guardians: list[tuple[str, str]]
    sibling: int
    position: int
    scenario: str
    language: str
    fall_2026: tuple[int, str] | None = None


@contextmanager
def _rollback_journal(db: Database) -> Iterator[None]:
    """Write a new file's pages once, straight to it, instead of into the WAL and then back.

    A rollback journal of an empty file holds next to nothing; WAL mode returns afterwards.
    """
    (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    if mode != "wal":
        yield
        return
    db.execute("PRAGMA journal_mode = DELETE")
    try:
        yield
    finally:
        db.execute("PRAGMA journal_mode = WAL")


@contextmanager
def _bulk_load(db: Database) -> Iterator[None]:
    """Load without the double-booking triggers and the tables' indexes, then restore them.

    Triggers cost a lookup per row and an index built once is a sort, not a million random
    page writes. The generator books nobody twice by construction (slots by class position,
    days by sibling order, a ledger for the rest), which the tests check. Inside the caller's
    transaction: a failure rolls everything back in place.
    """
    tables = ", ".join("?" * len(COLUMNS))
    saved = db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE (type = 'trigger' AND name LIKE ?)"
        f" OR (type = 'index' AND sql IS NOT NULL AND tbl_name IN ({tables}))",
        ["%no_double_booking%", *COLUMNS],
    ).fetchall()
    for kind, name, _ in saved:
        db.execute(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in saved:
        db.execute(sql)


def generate(
    db: Database,
    students: int,
    seed: int,
    user: str,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Fill an empty database with the demo district, in one transaction."""
    if students < 1:
        raise PoltermError(f"--students {students}: give at least 1")
    if db.table("district").count:
        raise PoltermError("this database already has a district; use --force to replace it")
    gen = Generator(db, students, seed, user)
    cache = pragma_while(db, "cache_size", CACHE_KIB)  # index pages stay in memory
    with cache, _rollback_journal(db), transaction(db), _bulk_load(db):
        gen.district()
        gen.build_schools()
        gen.calendar()
        gen.involvement()
        done = 0
        for written in gen.families():
            if progress:
                progress(written - done)
            done = written
        conference_days.add(db, seed)
    return gen.summary
