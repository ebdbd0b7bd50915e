"""Dated records about a student that policies count: attempts, escalations, welfare checks,
parent requests, progress reports and 1806 approvals."""

from __future__ import annotations

from typing import Any

from polterm.errors import FieldError, PoltermError
from polterm.services import authz
from polterm.services.refs import (
    actor_staff_id,
    int_id,
    optional_text,
    reached,
    require,
    require_free,
    require_text,
)
from polterm.services.session import Session
from polterm.services.validate import choice, parse_date

METHODS = ("phone", "email", "letter", "text", "visit")
OUTCOMES = ("reached", "no-answer", "left-message", "wrong-number", "bounced")
PURPOSES = ("remote-learning-conference", "flexible-conference", "other")
REQUEST_WITH = ("teacher", "principal")


def add_attempt(
    session: Session,
    student_id: str,
    on: str,
    method: str,
    outcome: str,
    purpose: str,
    note: str | None = None,
) -> int:
    """Record a try to reach a student's parent, made by the acting person."""
    row = {
        "made_on": parse_date(on, "--on").isoformat(),
        "method": choice(method, METHODS, "--method"),
        "outcome": choice(outcome, OUTCOMES, "--outcome"),
        "purpose": choice(purpose, PURPOSES, "--purpose"),
        "note": optional_text(note),
    }
    return _add_for_student(session, "attempt.write", "contact_attempt", student_id, row)


def add_escalation(
    session: Session, student_id: str, on: str, to_staff_id: str | None = None
) -> int:
    """Record that the parent's unreachability was reported to the principal or designee."""
    made_on = parse_date(on, "--on").isoformat()
    with session.transaction():
        if to_staff_id is not None:
            require(session, "staff", to_staff_id)
        row = {"made_on": made_on, "to_staff_id": to_staff_id}
        return _add_for_student(session, "escalation.write", "escalation", student_id, row)


def add_welfare_check(session: Session, student_id: str, on: str, outcome: str) -> int:
    """Record the outcome of contacting the emergency contact about the family's safety."""
    row = {
        "made_on": parse_date(on, "--on").isoformat(),
        "outcome": require_text(outcome, "--outcome"),
    }
    return _add_for_student(session, "escalation.write", "welfare_check", student_id, row)


