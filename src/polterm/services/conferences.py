"""Scheduling and recording conferences: the one place their fields are checked and written.

A conference is edited as a `ConferenceDraft` (what policies' live warnings read) plus a few
details no policy looks at (notes, duration, location, agenda, information prepared).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import date
from typing import Any

from polterm.config import active_policies
from polterm.errors import FieldError, PoltermError
from polterm.policy import Attendee, ConferenceDraft, ConferenceKind
from polterm.services import authz, mail_queue
from polterm.services.localtime import parse_local
from polterm.services.refs import (
    actor_staff_id,
    int_id,
    may,
    optional_text,
    reached,
    require,
    require_text,
)
from polterm.services.session import Session
from polterm.services.validate import choice, parse_date, parse_datetime

STATUSES = ("scheduled", "held", "cancelled", "no-show")
MODALITIES = ("in-person", "phone", "video", "other")
INITIATORS = ("parent", "teacher", "principal")
GROUP_SIZES = ("individual", "small-group", "large-group")
PLANNINGS = ("advance", "impromptu")
SUPPORTERS = ("parent", "school", "student")
NOTE_FIELDS = ("problem", "solutions", "plan", "support", "notes")
DETAILS = ("notes", "duration_minutes", "location", "agenda", "information_prepared")
EDITABLE = tuple(
    f.name for f in fields(ConferenceDraft) if f.name not in ("id", "school_id", "school_level")
)


def conference_kinds(session: Session) -> dict[str, ConferenceKind]:
    """The kinds of conference the district's active policies define, by id."""
    kinds: dict[str, ConferenceKind] = {}
    for name in active_policies(session.db):
        loaded = session.registry.policies.get(name)
        if loaded is not None:
            kinds.update(loaded.kinds)
    return kinds


def parse_attendee(spec: str) -> Attendee:
    """`NAME` or `NAME:GUARDIAN_ID`, as the command line takes an attendee."""
    name, _, guardian_id = spec.rpartition(":") if ":" in spec else (spec, "", "")
    return Attendee(require_text(name, f"--attendee {spec!r}: the name"), guardian_id or None)


def parse_support(text: str) -> tuple[str, ...]:
    """`parent,school,student` (any of them; empty: none recorded)."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for part in parts:
        choice(part, SUPPORTERS, "--support")
    return tuple(s for s in SUPPORTERS if s in parts)


class HeldAheadError(FieldError):
    """A conference dated after today marked held: refused (a form may offer to move it)."""

    def __init__(self, at: str, today: date) -> None:
        self.day = at[:10]
        why = f"held: the conference is dated {self.day}, after today ({today})"
        super().__init__("--status", f"--status {why}; change --at to the day it took place", why)


NO_STAFF = "No staff member is named: nobody from the school is down to meet the parent"


def staffing_warnings(draft: ConferenceDraft) -> list[str]:
    """What a conference lacks beyond the policies' word: anyone from the school to meet."""
    return [] if draft.staff_ids else [NO_STAFF]


def default_staff(session: Session) -> tuple[str, ...]:
    """Who a new conference names before anyone is picked: a teacher scheduling, themselves."""
    me = actor_staff_id(session)
    return (me,) if me is not None and session.actor.role == "teacher" else ()


def schedule_conference(
    session: Session, draft: ConferenceDraft, *, today: date | None = None, **details: Any
) -> int:
    """Record a new conference (any status, and any date but a later one for a held one);
    returns its id."""
    return schedule_conferences(session, [(draft, details)], today=today)[0]


