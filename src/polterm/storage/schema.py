"""The core schema, as an ordered set of sqlite-utils migrations applied on open.

Append new migrations at the end; never edit one that has shipped. A database that
has a migration this code does not know was written by a newer polterm and is refused.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

migrations = Migrations("polterm")

CORE_TABLES = """
CREATE TABLE district (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE district_policy (
    policy TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE policy_setting (
    policy TEXT NOT NULL,
    rule TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,            -- JSON
    PRIMARY KEY (policy, rule, key)
);
CREATE TABLE school (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('elementary', 'middle', 'high'))
);
CREATE TABLE school_year (
    name TEXT PRIMARY KEY,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    CHECK (start <= end)
);
CREATE TABLE period (
    id TEXT PRIMARY KEY,
    school_id TEXT REFERENCES school(id),   -- null: every school
    kind TEXT NOT NULL DEFAULT 'grading',
    name TEXT,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    CHECK (start <= end)
);
CREATE INDEX period_school ON period(school_id, end);
CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN
        ('teacher', 'principal', 'designee', 'office', 'it', 'superintendent')),
    school_id TEXT REFERENCES school(id),
    username TEXT UNIQUE,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX staff_school ON staff(school_id);
CREATE TABLE student (
    id TEXT PRIMARY KEY,
    given TEXT NOT NULL,
    family TEXT NOT NULL,
    grade TEXT NOT NULL,
    school_id TEXT NOT NULL REFERENCES school(id),
    teacher_id TEXT REFERENCES staff(id),
    active INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX student_school ON student(school_id, grade);
CREATE INDEX student_teacher ON student(teacher_id);
CREATE INDEX student_family ON student(family COLLATE NOCASE, given COLLATE NOCASE);
CREATE INDEX student_given ON student(given COLLATE NOCASE);
CREATE TABLE guardian (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    language TEXT NOT NULL DEFAULT 'en',
    interpreter INTEGER NOT NULL DEFAULT 0,
    household TEXT                          -- guardians sharing a home share a value
);
CREATE INDEX guardian_name ON guardian(name COLLATE NOCASE);
CREATE TABLE guardianship (
    student_id TEXT NOT NULL REFERENCES student(id),
    guardian_id TEXT NOT NULL REFERENCES guardian(id),
    relationship TEXT,
    PRIMARY KEY (student_id, guardian_id)
) WITHOUT ROWID;
CREATE INDEX guardianship_guardian ON guardianship(guardian_id, student_id);
CREATE TABLE emergency_contact (
    student_id TEXT PRIMARY KEY REFERENCES student(id),
    name TEXT,
    phone TEXT,
    set_on TEXT,                            -- when the contact was put on file
    requested_on TEXT                       -- when the parent was asked for one
);
CREATE TABLE parent_request (
    id TEXT PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    requested_on TEXT NOT NULL,
    with_whom TEXT NOT NULL CHECK (with_whom IN ('teacher', 'principal')),
    topic TEXT,
    caller TEXT,                            -- who called, as the office wrote it down
    guardian_id TEXT REFERENCES guardian(id),
    taken_by TEXT REFERENCES staff(id),
    wanted_staff_id TEXT REFERENCES staff(id)
);
CREATE INDEX parent_request_student ON parent_request(student_id);
CREATE TABLE conference (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'held', 'cancelled', 'no-show')),
    at TEXT NOT NULL,                       -- YYYY-MM-DDTHH:MM, local time of the district
    duration_minutes INTEGER NOT NULL DEFAULT 30,
    modality TEXT NOT NULL DEFAULT 'in-person'
        CHECK (modality IN ('in-person', 'phone', 'video', 'other')),
    remote_offered INTEGER NOT NULL DEFAULT 0,
    location TEXT,                          -- room, or call / video details
    initiated_by TEXT CHECK (initiated_by IN ('parent', 'teacher', 'principal')),
    request_id TEXT REFERENCES parent_request(id),
    principal_approved INTEGER NOT NULL DEFAULT 0,
    group_size TEXT CHECK (group_size IN ('individual', 'small-group', 'large-group')),
    planning TEXT CHECK (planning IN ('advance', 'impromptu')),
    agenda TEXT,
    information_prepared TEXT,
    problem TEXT,
    solutions TEXT,
    plan TEXT,
    support TEXT,                           -- comma list of parent,school,student
    notes TEXT,
    checklist TEXT,                         -- JSON: {"policy:item": true, ...}
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT,
    updated_at TEXT
);
CREATE INDEX conference_student ON conference(student_id, kind, at);
CREATE INDEX conference_at ON conference(at);
CREATE INDEX conference_request ON conference(request_id);
CREATE TABLE conference_staff (
    conference_id INTEGER NOT NULL REFERENCES conference(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    PRIMARY KEY (conference_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX conference_staff_staff ON conference_staff(staff_id);
CREATE TABLE conference_attendee (
    id INTEGER PRIMARY KEY,
    conference_id INTEGER NOT NULL REFERENCES conference(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    guardian_id TEXT REFERENCES guardian(id)
);
CREATE INDEX conference_attendee_conference ON conference_attendee(conference_id);
CREATE INDEX conference_attendee_guardian ON conference_attendee(guardian_id);
CREATE TABLE resource_document (
    id INTEGER PRIMARY KEY,
    conference_id INTEGER NOT NULL REFERENCES conference(id),
    provided_on TEXT NOT NULL
);
CREATE INDEX resource_document_conference ON resource_document(conference_id);
CREATE TABLE remote_period (
    id INTEGER PRIMARY KEY,
    school_id TEXT REFERENCES school(id),   -- null: district-wide
    start TEXT NOT NULL,
    end TEXT,                               -- null: ongoing
    CHECK (end IS NULL OR start <= end)
);
CREATE TABLE contact_attempt (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    made_on TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('phone', 'email', 'letter', 'text', 'visit')),
    outcome TEXT NOT NULL CHECK (outcome IN
        ('reached', 'no-answer', 'left-message', 'wrong-number', 'bounced')),
    purpose TEXT NOT NULL CHECK (purpose IN
        ('remote-learning-conference', 'flexible-conference', 'other')),
    staff_id TEXT REFERENCES staff(id),
    note TEXT
);
CREATE INDEX contact_attempt_student ON contact_attempt(student_id, made_on);
CREATE TABLE escalation (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    made_on TEXT NOT NULL,
    to_staff_id TEXT REFERENCES staff(id),
    by_staff_id TEXT REFERENCES staff(id)
);
CREATE INDEX escalation_student ON escalation(student_id, made_on);
CREATE TABLE welfare_check (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    made_on TEXT NOT NULL,
    outcome TEXT NOT NULL,
    by_staff_id TEXT REFERENCES staff(id)
);
CREATE INDEX welfare_check_student ON welfare_check(student_id, made_on);
CREATE TABLE progress_report (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    period_id TEXT NOT NULL REFERENCES period(id),
    issued_on TEXT NOT NULL,
    conference_id INTEGER REFERENCES conference(id)
);
CREATE INDEX progress_report_student ON progress_report(student_id, period_id);
CREATE TABLE approval_1806 (
    id INTEGER PRIMARY KEY,
    student_id TEXT NOT NULL REFERENCES student(id),
    period_id TEXT NOT NULL REFERENCES period(id),
    approved_on TEXT NOT NULL,
    UNIQUE (student_id, period_id)
);
CREATE TABLE involvement_activity (
    id INTEGER PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES school(id),
    held_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('newsletter', 'open-house', 'home-visit', 'drop-in',
        'volunteer', 'training', 'advisory', 'other')),
    attendance INTEGER,
    note TEXT
);
CREATE INDEX involvement_activity_school ON involvement_activity(school_id, held_on);
CREATE TABLE involvement_report (
    school_id TEXT NOT NULL REFERENCES school(id),
    year TEXT NOT NULL REFERENCES school_year(name),
    submitted_on TEXT NOT NULL,
    submitted_by TEXT REFERENCES staff(id),
    PRIMARY KEY (school_id, year)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                       -- UTC timestamp
    actor TEXT NOT NULL,                    -- staff id of the person
    os_user TEXT NOT NULL,                  -- who ran polterm (differs under --as)
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    student_id TEXT,
    before TEXT,                            -- JSON of the row before, null on insert
    after TEXT                              -- JSON of the row after, null on delete
);
CREATE INDEX audit_log_student ON audit_log(student_id, at);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
"""


@migrations()
def m001_core_tables(db: Database) -> None:
    """Every table the two seed policies and the contract speak of."""
    for statement in statements(CORE_TABLES):
        db.execute(statement)


def statements(script: str) -> list[str]:
    """Split a script into statements (executescript would commit the migration's transaction)."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if buf.strip() and sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    return out


def _minute(at: str) -> str:
    """SQL: a timestamp as whole minutes since the epoch (julianday fractions round unevenly)."""
    return f"(CAST(strftime('%s', {at}) AS INTEGER) / 60)"


def _overlaps(at: str, minutes: str) -> str:
    """SQL: conference c2 is not cancelled and its [at, at+duration) meets [at, at+minutes)."""
    return (
        f"c2.status != 'cancelled' AND {_minute('c2.at')} < {_minute(at)} + {minutes}"
        f" AND {_minute(at)} < {_minute('c2.at')} + c2.duration_minutes"
    )


_STUDENT_TAKEN = "double-booked: the student already has a conference at that time"
_STAFF_TAKEN = "double-booked: a staff member already has a conference at that time"
_GUARDIAN_TAKEN = "double-booked: a guardian already attends a conference at that time"


def _conference_clash(event: str) -> str:
    """A trigger refusing a conference row whose student, staff or guardians are busy then."""
    when = "INSERT" if event == "insert" else "UPDATE OF at, duration_minutes, status, student_id"
    overlap = _overlaps("NEW.at", "NEW.duration_minutes")
    return f"""
CREATE TRIGGER conference_no_double_booking_{event} BEFORE {when} ON conference
WHEN NEW.status != 'cancelled'
BEGIN SELECT CASE
    WHEN EXISTS (SELECT 1 FROM conference c2 WHERE c2.id != NEW.id
                 AND c2.student_id = NEW.student_id AND {overlap})
        THEN RAISE(ABORT, '{_STUDENT_TAKEN}')
    WHEN EXISTS (SELECT 1 FROM conference_staff s JOIN conference_staff s2
                 ON s2.staff_id = s.staff_id JOIN conference c2 ON c2.id = s2.conference_id
                 WHERE s.conference_id = NEW.id AND c2.id != NEW.id AND {overlap})
        THEN RAISE(ABORT, '{_STAFF_TAKEN}')
    WHEN EXISTS (SELECT 1 FROM conference_attendee a JOIN conference_attendee a2
                 ON a2.guardian_id = a.guardian_id JOIN conference c2 ON c2.id = a2.conference_id
                 WHERE a.conference_id = NEW.id AND c2.id != NEW.id AND {overlap})
        THEN RAISE(ABORT, '{_GUARDIAN_TAKEN}')
END; END"""


def _link_clash(table: str, column: str, message: str, event: str) -> str:
    """A trigger refusing a staff member or guardian added to a conference when busy then."""
    when = "INSERT" if event == "insert" else f"UPDATE OF conference_id, {column}"
    overlap = _overlaps("c.at", "c.duration_minutes")
    return f"""
CREATE TRIGGER {table}_no_double_booking_{event} BEFORE {when} ON {table}
WHEN NEW.{column} IS NOT NULL
BEGIN SELECT RAISE(ABORT, '{message}') WHERE EXISTS (
    SELECT 1 FROM conference c JOIN {table} l2 ON l2.{column} = NEW.{column}
    JOIN conference c2 ON c2.id = l2.conference_id
    WHERE c.id = NEW.conference_id AND c.status != 'cancelled' AND c2.id != c.id AND {overlap});
END"""


@migrations()
def m002_no_double_booking(db: Database) -> None:
    """Nobody is booked into two overlapping conferences: enforced by SQLite, for every writer."""
    for event in ("insert", "update"):
        db.execute(_conference_clash(event))
        db.execute(_link_clash("conference_staff", "staff_id", _STAFF_TAKEN, event))
        db.execute(_link_clash("conference_attendee", "guardian_id", _GUARDIAN_TAKEN, event))


@migrations()
def m003_back_to_back_is_not_a_clash(db: Database) -> None:
    """Rebuild the double-booking triggers to compare whole minutes: 18:40+30 meets 19:10."""
    for table in ("conference", "conference_staff", "conference_attendee"):
        for event in ("insert", "update"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_no_double_booking_{event}")
    m002_no_double_booking(db)


@migrations()
def m004_roster_students(db: Database) -> None:
    """Remember which students a roster import brought, so a re-import never retires hand-entered.

    Existing students without an audited insert came from an import (or the demo) and count.
    """
    db.execute(
        "CREATE TABLE roster_student (id TEXT PRIMARY KEY REFERENCES student(id) ON DELETE CASCADE)"
    )
    db.execute(
        "INSERT INTO roster_student (id) SELECT id FROM student WHERE id NOT IN"
        " (SELECT record_id FROM audit_log WHERE table_name = 'student' AND action = 'insert')"
    )


@migrations()
def m005_finding_store(db: Database) -> None:
    """The last evaluation's findings, so the dashboard reads them instead of evaluating.

    Nulls sort first, as in the engine's order; rank is services.finding_store.STATUS_ORDER.
    """
    for statement in statements(
        """
CREATE TABLE finding_store (
    policy TEXT NOT NULL,
    rule TEXT NOT NULL,
    status TEXT NOT NULL,
    student_id TEXT,
    conference_id INTEGER,
    school_id TEXT,
    due TEXT,
    message TEXT NOT NULL,
    citation TEXT NOT NULL,
    rank INTEGER GENERATED ALWAYS AS (CASE status WHEN 'action' THEN 0 WHEN 'overdue' THEN 1
        WHEN 'due' THEN 2 WHEN 'warning' THEN 3 ELSE 9 END) VIRTUAL
);
CREATE INDEX finding_store_order
    ON finding_store(rank, due, policy, rule, school_id, student_id, conference_id);
CREATE INDEX finding_store_student ON finding_store(student_id);
CREATE INDEX finding_store_school ON finding_store(school_id);
CREATE TABLE finding_store_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    as_of TEXT NOT NULL,
    stamp TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    computed_at TEXT NOT NULL,
    errors TEXT NOT NULL
);
"""
    ):
        db.execute(statement)


@migrations()
def m006_sections(db: Database) -> None:
    """Classes as rosters give them: students enrolled in sections taught by one or more staff.

    A section's primary teacher is its teacher of record (OneRoster enrollments' primary=true).
    """
    for statement in statements(
        """
CREATE TABLE section (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL REFERENCES school(id),
    title TEXT NOT NULL,
    homeroom INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX section_school ON section(school_id);
CREATE TABLE section_teacher (
    section_id TEXT NOT NULL REFERENCES section(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    is_primary INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (section_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX section_teacher_staff ON section_teacher(staff_id, section_id);
CREATE TABLE enrollment (
    section_id TEXT NOT NULL REFERENCES section(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES student(id),
    PRIMARY KEY (section_id, student_id)
) WITHOUT ROWID;
CREATE INDEX enrollment_student ON enrollment(student_id, section_id);
"""
    ):
        db.execute(statement)


@migrations()
def m160_roster_grade_code(db: Database) -> None:
    """The grade code an import read (CEDS `KG`, `05,06`) beside the grade it files under."""
    db.execute("ALTER TABLE student ADD COLUMN grade_code TEXT")


@migrations()
def m161_conference_fold(db: Database) -> None:
    """Which reading of a local time the clocks repeat a conference means: 1 for the second.

    `at` stays the wall-clock time every query compares; the fold only tells an hour apart.
    """
    db.execute("ALTER TABLE conference ADD COLUMN fold INTEGER NOT NULL DEFAULT 0")


@migrations()
def m162_roster_guardians(db: Database) -> None:
    """Remember which guardians a roster import brought, so a re-import can drop the links an
    export no longer has without touching guardians typed in by hand.

    Existing guardians without an audited insert came from an import (or the demo) and count.
    """
    db.execute(
        "CREATE TABLE roster_guardian"
        " (id TEXT PRIMARY KEY REFERENCES guardian(id) ON DELETE CASCADE)"
    )
    db.execute(
        "INSERT INTO roster_guardian (id) SELECT id FROM guardian WHERE id NOT IN"
        " (SELECT record_id FROM audit_log WHERE table_name = 'guardian' AND action = 'insert')"
    )


@migrations()
def m180_mail(db: Database) -> None:
    """E-mail to families: the SMTP settings (never a password), the outbox, do-not-email.

    The outbox keeps each message's facts as queued (`facts`, JSON) and renders at send time,
    so a message says what was true when its cause was written. `status` 'call' marks a
    guardian to phone instead (no e-mail, or do-not-email); 'sending' is set, and committed,
    before the message is handed to the server, so a crash leaves it in doubt rather than
    unsent (docs/mail.md).
    """
    for statement in statements(
        """
ALTER TABLE guardian ADD COLUMN do_not_email INTEGER NOT NULL DEFAULT 0;
CREATE TABLE mail_setting (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    host TEXT NOT NULL,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    security TEXT NOT NULL CHECK (security IN ('none', 'starttls', 'ssl')),
    username TEXT,
    password_file TEXT,                     -- a path; the password itself is never stored
    from_address TEXT NOT NULL,
    reminder_hours INTEGER NOT NULL DEFAULT 24 CHECK (reminder_hours BETWEEN 0 AND 720)
);
CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,        -- RFC 5322 Message-ID, fixed when queued
    kind TEXT NOT NULL CHECK (kind IN
        ('invitation', 'change', 'cancellation', 'reminder', 'confirmation')),
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'claimed', 'sending',
        'sent', 'failed', 'bounced', 'unknown', 'call', 'called')),
    guardian_id TEXT NOT NULL REFERENCES guardian(id),
    student_id TEXT NOT NULL REFERENCES student(id),
    school_id TEXT NOT NULL REFERENCES school(id),
    conference_id INTEGER NOT NULL REFERENCES conference(id),
    conference_at TEXT NOT NULL,            -- the conference's time when queued
    language TEXT NOT NULL,                 -- the language the message is written in
    language_missing TEXT,                  -- the guardian's language when we had no templates
    ical_uid TEXT NOT NULL,
    ical_sequence INTEGER NOT NULL,
    facts TEXT NOT NULL,                    -- JSON: what the message says
    send_after TEXT NOT NULL,               -- district local time, YYYY-MM-DDTHH:MM
    next_attempt_at TEXT NOT NULL,          -- district local time of the next try
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,                        -- the server's reply, never an address
    claimed_by TEXT,                        -- the `mail send` run holding the row
    lease_until REAL,                       -- Unix time the claim runs out
    queued_at TEXT NOT NULL,                -- UTC
    sent_at TEXT                            -- UTC, when the server accepted it
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
CREATE INDEX mail_outbox_student ON mail_outbox(student_id, id);
CREATE INDEX mail_outbox_school ON mail_outbox(school_id, status);
CREATE INDEX mail_outbox_conference ON mail_outbox(conference_id);
CREATE UNIQUE INDEX mail_outbox_one_reminder
    ON mail_outbox(conference_id, guardian_id, conference_at) WHERE kind = 'reminder';
"""
    ):
        db.execute(statement)


@migrations()
def m150_policy_history(db: Database) -> None:
    """Dated policy changes, so a check as of an earlier day uses the policies in force then.

    `district_policy` holds the set after every change; a change dated after a day is undone
    to get that day's set (the policies named at `init` have no change: in force throughout).
    """
    db.execute(
        """
CREATE TABLE policy_change (
    id INTEGER PRIMARY KEY,
    policy TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('enable', 'disable')),
    effective TEXT NOT NULL,
    position INTEGER NOT NULL
)"""
    )
    db.execute("CREATE INDEX policy_change_effective ON policy_change(effective, id)")


@migrations()
def m151_finding_store_failures(db: Database) -> None:
    """A failing rule is shown where its findings would be: its error, since when, and its last
    good findings kept and marked stale (rule '' stands for a whole policy that did not load)."""
    db.execute("ALTER TABLE finding_store ADD COLUMN stale INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """
CREATE TABLE finding_store_error (
    policy TEXT NOT NULL,
    rule TEXT NOT NULL,
    plugin TEXT NOT NULL,
    message TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (policy, rule)
)"""
    )


@migrations()
def m190_finding_store_contract_order(db: Database) -> None:
    """`check` reads the stored findings in CONTRACT.md's order (policy, rule, school, student,
    conference, due; nulls first), walking this index rather than sorting a million rows;
    its rowid, last in every index entry, keeps the evaluation's own order among ties."""
    db.execute(
        "CREATE INDEX finding_store_contract ON finding_store"
        "(policy, rule, school_id, student_id, conference_id, due)"
    )


@migrations()
def m190_finding_store_counts(db: Database) -> None:
    """The stored findings counted per rule and per school (kind 'rule' or 'school'), kept with
    them, so the district-wide dashboard opens without counting a million rows."""
    db.execute(
        """
CREATE TABLE finding_store_count (
    kind TEXT NOT NULL CHECK (kind IN ('rule', 'school')),
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID"""
    )
    db.execute(
        "INSERT INTO finding_store_count (kind, key, n)"
        " SELECT 'rule', policy || '/' || rule, count(*) FROM finding_store GROUP BY 1, 2"
        " UNION ALL"
        " SELECT 'school', coalesce(school_id, '—'), count(*) FROM finding_store GROUP BY 1, 2"
    )


@migrations()
def m190_finding_store_lines(db: Database) -> None:
    """Each stored finding's JSON line as `check` prints it, made as the finding is stored
    (services.finding_store.LINE_SQL), so a check from the store reads rather than formats;
    a row stored before has none until the next refresh writes it (its line is made then)."""
    db.execute("ALTER TABLE finding_store ADD COLUMN line TEXT")


# (table, column) of every calendar date a person enters, and of the conference date-time
DATE_COLUMNS = (
    ("school_year", "start"), ("school_year", "end"), ("period", "start"), ("period", "end"),
    ("emergency_contact", "set_on"), ("emergency_contact", "requested_on"),
    ("parent_request", "requested_on"), ("resource_document", "provided_on"),
    ("remote_period", "start"), ("remote_period", "end"), ("contact_attempt", "made_on"),
    ("escalation", "made_on"), ("welfare_check", "made_on"), ("progress_report", "issued_on"),
    ("approval_1806", "approved_on"), ("involvement_activity", "held_on"),
    ("involvement_report", "submitted_on"),
)  # fmt: skip
DATETIME_COLUMNS = (("conference", "at"),)
_DIGITS = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


def _shape_check(table: str, column: str, datetime: bool) -> list[str]:
    """Triggers refusing, on every insert and update, a value not of the column's shape and
    years 1900-2100: SQLite cannot add a CHECK to an existing table, a trigger covers every
    write path all the same (the importer's bulk statements included)."""
    value = f"NEW.[{column}]"
    if datetime:
        shape = (
            f"{value} GLOB '{_DIGITS}T[0-9][0-9]:[0-9][0-9]'"
            f" AND strftime('%Y-%m-%dT%H:%M', {value}, '+0 days') = {value}"
        )
        what, last = "a date-time YYYY-MM-DDTHH:MM", "2100-12-31T23:59"
    else:
        shape = f"{value} GLOB '{_DIGITS}' AND date({value}, '+0 days') = {value}"
        what, last = "a date YYYY-MM-DD", "2100-12-31"
    # '+0 days' rolls a 30 February over to March; a month 13 gives NULL, which coalesce makes false
    good = f"coalesce({shape} AND {value} BETWEEN '1900-01-01' AND '{last}', 0)"
    bad = f"{value} IS NOT NULL AND NOT {good}"
    message = f"CHECK constraint failed: {table}.{column} must be {what} in the years 1900-2100"
    return [
        f"CREATE TRIGGER IF NOT EXISTS [{table}_{column}_shape_{event.split()[0].lower()}]"
        f" BEFORE {event} ON [{table}] WHEN {bad}"
        f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for event in ("INSERT", f"UPDATE OF [{column}]")
    ]


@migrations()
def m120_date_shapes(db: Database) -> None:
    """Dates and the conference date-time keep one shape within 1900-2100 (a year 999 got past
    the double-booking trigger, whose strftime gives NULL for it, and broke the exports)."""
    for table, column in DATE_COLUMNS:
        for statement in _shape_check(table, column, datetime=False):
            db.execute(statement)
    for table, column in DATETIME_COLUMNS:
        for statement in _shape_check(table, column, datetime=True):
            db.execute(statement)


@migrations()
def m170_conference_events(db: Database) -> None:
    """Conference days: events, their schools, days, breaks, rules, interpreters and requests.

    Times of day are `HH:MM`; a null setting means "no limit" (or, for the slot length, the
    school level's default). `event_meeting` ties a conference to the event that planned it.
    """
    for statement in statements(
        """
CREATE TABLE event (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    slot_minutes INTEGER CHECK (slot_minutes IS NULL OR slot_minutes BETWEEN 5 AND 120),
    modalities TEXT NOT NULL DEFAULT 'in-person,phone,video',
    teacher_cap INTEGER CHECK (teacher_cap IS NULL OR teacher_cap > 0),
    max_consecutive INTEGER CHECK (max_consecutive IS NULL OR max_consecutive > 0),
    family_gap_minutes INTEGER NOT NULL DEFAULT 0 CHECK (family_gap_minutes >= 0),
    max_per_family INTEGER CHECK (max_per_family IS NULL OR max_per_family > 0),
    max_per_child INTEGER CHECK (max_per_child IS NULL OR max_per_child > 0),
    one_day INTEGER NOT NULL DEFAULT 1,
    travel_minutes INTEGER NOT NULL DEFAULT 15 CHECK (travel_minutes >= 0),
    asked_only INTEGER NOT NULL DEFAULT 0   -- middle/high: only teachers asked for
);
CREATE TABLE event_school (
    event_id TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    school_id TEXT NOT NULL REFERENCES school(id),
    PRIMARY KEY (event_id, school_id)
) WITHOUT ROWID;
CREATE TABLE event_day (
    event_id TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    CHECK (start < end),
    PRIMARY KEY (event_id, day)
) WITHOUT ROWID;
CREATE TABLE event_break (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    CHECK (start < end)
);
CREATE TABLE event_unavailable (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    day TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    CHECK (start < end)
);
CREATE INDEX event_unavailable_event ON event_unavailable(event_id, staff_id);
CREATE TABLE interpreter (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    staff_id TEXT REFERENCES staff(id)
);
CREATE TABLE interpreter_available (
    id INTEGER PRIMARY KEY,
    interpreter_id TEXT NOT NULL REFERENCES interpreter(id),
    event_id TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    CHECK (start < end)
);
CREATE INDEX interpreter_available_event ON interpreter_available(event_id, interpreter_id);
CREATE TABLE event_request (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES event(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES student(id),
    staff_id TEXT REFERENCES staff(id),      -- null: every teacher the event derives
    priority INTEGER CHECK (priority IS NULL OR priority BETWEEN 1 AND 3),
    prefer TEXT,                             -- early, late or a day
    modality TEXT CHECK (modality IS NULL OR modality IN ('in-person', 'phone', 'video')),
    double INTEGER NOT NULL DEFAULT 0        -- a double-length meeting asked for
);
CREATE INDEX event_request_event ON event_request(event_id, student_id);
CREATE TABLE event_meeting (
    conference_id INTEGER PRIMARY KEY REFERENCES conference(id),
    event_id TEXT NOT NULL REFERENCES event(id),
    household TEXT NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(id),
    interpreter_id TEXT REFERENCES interpreter(id),
    planned INTEGER NOT NULL DEFAULT 1      -- 0: booked by hand, never moved by a plan
);
CREATE INDEX event_meeting_event ON event_meeting(event_id, household);
"""
    ):
        db.execute(statement)


@migrations()
def m110_demo_district(db: Database) -> None:
    """Mark generated demo districts, the only databases `polterm demo --force` may replace."""
    db.execute(
        "ALTER TABLE district ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1))"
    )


@migrations()
def m200_finding_store_in_order(db: Database) -> None:
    """Whether the stored findings lie in the table in `check`'s order (a whole refresh with
    no failing rule writes them so), so a check of the whole district reads the table in
    rowid ranges rather than along an index (0.60 s against 0.94 s at 1,000,000)."""
    db.execute("ALTER TABLE finding_store_state ADD COLUMN in_order INTEGER NOT NULL DEFAULT 0")