def escalation_history(
    session: Session, student_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The student's escalations and welfare checks, oldest first, with who reported to whom
    and who checked; each check lists the escalations it answers (`answers`), each escalation
    the check that answered it (`answered_on`, None while none has)."""
    escalations = list(
        session.db.query(
            "SELECT substr(e.made_on, 1, 10) AS made_on, e.to_staff_id, t.name AS to_name,"
            " b.name AS by_name FROM escalation e LEFT JOIN staff t ON t.id = e.to_staff_id"
            " LEFT JOIN staff b ON b.id = e.by_staff_id WHERE e.student_id = ?"
            " ORDER BY e.made_on, e.id",
            [student_id],
        )
    )
    checks = list(
        session.db.query(
            "SELECT substr(w.made_on, 1, 10) AS made_on, w.outcome, b.name AS by_name"
            " FROM welfare_check w LEFT JOIN staff b ON b.id = w.by_staff_id"
            " WHERE w.student_id = ? ORDER BY w.made_on, w.id",
            [student_id],
        )
    )
    for e in escalations:
        e["answered_on"] = None
    for n, check in enumerate(checks):
        check["answers"] = answered(escalations, [c["made_on"] for c in checks[:n]], check)
        for e in check["answers"]:
            e["answered_on"] = check["made_on"]
    return escalations, [{**c, "answers": [e["made_on"] for e in c["answers"]]} for c in checks]


def answered(
    escalations: list[dict[str, Any]], earlier: list[str], check: dict[str, Any]
) -> list[dict[str, Any]]:
    """The escalations a welfare check answers: those dated on or before it that no earlier
    check (dated `earlier`) answered, whatever remote-learning period either falls in."""
    since = max((day for day in earlier if day <= check["made_on"]), default="")
    return [e for e in escalations if since < e["made_on"] <= check["made_on"]]


def escalations_answered(session: Session, student_id: str, on: str) -> list[dict[str, Any]]:
    """The escalations a welfare check about the student dated `on` would answer, for the form
    that records it."""
    day = parse_date(on, "--on").isoformat()
    student = require(session, "student", student_id)
    session.authorize("student.read", student_id=student_id, school_id=student["school_id"])
    escalations, checks = escalation_history(session, student_id)
    return answered(escalations, [c["made_on"] for c in checks], {"made_on": day})


def next_request_id(session: Session) -> str:
    """The next free request id, `R` and a number, as the office does not invent one."""
    (n,) = session.db.execute("SELECT count(*) + 1 FROM parent_request").fetchone()
    while session.db.execute("SELECT 1 FROM parent_request WHERE id = ?", [f"R{n}"]).fetchone():
        n += 1
    return f"R{n}"


def add_request(
    session: Session,
    id: str,
    student_id: str,
    on: str,
    with_whom: str,
    topic: str | None = None,
    caller: str | None = None,
    guardian_id: str | None = None,
    wanted_staff_id: str | None = None,
) -> str:
    """Record a parent's request for a conference, as the office took it."""
    requested_on = parse_date(on, "--on").isoformat()
    with_whom = choice(with_whom, REQUEST_WITH, "--with")
    with session.transaction():
        student = require(session, "student", student_id)
        session.authorize("request.write", student_id=student_id, school_id=student["school_id"])
        require_free(session, "parent_request", id)
        if guardian_id is not None:
            require(session, "guardian", guardian_id)
        if wanted_staff_id is not None:
            require(session, "staff", wanted_staff_id)
        return session.insert(
            "parent_request",
            {
                "id": id,
                "student_id": student_id,
                "requested_on": requested_on,
                "with_whom": with_whom,
                "topic": optional_text(topic),
                "caller": optional_text(caller),
                "guardian_id": guardian_id,
                "taken_by": actor_staff_id(session),
                "wanted_staff_id": wanted_staff_id,
            },
            student_id=student_id,
        )


def list_requests(
    session: Session, student_id: str | None = None, open_only: bool = False
) -> list[dict[str, Any]]:
    """Parent requests, newest first, with the conference arranged for each (if any)."""
    clauses, params = [], []
    if student_id is not None:
        student = require(session, "student", student_id)
        session.authorize("student.read", student_id=student_id, school_id=student["school_id"])
        clauses.append("r.student_id = ?")
        params.append(student_id)
    else:
        session.authorize("student.read")
    if open_only:
        clauses.append("NOT EXISTS (SELECT 1 FROM conference c WHERE c.request_id = r.id)")
    visible, visible_params = authz.visible_scope(session).sql("t")
    clauses.append(visible)
    params += visible_params
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return list(
        session.db.query(
            "SELECT r.id, r.student_id, t.given || ' ' || t.family AS student, r.requested_on, "
            "r.with_whom, r.topic, r.caller, r.guardian_id, r.wanted_staff_id, "
            "(SELECT min(c.id) FROM conference c WHERE c.request_id = r.id) AS conference_id "
            f"FROM parent_request r JOIN student t ON t.id = r.student_id {where} "
            "ORDER BY r.requested_on DESC, r.id",
            params,
        )
    )


def add_progress_report(
    session: Session,
    student_id: str,
    period_id: str,
    on: str,
    conference_id: int | str | None = None,
) -> int:
    """Record that a student's progress report for a grading period was issued."""
    issued_on = parse_date(on, "--on").isoformat()
    with session.transaction():
        _require_period_for(session, period_id, student_id)
        row: dict[str, Any] = {"period_id": period_id, "issued_on": issued_on}
        if conference_id is not None:
            conference = reached(
                session, "conference", int_id(conference_id, "conference"), "conference.read"
            )
            if conference["student_id"] != student_id:
                about = f"is about another student, not {student_id!r}"
                raise FieldError(
                    "--conference",
                    f"--conference {conference_id} {about}",
                    f"{conference_id} {about}",
                )
            row["conference_id"] = conference["id"]
        return _add_for_student(session, "student.write", "progress_report", student_id, row)


def add_approval_1806(session: Session, student_id: str, period_id: str, on: str) -> int:
    """Record a BOE Policy 1806 approval that excuses the period's progress report."""
    approved_on = parse_date(on, "--on").isoformat()
    with session.transaction():
        _require_period_for(session, period_id, student_id)
        if session.db.execute(
            "SELECT 1 FROM approval_1806 WHERE student_id = ? AND period_id = ?",
            [student_id, period_id],
        ).fetchone():
            raise PoltermError(
                f"student {student_id!r} already has a 1806 approval for period {period_id!r}"
            )
        row = {"period_id": period_id, "approved_on": approved_on}
        return _add_for_student(session, "student.write", "approval_1806", student_id, row)


def _require_period_for(session: Session, period_id: str, student_id: str) -> None:
    """The period exists and belongs to the student's school (or to every school)."""
    period = require(session, "period", period_id)
    student = require(session, "student", student_id)
    if period["school_id"] not in (None, student["school_id"]):
        at = (
            f"is a period of school {period['school_id']!r}, not of student {student_id!r}'s school"
        )
        raise FieldError("--period", f"--period {period_id!r} {at}", f"{period_id} {at}")


def _add_for_student(
    session: Session, action: str, table: str, student_id: str, row: dict[str, Any]
) -> int:
    """Insert a record about an existing student, by the acting person where the table says."""
    with session.transaction():
        student = require(session, "student", student_id)
        session.authorize(action, student_id=student_id, school_id=student["school_id"])
        by = actor_staff_id(session)
        columns = set(session.db.table(table).columns_dict)
        extra = {k: by for k in ("staff_id", "by_staff_id") if k in columns}
        return int(
            session.insert(table, {"student_id": student_id, **row, **extra}, student_id=student_id)
        )
