"""The outbox: messages to guardians queued in the transaction of the write that causes them,
and the call list of guardians who get a phone call instead (no e-mail, or do-not-email).

Nothing is queued until the district has set up e-mail (`mail config`); from then on every
scheduled, changed, cancelled or arranged conference still ahead queues one message per
guardian of the student.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from polterm.errors import PoltermError
from polterm.mail.languages import template_language
from polterm.services import authz, mail_settings
from polterm.services.families import authorize_guardian_write
from polterm.services.localtime import district_timezone
from polterm.services.refs import actor_staff_id, require
from polterm.services.session import Session, now_iso
from polterm.services.validate import choice, parse_date

# what a family is told of: a change of these fields is a "change" message
PLACE_FIELDS = ("at", "fold", "duration_minutes", "modality", "location")
STATUSES = (
    "queued", "claimed", "sending", "sent", "failed", "bounced", "unknown", "call", "called",
)  # fmt: skip
CALL_OUTCOMES = ("reached", "no-answer", "left-message", "wrong-number")
# the contact-attempt purpose a message about a conference of this kind serves
PURPOSE_BY_KIND = {
    "remote-learning": "remote-learning-conference",
    "flexible": "flexible-conference",
}
OUTBOX_COLUMNS = (
    "id", "status", "kind", "conference_id", "conference_at", "student_id", "guardian_id",
    "language", "language_missing", "attempts", "next_attempt_at", "sent_at", "last_error",
)  # fmt: skip


def local_now() -> str:
    """The district's wall-clock time as conferences are written: YYYY-MM-DDTHH:MM."""
    return datetime.now(district_timezone()).strftime("%Y-%m-%dT%H:%M")


def after_schedule(session: Session, conference_id: int) -> int:
    """A new conference still ahead: an invitation, or a confirmation when it answers a
    parent's request. Returns how many messages (and calls) were queued."""
    return after_schedule_many(session, [conference_id])


def after_schedule_many(session: Session, conference_ids: Collection[int]) -> int:
    """`after_schedule` for each of many new conferences (a plan's), the settings read once."""
    if mail_settings.load(session) is None:
        return 0
    queued = 0
    for conference_id in conference_ids:
        row = require(session, "conference", conference_id)
        if row["status"] == "scheduled" and row["at"] > local_now():
            kind = "confirmation" if row["request_id"] else "invitation"
            queued += queue_conference(session, conference_id, kind)
    return queued


def after_update(session: Session, before: Mapping[str, Any], after: Mapping[str, Any]) -> int:
    """The message a conference's change calls for, if any: cancellation, invitation when it is
    scheduled again, change when its time, length, modality or place moved."""
    if mail_settings.load(session) is None:
        return 0
    was, now = before["status"], after["status"]
    if was == "scheduled" and now == "cancelled":
        withdraw_reminders(session, after["id"])
        if before["at"] > local_now():
            return queue_conference(session, after["id"], "cancellation")
        return 0
    if now != "scheduled" or after["at"] <= local_now():
        return 0
    if was != "scheduled":
        return queue_conference(session, after["id"], "invitation")
    if any(before[f] != after[f] for f in PLACE_FIELDS):
        if before["at"] != after["at"]:
            withdraw_reminders(session, after["id"])
        return queue_conference(session, after["id"], "change")
    if after["request_id"] and after["request_id"] != before["request_id"]:
        return queue_conference(session, after["id"], "confirmation")
    return 0


def queue_conference(
    session: Session,
    conference_id: int,
    kind: str,
    *,
    send_after: str | None = None,
    only: Collection[str] | None = None,
) -> int:
    """One message (or call) per guardian of the conference's student (or those of them in
    `only`), with today's facts (callers check that mail is set up)."""
    with session.transaction():
        conference = require(session, "conference", conference_id)
        base = _conference_facts(session, conference)
        guardians = session.db.execute(
            "SELECT g.id, g.name, g.email, g.do_not_email, g.language, g.interpreter"
            " FROM guardian g JOIN guardianship gs ON gs.guardian_id = g.id"
            " WHERE gs.student_id = ? ORDER BY g.id",
            [conference["student_id"]],
        ).fetchall()
        if only is not None:
            guardians = [g for g in guardians if g[0] in only]
        rows = []
        for gid, name, email, do_not_email, language, interpreter in guardians:
            written_in, missing = template_language(language)
            facts = {**base, "guardian": name, "interpreter": bool(interpreter)}
            rows.append(
                {
                    "message_id": new_message_id(base["uid"].split("@", 1)[1]),
                    "kind": kind,
                    "status": "call" if do_not_email or not email else "queued",
                    "guardian_id": gid,
                    "student_id": conference["student_id"],
                    "school_id": base["school_id"],
                    "conference_id": conference["id"],
                    "conference_at": conference["at"],
                    "language": written_in,
                    "language_missing": missing,
                    "ical_uid": base["uid"],
                    "ical_sequence": base["sequence"],
                    "facts": json.dumps(facts, ensure_ascii=False),
                    "send_after": send_after or local_now(),
                    "next_attempt_at": send_after or local_now(),
                    "queued_at": now_iso(),
                }
            )
        session.insert_many(
            "mail_outbox", rows, student_ids=[conference["student_id"]] * len(rows)
        )
        return len(guardians)


