"""What the pickers offer: staff and conference attendees, paged by the views, labelled once."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from polterm.policy import Attendee
from polterm.services.session import Session
from polterm.services.views import guardian_page, staff_page, staff_rows
from polterm.ui.widgets.picker import Source


def staff_label(row: Mapping[str, Any], role: bool = True) -> str:
    """A staff member as a picker shows them: name, role (unless all share it), school, id."""
    what = f" · {row['role']}" if role else ""
    return f"{row['name']}{what} · {row['school_id'] or 'district'} ({row['id']})"


def staff_source(school_id: str | None, roles: Collection[str] = ()) -> Source:
    """Active staff of a school (None: of the schools in the actor's reach) in these roles."""

    def page(session: Session, text: str, offset: int, limit: int) -> list[tuple[str, str]]:
        rows = staff_page(
            session, text, school_id=school_id, roles=roles, offset=offset, limit=limit
        )
        return [(r["id"], staff_label(r, role=len(roles) != 1)) for r in rows]

    return page


def staff_choices(session: Session, ids: Collection[str]) -> list[tuple[str, str]]:
    """Chosen staff ids as picker entries, in the order given (for editing a conference)."""
    rows = staff_rows(session, ids)
    return [(i, staff_label(rows[i]) if i in rows else i) for i in ids]


def attendee_value(attendee: Attendee) -> str:
    """An attendee as a picker value: their name and guardian id, if any, as JSON."""
    return json.dumps([attendee.name, attendee.guardian_id])


def attendee_of(value: str) -> Attendee:
    """The attendee a picker value stands for (see `attendee_value`)."""
    name, guardian_id = json.loads(value)
    return Attendee(name, guardian_id)


def attendee_label(attendee: Attendee, own: bool | None = None) -> str:
    """Whose guardian someone is shows beside them: another family's draws a warning."""
    if attendee.guardian_id is None:
        return f"{attendee.name} (not a guardian)"
    family = {True: " · guardian", False: " · another family's guardian"}.get(own, "")
    return f"{attendee.name} ({attendee.guardian_id}){family}"


def attendee_choice(attendee: Attendee, own: bool | None = None) -> tuple[str, str]:
    """An attendee as a picker entry: value and label."""
    return attendee_value(attendee), attendee_label(attendee, own)


def attendee_source(student_id: str) -> Source:
    """The student's guardians, then the text typed as a named attendee, then other families'."""

    def page(session: Session, text: str, offset: int, limit: int) -> list[tuple[str, str]]:
        rows = guardian_page(session, student_id, text, offset, limit)
        out = [attendee_choice(Attendee(r["name"], r["id"]), bool(r["own"])) for r in rows]
        if text and offset == 0:
            own = sum(1 for r in rows if r["own"])
            out.insert(own, attendee_choice(Attendee(text)))
        return out

    return page
