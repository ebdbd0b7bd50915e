"""Commands for schools and their dated records: `school`, `period`, `remote-period`,
`involvement`."""

from __future__ import annotations

import click

from polterm.cli.detail import emit_id
from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services import schools


@click.group("school")
@common_options
def school() -> None:
    """The district's schools."""


@school.command("add")
@common_options
@click.option("--id", "id_", required=True, help="The district's id for the school.")
@click.option("--name", required=True)
@click.option("--level", required=True, type=click.Choice(schools.LEVELS))
@format_option()
@pass_state
def school_add(state: State, id_: str, name: str, level: str, fmt: str) -> None:
    """Add a school."""
    emit_id(schools.add_school(state.session(), id_, name, level), fmt)


@school.command("list")
@common_options
@format_option()
@pass_state
def school_list(state: State, fmt: str) -> None:
    """List the schools and their number of active students."""
    emit(schools.list_schools(state.session()), fmt, ["id", "name", "level", "students"])


@click.group("period")
@common_options
def period() -> None:
    """Calendar periods: grading, semester, quarter, trimester, term."""


@period.command("add")
@common_options
@click.option("--id", "id_", required=True, help="The period's id, e.g. 2025-q1-oak.")
@click.option("--school", help="The school (none: every school).")
@click.option(
    "--kind", default="grading", show_default=True, type=click.Choice(schools.PERIOD_KINDS)
)
@click.option("--start", required=True, metavar="DATE")
@click.option("--end", required=True, metavar="DATE")
@click.option("--name", help="A name people know it by, e.g. 'Quarter 1'.")
@format_option()
@pass_state
def period_add(
    state: State,
    id_: str,
    school: str | None,
    kind: str,
    start: str,
    end: str,
    name: str | None,
    fmt: str,
) -> None:
    """Add a calendar period of one school (no --school: every school)."""
    emit_id(schools.add_period(state.session(), id_, school, start, end, kind, name), fmt)


@click.group("remote-period")
@common_options
def remote_period() -> None:
    """Remote-learning periods (district-wide or per school)."""


@remote_period.command("add")
@common_options
@click.option("--start", required=True, metavar="DATE")
@click.option("--end", metavar="DATE", help="Leave out while it is ongoing.")
@click.option("--school", help="The school (none: district-wide).")
@format_option()
@pass_state
def remote_period_add(
    state: State, start: str, end: str | None, school: str | None, fmt: str
) -> None:
    """Add a remote-learning period; prints its id."""
    emit_id(schools.add_remote_period(state.session(), start, end, school), fmt)


@remote_period.command("end")
@common_options
@click.argument("period_id", metavar="ID")
@click.option("--on", required=True, metavar="DATE", help="Its last day.")
@format_option()
@pass_state
def remote_period_end(state: State, period_id: str, on: str, fmt: str) -> None:
    """Record the day a remote-learning period ends."""
    emit(schools.end_remote_period(state.session(), period_id, on), fmt)


@remote_period.command("list")
@common_options
@format_option()
@pass_state
def remote_period_list(state: State, fmt: str) -> None:
    """List the remote-learning periods, latest first."""
    emit(
        schools.list_remote_periods(state.session()),
        fmt,
        ["id", "school_id", "school", "start", "end", "days"],
    )


@click.group("involvement")
@common_options
def involvement() -> None:
    """Parental-involvement activities (for the principal's yearly report)."""


@involvement.command("add")
@common_options
@click.option("--school", required=True)
@click.option("--on", required=True, metavar="DATE")
@click.option("--kind", required=True, type=click.Choice(schools.INVOLVEMENT_KINDS))
@click.option("--attendance", type=int, metavar="N", help="How many people took part.")
@click.option("--note")
@format_option()
@pass_state
def involvement_add(
    state: State,
    school: str,
    on: str,
    kind: str,
    attendance: int | None,
    note: str | None,
    fmt: str,
) -> None:
    """Record an involvement activity; prints its id."""
    emit_id(schools.add_involvement(state.session(), school, on, kind, attendance, note), fmt)
