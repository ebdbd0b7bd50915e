"""`event plan`: plan an event's meetings, compare with FCFS, and write them as conferences.

Everything is written in one transaction through the conference service (so whatever it does
for a new conference, such as queuing invitations, happens for planned ones too). Bookings
the event already holds stay where they are unless `reshuffle` lets planned ones move; one
booked by hand never moves. The families whose meetings moved or were dropped are listed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from polterm.errors import ConflictError, PoltermError
from polterm.planning import construct, run
from polterm.planning.instance import DAY, Meeting
from polterm.planning.occupancy import Occupancy
from polterm.policy import Attendee, ConferenceDraft
from polterm.services.conferences import schedule_conferences, update_conference
from polterm.services.event_requests import Booked, Loaded, check_fixed, load, minutes
from polterm.services.events import LOCATIONS, authorize_event, interpreter_agenda, link_meetings
from polterm.services.refs import require
from polterm.services.session import Session
from polterm.services.validate import parse_datetime

# time kept for writing the plan, per meeting (a 2,000-student demo's 3,508: 2.3 s on 2 busy cores)
WRITE_SECONDS = 0.001


@dataclass
class Report:
    """What `event plan` prints: the plan's quality, the baseline's, and who to call."""

    event_id: str
    outcome: run.Outcome
    requested: int
    unplaced: list[dict[str, str]]
    written: int = 0
    to_call: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False

    def contract(self) -> dict[str, Any]:
        """The JSON document CONTRACT.md gives for `event plan --format json`."""
        quality, baseline = self.outcome.quality, self.outcome.baseline
        return {
            "event": self.event_id,
            "requested": self.requested,
            "placed": quality.total_placed,
            "unplaced": self.unplaced,
            "family_wait_minutes": quality.wait(),
            "visits_per_family": quality.visits_per_family,
            "solver": {
                "status": self.outcome.status,
                "objective": self.outcome.objective,
                "bound": self.outcome.bound,
                "gap": self.outcome.gap,
                "seconds": self.outcome.seconds,
            },
            "baseline": baseline.summary(),
            "placed_by_priority": {str(p): n for p, n in quality.placed.items()},
            "requested_by_priority": {str(p): n for p, n in quality.requested.items()},
            "interpreters": quality.interpreters,
            "schools": [
                {
                    "school": r.school_id,
                    "status": r.status,
                    "objective": r.objective,
                    "bound": r.bound,
                    "seconds": round(r.seconds, 2),
                    # the block construction ran out of time there: earliest slots instead
                    "hurried": r.school_id in self.outcome.plan.hurried,
                }
                for r in self.outcome.schools
            ],
            "written": self.written,
            "to_call": self.to_call,
        }


def plan_event(
    session: Session,
    event_id: str,
    *,
    dry_run: bool = False,
    reshuffle: bool = False,
    time_limit: float = 30.0,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Plan the event within `time_limit` seconds; write the meetings unless `dry_run`."""
    started = time.monotonic()
    if not 0 < time_limit <= 86_400:
        raise PoltermError(f"--time-limit {time_limit:g} is not between 0 and 86400 seconds")
    event = authorize_event(session, event_id)
    loaded = load(session, event["id"], reshuffle)
    check_fixed(loaded)
    left = time_limit - (time.monotonic() - started)
    writing = 0.0 if dry_run else min(left / 2, WRITE_SECONDS * len(loaded.instance.meetings))
    outcome = run.plan(loaded.instance, max(0.5, (left - writing) * 0.9), seed, progress)
    meetings = loaded.instance.meetings
    unplaced = [
        {"student_id": meetings[i].student_id, "staff_id": meetings[i].staff_id, "reason": why}
        for i, why in outcome.quality.unplaced
    ] + [
        {"student_id": m.student_id, "staff_id": m.staff_id, "reason": "family limit"}
        for m in loaded.limited
    ]
    report = Report(
        event["id"], outcome, len(meetings) + len(loaded.limited), unplaced, dry_run=dry_run
    )
    if not dry_run:
        _write(session, loaded, outcome, report)
    outcome.seconds = round(time.monotonic() - started, 2)
    return report


