"""Commands for conferences: `conference add|update|list|show` and `document provided`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from polterm.cli.detail import emit_id, emit_record
from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.errors import PoltermError
from polterm.policy import ConferenceDraft
from polterm.services import conferences as svc

# CLI option -> ConferenceDraft field or conference detail, for `add` and `update` alike.
_OPTIONS: list[Callable[[Any], Any]] = [
    click.option("--status", metavar="|".join(svc.STATUSES)),
    click.option("--modality", metavar="|".join(svc.MODALITIES)),
    click.option(
        "--remote-offered/--no-remote-offered",
        default=None,
        help="The parent was offered to attend by phone, video or another platform.",
    ),
    click.option("--initiated-by", metavar="|".join(svc.INITIATORS)),
    click.option(
        "--staff", "staff_ids", multiple=True, metavar="ID", help="Staff present (repeatable)."
    ),
    click.option(
        "--attendee",
        "attendees",
        multiple=True,
        metavar="NAME[:GUARDIAN_ID]",
        help="Another person present, linked to a guardian if known (repeatable).",
    ),
    click.option("--request", "request_id", metavar="ID", help="The parent request it answers."),
    click.option(
        "--principal-approved/--no-principal-approved",
        default=None,
        help="The principal approved who attends (P1471 patron privacy).",
    ),
    click.option("--group-size", metavar="|".join(svc.GROUP_SIZES), help="Elementary schools."),
    click.option("--planning", metavar="|".join(svc.PLANNINGS), help="Elementary schools."),
    click.option("--location", help="Room, or call / video details."),
    click.option("--duration", "duration_minutes", type=int, metavar="MINUTES"),
    click.option("--notes"),
]


def conference_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options `add` and `update` share (applied in reverse so --help lists them in order)."""
    for option in reversed(_OPTIONS):
        f = option(f)
    return f


def _changes(options: dict[str, Any]) -> dict[str, Any]:
    """The options that were given, as service field names; lists given once replace the old."""
    changes = {k: v for k, v in options.items() if v is not None and v != ()}
    if "staff_ids" in changes:
        changes["staff_ids"] = tuple(s for s in changes["staff_ids"] if s)
    if "attendees" in changes:
        changes["attendees"] = tuple(svc.parse_attendee(a) for a in changes["attendees"] if a)
    if "support" in changes:
        changes["support"] = svc.parse_support(changes["support"])
    return changes


def _warn(conference_id: int, draft: ConferenceDraft) -> None:
    """What the saved conference lacks, on stderr (stdout stays the id or the JSON)."""
    for line in svc.staffing_warnings(draft):
        click.echo(f"Warning (conference {conference_id}): {line} (--staff ID)", err=True)


@click.group("conference")
@common_options
def conference() -> None:
    """Conferences with parents."""


@conference.command("add")
@common_options
@click.option("--student", "student_id", required=True)
@click.option("--kind", required=True, help="A kind an active policy defines, e.g. flexible.")
@click.option("--at", required=True, metavar="DATETIME", help="YYYY-MM-DDTHH:MM")
@conference_options
@format_option()
@pass_state
def conference_add(
    state: State, student_id: str, kind: str, at: str, fmt: str, **options: Any
) -> None:
    """Record a conference (scheduled by default); prints its id."""
    changes = _changes(options)
    details = {k: changes.pop(k) for k in svc.DETAILS if k in changes}
    draft = ConferenceDraft(student_id=student_id, kind=kind, at=at, **changes)
    conference_id = svc.schedule_conference(state.session(), draft, **details)
    emit_id(conference_id, fmt)
    _warn(conference_id, draft)


@conference.command("update")
@common_options
@click.argument("conference_id", metavar="ID")
@click.option("--student", "student_id")
@click.option("--kind")
@click.option("--at", metavar="DATETIME", help="YYYY-MM-DDTHH:MM")
@conference_options
@click.option("--problem", help="The problem as defined.")
@click.option("--solutions", help="The solutions examined.")
@click.option("--plan", help="The plan of action.")
@click.option("--support", metavar="parent,school,student", help="Who fully supports the plan.")
@click.option(
    "--expected-version",
    type=int,
    metavar="N",
    help="Refuse if the conference was saved since version N.",
)
@format_option()
@pass_state
def conference_update(
    state: State, conference_id: str, expected_version: int | None, fmt: str, **options: Any
) -> None:
    """Change a conference; --staff / --attendee replace those lists ('' empties one)."""
    changes = _changes(options)
    if not changes:
        raise PoltermError(f"conference update {conference_id}: give at least one option to change")
    row = svc.update_conference(
        state.session(), conference_id, changes, expected_version=expected_version
    )
    emit({"id": row["id"], "version": row["version"]}, fmt)
    _warn(row["id"], svc.conference_draft(state.session(), row["id"]))


@conference.command("list")
@common_options
@click.option("--student", "student_id", help="Only this student's conferences.")
@click.option("--staff", "staff_id", metavar="ID", help="Only those this staff member attends.")
@click.option("--from", "start", metavar="DATE", help="On or after this day.")
@click.option("--to", "end", metavar="DATE", help="On or before this day.")
@format_option()
@pass_state
def conference_list(
    state: State,
    student_id: str | None,
    staff_id: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
) -> None:
    """List conferences by date and time."""
    emit(
        svc.list_conferences(state.session(), student_id, staff_id, start, end),
        fmt,
        ["id", "at", "student_id", "student", "kind", "status", "modality"],
    )


@conference.command("show")
@common_options
@click.argument("conference_id", metavar="ID")
@format_option()
@pass_state
def conference_show(state: State, conference_id: str, fmt: str) -> None:
    """Show everything recorded on a conference."""
    emit_record(
        svc.get_conference(state.session(), conference_id),
        fmt,
        {"staff": ["id", "name", "role"], "attendees": ["name", "guardian_id"]},
    )


@click.group("document")
@common_options
def document() -> None:
    """The Department of Education resource document given to parents."""


@document.command("provided")
@common_options
@click.option("--conference", "conference_id", required=True, metavar="ID")
@click.option("--on", required=True, metavar="DATE")
@format_option()
@pass_state
def document_provided(state: State, conference_id: str, on: str, fmt: str) -> None:
    """Record that the resource document was given for a conference."""
    emit_id(svc.document_provided(state.session(), conference_id, on), fmt)
