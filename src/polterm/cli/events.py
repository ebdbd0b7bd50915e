"""Commands for conference days: `event ...` and `interpreter ...`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from polterm.cli.detail import emit_id
from polterm.cli.output import emit, emit_json, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services import events


@click.group("event")
@common_options
def event() -> None:
    """Conference days: events, their requests, and planning them."""


@event.command("add")
@common_options
@click.option("--id", "id_", required=True)
@click.option("--name", required=True)
@click.option("--kind", required=True, help="A conference kind of the active policies.")
@click.option("--school", "schools", multiple=True, help="A school (repeat; none: every school).")
@click.option("--day", "days", multiple=True, required=True, metavar="DATE:HH:MM-HH:MM")
@click.option("--slot", type=int, metavar="MINUTES", help="Default: 20 elementary, 10 otherwise.")
@click.option("--break", "breaks", multiple=True, metavar="HH:MM-HH:MM", help="Every day.")
@click.option("--modality", default="in-person,phone,video", show_default=True)
@click.option("--cap", type=int, metavar="N", help="Most meetings per teacher per day.")
@click.option("--max-consecutive", type=int, metavar="N", help="Then a break is placed.")
@click.option("--family-gap", type=int, default=0, metavar="MINUTES", help="Between meetings.")
@click.option("--max-per-family", type=int, metavar="N")
@click.option("--max-per-child", type=int, metavar="N")
@click.option("--any-day", is_flag=True, help="A family's meetings at a school may span days.")
@click.option("--travel", type=int, default=15, show_default=True, metavar="MINUTES",
              help="Between a family's meetings at two schools.")  # fmt: skip
@click.option("--asked-only", is_flag=True, help="Middle/high: only teachers asked for.")
@format_option()
@pass_state
def event_add(
    state: State,
    id_: str,
    name: str,
    kind: str,
    schools: tuple[str, ...],
    days: tuple[str, ...],
    slot: int | None,
    breaks: tuple[str, ...],
    modality: str,
    cap: int | None,
    max_consecutive: int | None,
    family_gap: int,
    max_per_family: int | None,
    max_per_child: int | None,
    any_day: bool,
    travel: int,
    asked_only: bool,
    fmt: str,
) -> None:
    """Add a conference event; prints its id."""
    settings = events.Settings(
        slot_minutes=slot,
        teacher_cap=cap,
        max_consecutive=max_consecutive,
        family_gap_minutes=family_gap,
        max_per_family=max_per_family,
        max_per_child=max_per_child,
        one_day=not any_day,
        travel_minutes=travel,
        asked_only=asked_only,
    )
    emit_id(
        events.add_event(
            state.session(), id_, name, kind, schools, days, breaks, modality, settings
        ),
        fmt,
    )


@event.command("list")
@common_options
@format_option()
@pass_state
def event_list(state: State, fmt: str) -> None:
    """List the events with their days and schools."""
    emit(events.list_events(state.session()), fmt, ["id", "name", "kind", "days", "schools"])


@event.command("unavailable")
@common_options
@click.option("--event", "event_id", required=True)
@click.option("--staff", required=True)
@click.option("--day", required=True, metavar="DATE")
@click.option("--from", "start", metavar="HH:MM", help="Default: the day's start.")
@click.option("--to", "end", metavar="HH:MM", help="Default: the day's end.")
@format_option()
@pass_state
def event_unavailable(
    state: State, event_id: str, staff: str, day: str, start: str | None, end: str | None, fmt: str
) -> None:
    """Record that a teacher cannot meet families for part of an event day."""
    emit_id(events.add_unavailable(state.session(), event_id, staff, day, start, end), fmt)


@event.command("request")
@common_options
@click.option("--event", "event_id", required=True)
@click.option("--student", required=True)
@click.option("--staff", "staff_ids", multiple=True, metavar="STAFF_ID",
              help="A teacher asked for (repeat; none: the derived teachers).")  # fmt: skip
@click.option("--priority", type=int, metavar="N", help="1 first .. 3 (default: derived).")
@click.option("--prefer", metavar="early|late|DATE")
@click.option("--modality", type=click.Choice(events.MODALITIES))
@click.option("--double", is_flag=True, help="A double-length meeting.")
@format_option()
@pass_state
def event_request(
    state: State,
    event_id: str,
    student: str,
    staff_ids: tuple[str, ...],
    priority: int | None,
    prefer: str | None,
    modality: str | None,
    double: bool,
    fmt: str,
) -> None:
    """Record a request to meet about a student at an event; prints the request ids."""
    ids = events.add_request(
        state.session(), event_id, student, staff_ids, priority, prefer, modality, double
    )
    if fmt == "json":
        emit_json({"ids": ids})
    else:
        click.echo(" ".join(map(str, ids)))


@event.command("plan")
@common_options
@click.argument("event_id", metavar="ID")
@click.option("--dry-run", is_flag=True, help="Print the plan's quality; write nothing.")
@click.option("--reshuffle", is_flag=True, help="Planned meetings may move (hand-booked never).")
@click.option("--time-limit", type=float, default=30.0, show_default=True, metavar="SECONDS")
@click.option("--seed", type=int, default=1, show_default=True)
@format_option()
@pass_state
def event_plan(
    state: State,
    event_id: str,
    dry_run: bool,
    reshuffle: bool,
    time_limit: float,
    seed: int,
    fmt: str,
) -> None:
    """Plan an event's meetings with the solver, compare with first come, first served."""
    from polterm.cli.plan_report import print_quality
    from polterm.services import event_plan as planning

    session = state.session()
    with _school_progress(len(events.event_schools(session, event_id))) as step:
        report = planning.plan_event(
            session,
            event_id,
            dry_run=dry_run,
            reshuffle=reshuffle,
            time_limit=time_limit,
            seed=seed,
            progress=step,
        )
    if fmt == "json":
        emit_json(report.contract())
    else:
        print_quality(report)