def _write(session: Session, loaded: Loaded, outcome: run.Outcome, report: Report) -> None:
    """Write the plan in one audited transaction; list the families whose meetings changed."""
    inst = loaded.instance
    linked: set[str] = set()
    moves: list[tuple[Meeting, Booked, str | None, str | None]] = []
    new: list[tuple[Meeting, str, str | None]] = []
    for meeting in inst.meetings:
        placement = outcome.plan.placed.get(meeting.index)
        booked = loaded.booked.get(meeting.index)
        start = None if placement is None else inst.grids[meeting.school_id].starts[placement.slot]
        at = None if start is None else _iso(loaded, start)
        interpreter = None if placement is None else placement.interpreter
        if booked is None and at is not None:
            new.append((meeting, at, interpreter))
        elif booked is not None and booked.at != start:
            moves.append((meeting, booked, at, interpreter))
    with session.transaction():
        # every moving meeting lets go of its time first, so two may swap
        for meeting, booked, _, _ in moves:
            update_conference(session, booked.conference_id, {"status": "cancelled"})
            report.to_call.append(_call(loaded, meeting, booked, None))
        for (meeting, booked, at, interpreter), call in zip(moves, report.to_call, strict=True):
            if at is None:
                continue
            update_conference(session, booked.conference_id, {"at": at, "status": "scheduled"})
            session.update(
                "event_meeting",
                booked.conference_id,
                {"interpreter_id": interpreter},
                student_id=meeting.student_id,
            )
            call["now"] = at
            report.written += 1
        report.written += len(_create_many(session, loaded, new, linked))


def _create_many(
    session: Session,
    loaded: Loaded,
    meetings: list[tuple[Meeting, str, str | None]],
    linked: set[str],
    planned: bool = True,
) -> list[int]:
    """Meetings (with their times and interpreters) as scheduled conferences linked to the
    event (planned, or booked by hand, which no plan moves), written a table at a time."""
    drafts = [_draft(session, loaded, *item, linked) for item in meetings]
    ids = schedule_conferences(session, drafts)
    links = [
        (conference_id, m.household, m.student_id, m.staff_id, interpreter)
        for conference_id, (m, _, interpreter) in zip(ids, meetings, strict=True)
    ]
    link_meetings(session, loaded.event["id"], links, planned=planned)
    return ids


def _draft(
    session: Session,
    loaded: Loaded,
    meeting: Meeting,
    at: str,
    interpreter: str | None,
    linked: set[str],
) -> tuple[ConferenceDraft, dict[str, Any]]:
    """A meeting's conference and its details: the first meeting about a student with an
    open parent request answers that request."""
    event = loaded.event
    offered = event["modalities"].split(",")
    request = loaded.open_requests.get(meeting.student_id)
    if request in linked:
        request = None
    if request is not None:
        linked.add(request)
    guardians = loaded.guardians.get((meeting.household, meeting.student_id), [])
    agenda = None if interpreter is None else interpreter_agenda(session, interpreter)
    draft = ConferenceDraft(
        student_id=meeting.student_id,
        kind=event["kind"],
        at=at,
        modality=meeting.modality,
        remote_offered="phone" in offered or "video" in offered,
        initiated_by="parent" if request else None,
        staff_ids=(meeting.staff_id,),
        attendees=tuple(Attendee(name, gid) for gid, name in guardians),
        request_id=request,
    )
    details = {
        "duration_minutes": loaded.instance.minutes(meeting),
        "location": LOCATIONS.get(meeting.modality),
        "agenda": agenda,
    }
    return draft, details