def schedule_conferences(
    session: Session,
    drafts: Sequence[tuple[ConferenceDraft, Mapping[str, Any]]],
    *,
    today: date | None = None,
) -> list[int]:
    """Record new conferences, each with its details, in one transaction: each checked and
    authorised as one alone is, then written a table at a time (a plan writes thousands),
    audited, and its messages queued; returns their ids in order."""
    lookup = _remembered()
    kinds = conference_kinds(session)
    allowed: set[str] = set()
    with session.transaction():
        checked: list[tuple[ConferenceDraft, dict[str, Any]]] = []
        for draft, details in drafts:
            student = lookup(session, "student", draft.student_id)
            if student["id"] not in allowed:
                session.authorize(
                    "conference.write", student_id=student["id"], school_id=student["school_id"]
                )
                allowed.add(student["id"])
            given = {**{n: getattr(draft, n) for n in NOTE_FIELDS if n != "notes"}, **details}
            authz.check_note_writes(
                session, [n for n, v in given.items() if v], student_id=student["id"]
            )
            at, fold = parse_local(draft.at, "--at")
            draft = _checked(session, replace(draft, at=at), kinds=kinds, lookup=lookup)
            _not_held_ahead(draft, None, today)
            checked.append((draft, {**_row(draft), "fold": fold, **_checked_details(details)}))
        ids = session.insert_many(
            "conference",
            [row for _, row in checked],
            student_ids=[draft.student_id for draft, _ in checked],
        )
        pairs = list(zip(ids, (draft for draft, _ in checked), strict=True))
        staff = [(i, d.student_id, {"conference_id": i, "staff_id": s})
                 for i, d in pairs for s in d.staff_ids]  # fmt: skip
        session.insert_many(
            "conference_staff", [r for *_, r in staff], student_ids=[s for _, s, _ in staff]
        )
        attendees = [
            (d.student_id, {"conference_id": i, "name": a.name, "guardian_id": a.guardian_id})
            for i, d in pairs
            for a in d.attendees
        ]
        session.insert_many(
            "conference_attendee",
            [r for _, r in attendees],
            student_ids=[s for s, _ in attendees],
        )
        mail_queue.after_schedule_many(session, ids)
    return ids


def _remembered() -> Callable[[Session, str, Any], dict[str, Any]]:
    """`require`, each record read once (many conferences name the same student or staff)."""
    known: dict[tuple[str, Any], dict[str, Any]] = {}

    def lookup(session: Session, table: str, record_id: Any) -> dict[str, Any]:
        if (table, record_id) not in known:
            known[(table, record_id)] = require(session, table, record_id)
        return known[(table, record_id)]

    return lookup