@contextmanager
def _school_progress(schools: int) -> Iterator[Callable[[str], None]]:
    """A progress bar over the schools solved, on stderr when a person is watching."""
    if not sys.stderr.isatty():
        yield lambda school: None
        return
    with click.progressbar(length=schools, label="Planning schools", file=sys.stderr) as bar:
        yield lambda school: bar.update(1)


@event.command("show")
@common_options
@click.argument("event_id", metavar="ID")
@click.option("--staff", help="One teacher's meetings.")
@click.option("--student", help="One student's meetings.")
@format_option()
@pass_state
def event_show(
    state: State, event_id: str, staff: str | None, student: str | None, fmt: str
) -> None:
    """List an event's meetings by time."""
    emit(
        events.show_event(state.session(), event_id, staff, student),
        fmt,
        ["id", "at", "minutes", "staff_id", "teacher", "student_id", "student", "modality",
         "interpreter", "booked"],
    )  # fmt: skip


@click.group("interpreter")
@common_options
def interpreter() -> None:
    """Interpreters and when they are available."""


@interpreter.command("add")
@common_options
@click.option("--id", "id_", required=True)
@click.option("--name", required=True)
@click.option("--language", required=True, metavar="CODE")
@click.option("--staff", help="Their staff id, if they are staff.")
@format_option()
@pass_state
def interpreter_add(
    state: State, id_: str, name: str, language: str, staff: str | None, fmt: str
) -> None:
    """Add an interpreter; prints the id."""
    emit_id(events.add_interpreter(state.session(), id_, name, language, staff), fmt)


@interpreter.command("available")
@common_options
@click.option("--id", "id_", required=True)
@click.option("--event", "event_id", required=True)
@click.option("--day", required=True, metavar="DATE")
@click.option("--from", "start", required=True, metavar="HH:MM")
@click.option("--to", "end", required=True, metavar="HH:MM")
@format_option()
@pass_state
def interpreter_available(
    state: State, id_: str, event_id: str, day: str, start: str, end: str, fmt: str
) -> None:
    """Record when an interpreter is available on an event day."""
    emit_id(events.interpreter_available(state.session(), id_, event_id, day, start, end), fmt)


@event.command("book")
@common_options
@click.option("--event", "event_id", required=True)
@click.option("--student", required=True)
@click.option("--staff", required=True, help="The teacher.")
@click.option("--at", required=True, metavar="DATETIME", help="The start of a slot.")
@click.option("--double/--single", default=None,
              help="Two slots in a row, or one [default: as the requests ask].")  # fmt: skip
@click.option("--interpreter", metavar="ID",
              help="Default: the first free one of the family's language.")  # fmt: skip
@format_option()
@pass_state
def event_book(
    state: State,
    event_id: str,
    student: str,
    staff: str,
    at: str,
    double: bool | None,
    interpreter: str | None,
    fmt: str,
) -> None:
    """Book one requested meeting by hand (no plan moves it); prints the conference id."""
    from polterm.services.event_plan import book_meeting

    emit_id(
        book_meeting(
            state.session(), event_id, student, staff, at, double=double, interpreter=interpreter
        ),
        fmt,
    )


@event.command("preferences")
@common_options
@click.option("--event", "event_id", required=True)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the whole file; write nothing.")
@format_option()
@pass_state
def event_preferences(state: State, event_id: str, file: Path, dry_run: bool, fmt: str) -> None:
    """Import families' preferences (day, early or late, modality) from a CSV file.

    Columns: student_id or household; prefer (early, late or a day of the event); modality
    (in-person, phone, video); double (yes/no). One bad row refuses the whole file."""
    from polterm.services.event_preferences import import_preferences

    emit(import_preferences(state.session(), event_id, file, dry_run=dry_run), fmt)