def queue_reminders(session: Session, now: str, hours: int) -> int:
    """Reminders for the scheduled conferences starting within `hours` of `now` that have none
    for their current time yet; computed at send time, so a moved conference is reminded of
    its new time."""
    if hours <= 0:
        return 0
    until = (datetime.strptime(now, "%Y-%m-%dT%H:%M") + timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    queued = 0
    with session.transaction():
        due: dict[int, set[str]] = {}
        for cid, gid in session.db.execute(
            "SELECT c.id, gs.guardian_id FROM conference c"
            " JOIN guardianship gs ON gs.student_id = c.student_id"
            " WHERE c.status = 'scheduled' AND c.at > ? AND c.at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.kind = 'reminder'"
            "   AND o.conference_id = c.id AND o.guardian_id = gs.guardian_id"
            "   AND o.conference_at = c.at)"
            " ORDER BY c.at, c.id",
            [now, until],
        ):
            due.setdefault(cid, set()).add(gid)
        for cid, guardians in due.items():
            queued += queue_conference(session, cid, "reminder", send_after=now, only=guardians)
    return queued


def withdraw_reminders(session: Session, conference_id: int) -> int:
    """Reminders of a cancelled or moved conference not yet taken by a run are withdrawn
    (deleted, the audit log keeps them): a family is not reminded of a time that will not
    happen; a moved one gets a reminder of its new time when that is due."""
    with session.transaction():
        rows = session.db.execute(
            "SELECT id, student_id FROM mail_outbox WHERE conference_id = ?"
            " AND kind = 'reminder' AND status = 'queued'",
            [conference_id],
        ).fetchall()
        for oid, student_id in rows:
            session.delete("mail_outbox", oid, student_id=student_id)
    return len(rows)


def interpreter_booked(session: Session, conference_id: int) -> bool | None:
    """Whether an interpreter is booked for the event meeting the conference is; None when it
    is no event's meeting (then the guardian's own need says whether one takes part)."""
    row = session.db.execute(
        "SELECT interpreter_id FROM event_meeting WHERE conference_id = ?", [conference_id]
    ).fetchone()
    return None if row is None else row[0] is not None


def new_message_id(domain: str) -> str:
    """A Message-ID fixed when the message is queued, so every try and resend carries it."""
    return f"<{uuid.uuid4().hex}@{domain}>"


def list_outbox(
    session: Session,
    *,
    student_id: str | None = None,
    school_id: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The messages the district sent or will send, newest first, within the actor's reach
    (the newest `limit` of them when given)."""
    if student_id is not None:
        student = require(session, "student", student_id)
        session.authorize("conference.read", student_id=student_id, school_id=student["school_id"])
    else:
        session.authorize("conference.read", school_id=school_id)
    clauses, params = _reach(session, student_id, school_id)
    if status is not None:
        clauses.append("o.status = ?")
        params.append(choice(status, STATUSES, "--status"))
    rows = session.db.query(
        f"SELECT {', '.join('o.' + c for c in OUTBOX_COLUMNS)} FROM mail_outbox o"
        f" JOIN student t ON t.id = o.student_id WHERE {' AND '.join(clauses)}"
        f" ORDER BY o.id DESC{' LIMIT ?' if limit is not None else ''}",
        [*params, *([limit] if limit is not None else [])],
    )
    return list(rows)


def call_list(session: Session, school_id: str | None = None) -> list[dict[str, Any]]:
    """Guardians to phone about a conference, oldest first, with the number to call."""
    session.authorize("contact.read", school_id=school_id)
    clauses, params = _reach(session, None, school_id)
    return list(
        session.db.query(
            "SELECT o.id, o.school_id, o.kind, o.conference_id, o.conference_at, o.student_id,"
            " t.given || ' ' || t.family AS student, o.guardian_id, g.name AS guardian,"
            " g.phone, g.language, CASE WHEN g.email IS NULL OR g.email = '' THEN 'no e-mail'"
            " ELSE 'do-not-email' END AS why"
            " FROM mail_outbox o JOIN student t ON t.id = o.student_id"
            f" JOIN guardian g ON g.id = o.guardian_id WHERE o.status = 'call'"
            f" AND {' AND '.join(clauses)} ORDER BY o.school_id, o.conference_at, o.id",
            params,
        )
    )


def record_call(session: Session, outbox_id: int | str, on: str, outcome: str) -> int:
    """Work one row of the call list: a phone contact attempt; the row leaves the list once
    the guardian was reached or a message was left. Returns the attempt's id."""
    made_on = parse_date(on, "--on").isoformat()
    outcome = choice(outcome, CALL_OUTCOMES, "--outcome")
    with session.transaction():
        row = _outbox_row(session, outbox_id)
        if row["status"] != "call":
            raise PoltermError(f"outbox message {row['id']} is not on the call list")
        session.authorize("attempt.write", student_id=row["student_id"])
        attempt = record_attempt(session, row, made_on, "phone", outcome)
        if outcome in ("reached", "left-message"):
            session.update(
                "mail_outbox", row["id"], {"status": "called"}, student_id=row["student_id"]
            )
        return attempt


def record_attempt(
    session: Session, row: Mapping[str, Any], made_on: str, method: str, outcome: str
) -> int:
    """A contact attempt about the message's conference (a bounce, a call), for the policies."""
    kind = session.db.execute(
        "SELECT kind FROM conference WHERE id = ?", [row["conference_id"]]
    ).fetchone()[0]
    return int(
        session.insert(
            "contact_attempt",
            {
                "student_id": row["student_id"],
                "made_on": made_on,
                "method": method,
                "outcome": outcome,
                "purpose": PURPOSE_BY_KIND.get(kind, "other"),
                "staff_id": actor_staff_id(session),
                "note": f"{row['kind']} about conference {row['conference_id']}"
                f" (outbox message {row['id']})",
            },
            student_id=row["student_id"],
        )
    )


def resend(session: Session, outbox_id: int | str) -> dict[str, Any]:
    """Put a message back in the queue (bounced, failed, in doubt, or sent and lost), due now,
    with the same Message-ID so a mail client that has it shows one message."""
    with session.transaction():
        row = _outbox_row(session, outbox_id)
        session.authorize("conference.write", student_id=row["student_id"])
        if row["status"] not in ("sent", "failed", "bounced", "unknown"):
            raise PoltermError(f"outbox message {row['id']} is {row['status']}, not resendable")
        now = local_now()
        return session.update(
            "mail_outbox",
            row["id"],
            {"status": "queued", "attempts": 0, "next_attempt_at": now, "send_after": now,
             "last_error": None, "claimed_by": None, "lease_until": None},
            student_id=row["student_id"],
        )  # fmt: skip


def set_do_not_email(session: Session, guardian_id: str, on: bool) -> dict[str, Any]:
    """Mark a guardian as not to be e-mailed (they go on the call list instead), or unmark."""
    with session.transaction():
        require(session, "guardian", guardian_id)
        students = authorize_guardian_write(session, guardian_id)
        after = session.update(
            "guardian",
            guardian_id,
            {"do_not_email": int(on)},
            student_id=students[0] if students else None,
        )
    return {"id": guardian_id, "do_not_email": bool(after["do_not_email"])}


def outbox_message(session: Session, outbox_id: int | str) -> dict[str, Any]:
    """One outbox row with its facts, for a preview; the actor must reach the student."""
    row = _outbox_row(session, outbox_id)
    session.authorize("conference.read", student_id=row["student_id"])
    return {**row, "facts": json.loads(row["facts"])}


def _outbox_row(session: Session, outbox_id: int | str) -> dict[str, Any]:
    try:
        oid = int(outbox_id)
    except (TypeError, ValueError):
        oid = -1
    rows = list(session.db.query("SELECT * FROM mail_outbox WHERE id = ?", [oid]))
    if not rows:
        raise PoltermError(f"no outbox message with id {str(outbox_id)!r}")
    return rows[0]


def _reach(
    session: Session, student_id: str | None, school_id: str | None
) -> tuple[list[str], list[Any]]:
    """WHERE clauses on o (outbox) and t (student): the filters inside the actor's reach."""
    clauses: list[str] = []
    params: list[Any] = []
    if student_id is not None:
        clauses.append("o.student_id = ?")
        params.append(student_id)
    if school_id is not None:
        require(session, "school", school_id)
        clauses.append("o.school_id = ?")
        params.append(school_id)
    visible, visible_params = authz.visible_scope(session).sql("t")
    return [*clauses, visible], [*params, *visible_params]


def _conference_facts(session: Session, conference: Mapping[str, Any]) -> dict[str, Any]:
    """What every message about this conference says, whoever it goes to."""
    from polterm.exporters.ics import conference_uid, district_slug

    student = session.db.execute(
        "SELECT t.given, t.family, s.id, s.name, tt.name FROM student t"
        " JOIN school s ON s.id = t.school_id LEFT JOIN staff tt ON tt.id = t.teacher_id"
        " WHERE t.id = ?",
        [conference["student_id"]],
    ).fetchone()
    given, family, school_id, school, teacher = student
    staff = [
        n
        for (n,) in session.db.execute(
            "SELECT st.name FROM conference_staff cs JOIN staff st ON st.id = cs.staff_id"
            " WHERE cs.conference_id = ? ORDER BY st.name",
            [conference["id"]],
        )
    ]
    return {
        "uid": conference_uid(conference["id"], district_slug(session)),
        "sequence": conference["version"],
        "student": f"{given} {family}",
        "school_id": school_id,
        "school": school,
        "teacher": ", ".join(staff) or teacher or school,
        "at": conference["at"],
        "fold": conference["fold"],
        "minutes": conference["duration_minutes"],
        "modality": conference["modality"],
        "location": conference["location"],
    }