def book_meeting(
    session: Session,
    event_id: str,
    student_id: str,
    staff_id: str,
    at: str,
    *,
    double: bool | None = None,
    interpreter: str | None = None,
) -> int:
    """Book one requested meeting by hand at a slot (office staff on the phone): refused, with
    the reason, when it breaks a hard constraint. No plan moves it afterwards.

    `double` None keeps the length the requests ask for; `interpreter` None takes the first
    free one of the language the household needs."""
    minute_at = parse_datetime(at, "--at")
    event = require(session, "event", event_id)
    loaded = load(session, event["id"])
    occupancy, _ = construct.start(loaded.instance)
    wanted = [
        m for m in loaded.instance.meetings if m.student_id == student_id and m.staff_id == staff_id
    ]
    if not wanted:
        raise PoltermError(
            f"--student {student_id!r} has no meeting with --staff {staff_id!r} at event "
            f"{event_id!r} (not their teacher, and not asked for)"
        )
    free = [m for m in wanted if m.fixed is None]
    if not free:
        booked = loaded.booked[wanted[0].index].conference_id
        raise ConflictError(f"that meeting is already booked (conference {booked})")
    meeting = free[0] if double is None else replace(free[0], length=2 if double else 1)
    day = minute_at[:10]
    if day not in loaded.instance.day_names:
        raise PoltermError(f"--at {at!r} is not on a day of event {event_id!r}")
    minute = loaded.instance.day_names.index(day) * DAY + minutes(minute_at[11:])
    starts = loaded.instance.grids[meeting.school_id].starts
    if minute not in starts:
        raise PoltermError(f"--at {at!r} is not the start of a slot at {meeting.school_id}")
    slot = starts.index(minute)
    why = occupancy.fits(meeting, slot)
    if why is None and interpreter is not None:
        why = _interpreter_refused(session, loaded, occupancy, meeting, slot, interpreter)
    elif why is None and meeting.language is not None:
        interpreter = occupancy.interpreter_for(meeting, slot)
        why = None if interpreter else f"no interpreter of {meeting.language} free"
    if why is not None:
        raise ConflictError(f"cannot book {student_id} with {staff_id} at {minute_at}: {why}")
    with session.transaction():
        booked = [(meeting, minute_at, interpreter)]
        return _create_many(session, loaded, booked, set(), planned=False)[0]


def _interpreter_refused(
    session: Session,
    loaded: Loaded,
    occupancy: Occupancy,
    meeting: Meeting,
    slot: int,
    interpreter_id: str,
) -> str | None:
    """Why the interpreter chosen cannot interpret this meeting (None when they can)."""
    found = require(session, "interpreter", interpreter_id)
    if meeting.language is None:
        return f"household {meeting.household!r} needs no interpreter"
    if found["language"] != meeting.language:
        return f"interpreter {interpreter_id!r} speaks {found['language']}, not {meeting.language}"
    start, end = occupancy.span(meeting, slot)
    hours = loaded.instance.interpreters.get(interpreter_id)
    if hours is None or not any(a <= start and end <= b for a, b in hours.available):
        return f"interpreter {interpreter_id!r} is not available then"
    if not occupancy.interpreters[interpreter_id].free(start, end):
        return f"interpreter {interpreter_id!r} interprets another meeting then"
    return None


def _iso(loaded: Loaded, minute: int) -> str:
    """A minute on the event timeline as `YYYY-MM-DDTHH:MM`."""
    day, rest = divmod(minute, DAY)
    return f"{loaded.instance.day_names[day]}T{rest // 60:02d}:{rest % 60:02d}"


def _call(loaded: Loaded, meeting: Meeting, booked: Booked, at: str | None) -> dict[str, Any]:
    """A family to phone: which meeting moved from when to when (None: it was dropped)."""
    return {
        "household": meeting.household,
        "student_id": meeting.student_id,
        "staff_id": meeting.staff_id,
        "conference": booked.conference_id,
        "was": _iso(loaded, booked.at),
        "now": at,
    }