def update_conference(
    session: Session,
    id: int | str,
    changes: Mapping[str, Any],
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Change a conference; `staff_ids` / `attendees` replace those lists when given.

    `changes` holds `ConferenceDraft` field names and DETAILS; with `expected_version`, refuse
    (ConflictError) if someone saved the conference since it was read.
    """
    unknown = sorted(set(changes) - set(EDITABLE) - set(DETAILS))
    if unknown:
        raise PoltermError(f"a conference has no field {unknown[0]!r}")
    with session.transaction():
        row = reached(session, "conference", int_id(id, "conference"), "conference.write")
        authz.check_note_writes(session, changes, student_id=row["student_id"])
        current = conference_draft(session, id)
        new = replace(current, **{k: v for k, v in changes.items() if k in EDITABLE})
        if new.student_id != current.student_id:
            student = require(session, "student", new.student_id)
            session.authorize(
                "conference.write", student_id=student["id"], school_id=student["school_id"]
            )
        details = _checked_details({k: v for k, v in changes.items() if k in DETAILS})
        if "at" in changes:
            at, details["fold"] = parse_local(new.at, "--at")
            new = replace(new, at=at)
        new = _checked(
            session, new, kinds=conference_kinds(session) if new.kind != current.kind else None
        )
        _not_held_ahead(new, current, today)
        before = require(session, "conference", current.id)
        after = session.update(
            "conference",
            current.id,
            {**_row(new), **details},
            student_id=new.student_id,
            expected_version=expected_version,
        )
        _sync_staff(session, current.id, new.student_id, current.staff_ids, new.staff_ids)
        _sync_attendees(session, current.id, new.student_id, current.attendees, new.attendees)
        mail_queue.after_update(session, before, after)
    return after


def conference_draft(session: Session, id: int | str) -> ConferenceDraft:
    """A saved conference as a draft, for editing it and for the policies' live warnings.

    Its notes are in it: a face showing them asks `may_read_notes` first."""
    row = reached(session, "conference", int_id(id, "conference"), "conference.read")
    school = session.db.execute(
        "SELECT s.id, s.level FROM student t JOIN school s ON s.id = t.school_id WHERE t.id = ?",
        [row["student_id"]],
    ).fetchone()
    staff = session.db.execute(
        "SELECT staff_id FROM conference_staff WHERE conference_id = ? ORDER BY staff_id",
        [row["id"]],
    )
    attendees = session.db.execute(
        "SELECT name, guardian_id FROM conference_attendee WHERE conference_id = ? ORDER BY id",
        [row["id"]],
    )
    return ConferenceDraft(
        student_id=row["student_id"],
        kind=row["kind"],
        at=row["at"],
        school_id=school[0],
        school_level=school[1],
        id=row["id"],
        status=row["status"],
        modality=row["modality"],
        remote_offered=bool(row["remote_offered"]),
        initiated_by=row["initiated_by"],
        staff_ids=tuple(s for (s,) in staff),
        attendees=tuple(Attendee(name, guardian) for name, guardian in attendees),
        request_id=row["request_id"],
        principal_approved=bool(row["principal_approved"]),
        group_size=row["group_size"],
        planning=row["planning"],
        problem=row["problem"],
        solutions=row["solutions"],
        plan=row["plan"],
        support=tuple(p for p in (row["support"] or "").split(",") if p),
    )


def get_conference(session: Session, id: int | str) -> dict[str, Any]:
    """Everything recorded on a conference; the notes only for those allowed to read them."""
    row = reached(session, "conference", int_id(id, "conference"), "conference.read")
    student = require(session, "student", row["student_id"])
    if not may(
        session, "conference.notes.read", student_id=student["id"], school_id=student["school_id"]
    ):
        row = {k: v for k, v in row.items() if k not in NOTE_FIELDS}
    if "support" in row:
        row["support"] = [p for p in (row["support"] or "").split(",") if p]
    cid = row["id"]
    return {
        **row,
        "student": f"{student['given']} {student['family']}",
        "remote_offered": bool(row["remote_offered"]),
        "principal_approved": bool(row["principal_approved"]),
        "staff": list(
            session.db.query(
                "SELECT s.id, s.name, s.role FROM conference_staff c JOIN staff s "
                "ON s.id = c.staff_id WHERE c.conference_id = ? ORDER BY s.name",
                [cid],
            )
        ),
        "attendees": list(
            session.db.query(
                "SELECT name, guardian_id FROM conference_attendee WHERE conference_id = ? "
                "ORDER BY id",
                [cid],
            )
        ),
        "documents_provided": [
            d
            for (d,) in session.db.execute(
                "SELECT provided_on FROM resource_document WHERE conference_id = ? "
                "ORDER BY provided_on",
                [cid],
            )
        ],
    }


def list_conferences(
    session: Session,
    student_id: str | None = None,
    staff_id: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[dict[str, Any]]:
    """Conferences by date-time, limited to a student, a staff member and a date range."""
    clauses: list[str] = []
    params: list[Any] = []
    if student_id is not None:
        student = require(session, "student", student_id)
        session.authorize("conference.read", student_id=student_id, school_id=student["school_id"])
        clauses.append("c.student_id = ?")
        params.append(student_id)
    else:
        session.authorize("conference.read")
    if staff_id is not None:
        require(session, "staff", staff_id)
        clauses.append("c.id IN (SELECT conference_id FROM conference_staff WHERE staff_id = ?)")
        params.append(staff_id)
    if start is not None:
        clauses.append("c.at >= ?")
        params.append(parse_date(start, "--from").isoformat())
    if end is not None:
        clauses.append("substr(c.at, 1, 10) <= ?")
        params.append(parse_date(end, "--to").isoformat())
    visible, visible_params = authz.visible_scope(session).sql("t")
    clauses.append(visible)
    params += visible_params
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return list(
        session.db.query(
            "SELECT c.id, c.at, c.student_id, t.given || ' ' || t.family AS student, c.kind, "
            "c.status, c.modality FROM conference c JOIN student t ON t.id = c.student_id "
            f"{where} ORDER BY c.at, c.id",
            params,
        )
    )


def document_provided(session: Session, conference_id: int | str, on: str) -> int:
    """Record that the resource document was given to the parent for this conference."""
    provided_on = parse_date(on, "--on").isoformat()
    with session.transaction():
        conference = reached(
            session, "conference", int_id(conference_id, "conference"), "conference.write"
        )
        student = require(session, "student", conference["student_id"])
        return int(
            session.insert(
                "resource_document",
                {"conference_id": conference["id"], "provided_on": provided_on},
                student_id=student["id"],
            )
        )


def _checked(
    session: Session,
    draft: ConferenceDraft,
    *,
    kinds: Mapping[str, ConferenceKind] | None,
    lookup: Callable[[Session, str, Any], dict[str, Any]] = require,
) -> ConferenceDraft:
    """The draft with every value checked and normalised, and its school filled in; its kind
    is checked against `kinds` unless that is None (a kind left as it was)."""
    student = lookup(session, "student", draft.student_id)
    school = lookup(session, "school", student["school_id"])
    if kinds is not None and draft.kind not in kinds:
        problem = (
            f"is not a conference kind of the district's active policies "
            f"(kinds: {', '.join(sorted(kinds)) or 'none'})"
        )
        raise FieldError("--kind", f"--kind {draft.kind!r} {problem}", f"{draft.kind} {problem}")
    for staff_id in draft.staff_ids:
        lookup(session, "staff", staff_id)
    for attendee in draft.attendees:
        require_text(attendee.name, "--attendee name")
        if attendee.guardian_id is not None:
            lookup(session, "guardian", attendee.guardian_id)
    draft = replace(draft, request_id=optional_text(draft.request_id))
    if draft.request_id is not None:
        request = reached(session, "parent_request", draft.request_id, "student.read")
        if request["student_id"] != draft.student_id:  # whose request it is stays unsaid
            other = f"is not a request about student {draft.student_id!r}"
            raise FieldError(
                "--request",
                f"--request {draft.request_id!r} {other}",
                f"{draft.request_id} {other}",
            )
    return replace(
        draft,
        school_id=school["id"],
        school_level=school["level"],
        at=parse_datetime(draft.at, "--at"),
        status=choice(draft.status, STATUSES, "--status"),
        modality=choice(draft.modality, MODALITIES, "--modality"),
        initiated_by=_optional_choice(draft.initiated_by, INITIATORS, "--initiated-by"),
        group_size=_optional_choice(draft.group_size, GROUP_SIZES, "--group-size"),
        planning=_optional_choice(draft.planning, PLANNINGS, "--planning"),
        staff_ids=tuple(dict.fromkeys(draft.staff_ids)),
        attendees=tuple(Attendee(a.name.strip(), a.guardian_id) for a in draft.attendees),
        problem=optional_text(draft.problem),
        solutions=optional_text(draft.solutions),
        plan=optional_text(draft.plan),
        support=parse_support(",".join(draft.support)),
    )


def _not_held_ahead(
    draft: ConferenceDraft, before: ConferenceDraft | None, today: date | None
) -> None:
    """A conference is held on its day or after: one dated after today (default: the clock's)
    cannot be marked held; one saved held with that date before this check stays editable."""
    today = today or date.today()
    if draft.status != "held" or draft.at[:10] <= today.isoformat():
        return
    if before is None or (before.status, before.at) != ("held", draft.at):
        raise HeldAheadError(draft.at, today)


def _checked_details(details: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(details) - set(DETAILS))
    if unknown:
        raise PoltermError(f"a conference has no field {unknown[0]!r}")
    out = {k: optional_text(v) for k, v in details.items() if k != "duration_minutes"}
    if "duration_minutes" in details:
        minutes = details["duration_minutes"]
        if not isinstance(minutes, int) or not 1 <= minutes <= 600:
            problem = "is not a number of minutes (1-600)"
            raise FieldError(
                "--duration", f"--duration {minutes!r} {problem}", f"{minutes} {problem}"
            )
        out["duration_minutes"] = minutes
    return out


def _optional_choice(value: str | None, allowed: Iterable[str], what: str) -> str | None:
    return None if value is None or value == "" else choice(value, allowed, what)


def _row(draft: ConferenceDraft) -> dict[str, Any]:
    """The conference table's columns from a checked draft."""
    return {
        "student_id": draft.student_id,
        "kind": draft.kind,
        "status": draft.status,
        "at": draft.at,
        "modality": draft.modality,
        "remote_offered": int(draft.remote_offered),
        "initiated_by": draft.initiated_by,
        "request_id": draft.request_id,
        "principal_approved": int(draft.principal_approved),
        "group_size": draft.group_size,
        "planning": draft.planning,
        "problem": draft.problem,
        "solutions": draft.solutions,
        "plan": draft.plan,
        "support": ",".join(draft.support) or None,
    }


def _sync_staff(
    session: Session,
    conference_id: int,
    student_id: str,
    before: Iterable[str],
    after: Iterable[str],
) -> None:
    before, after = list(before), list(after)
    for staff_id in before:
        if staff_id not in after:
            session.delete("conference_staff", (conference_id, staff_id), student_id=student_id)
    for staff_id in after:
        if staff_id not in before:
            session.insert(
                "conference_staff",
                {"conference_id": conference_id, "staff_id": staff_id},
                student_id=student_id,
            )


def _sync_attendees(
    session: Session,
    conference_id: int,
    student_id: str,
    before: Iterable[Attendee],
    after: Iterable[Attendee],
) -> None:
    """Replace the attendee rows when the list changed (names may repeat, so no diff)."""
    before, after = list(before), list(after)
    if before == after:
        return
    for (row_id,) in session.db.execute(
        "SELECT id FROM conference_attendee WHERE conference_id = ? ORDER BY id", [conference_id]
    ).fetchall():
        session.delete("conference_attendee", row_id, student_id=student_id)
    for attendee in after:
        session.insert(
            "conference_attendee",
            {
                "conference_id": conference_id,
                "name": attendee.name,
                "guardian_id": attendee.guardian_id,
            },
            student_id=student_id,
        )
