"""Data in and out: `import oneroster`, `export ...`, `report involvement`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from polterm.cli.output import emit, format_option, raw_option
from polterm.cli.state import State, common_options, pass_state
from polterm.display import visible
from polterm.errors import PoltermError
from polterm.exporters import tables
from polterm.exporters.files import atomic_output
from polterm.importers.oneroster import import_oneroster, total_bytes
from polterm.reports import involvement
from polterm.services import finding_store
from polterm.services.refs import require_filters
from polterm.services.validate import parse_date


@click.group("import")
def import_group() -> None:
    """Load data from other systems."""


@import_group.command("oneroster")
@common_options
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@format_option()
@pass_state
def import_oneroster_cmd(state: State, directory: Path, fmt: str) -> None:
    """Import a OneRoster 1.1 or 1.2 CSV export, bulk or delta as its manifest.csv says.

    All or nothing: a malformed file changes nothing. Rows that are valid but inconsistent
    (a teacher's enrollment whose user is a student) are skipped and listed as warnings."""
    session = state.session()
    if not directory.is_dir():
        raise PoltermError(f"{directory} is not a directory")
    if sys.stderr.isatty():
        with click.progressbar(
            length=total_bytes(directory), label="Importing", file=sys.stderr
        ) as bar:
            counts = import_oneroster(session, directory, bar.update)
    else:
        counts = import_oneroster(session, directory)
    finding_store.fill(session.db, session.registry)
    data = {k: v for k, v in counts.__dict__.items() if k not in ("extra", "more_warnings")}
    if fmt == "json":
        emit(data, fmt)
        return
    emit({k: v for k, v in data.items() if k != "warnings"}, fmt)
    for warning in counts.warnings:
        click.echo(f"warning: {warning}")
    if counts.more_warnings:
        click.echo(f"warning: and {counts.more_warnings} more (all in the audit log)")


@click.group("export")
def export_group() -> None:
    """Write calendars and tables for other programs."""


@export_group.command("ics")
@common_options
@click.option("--staff", "staff_id", metavar="ID", help="A staff member's conferences.")
@click.option("--student", "student_id", metavar="ID", help="A student's conferences.")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .ics file to write (- for standard output).")  # fmt: skip
@pass_state
def export_ics(state: State, staff_id: str | None, student_id: str | None, output: Path) -> None:
    """An RFC 5545 calendar of conferences; re-exports update events (stable UIDs)."""
    from polterm.exporters.ics import conference_calendar, write_calendar  # slow to import

    if str(output) == "-":
        cal = conference_calendar(state.session(), staff_id=staff_id, student_id=student_id)
        sys.stdout.buffer.write(cal.to_ical())
        return
    write_calendar(state.session(), output, staff_id=staff_id, student_id=student_id)


def _table_command(name: str, columns: list[str], doc: str):  # type: ignore[no-untyped-def]
    """`export students|conferences|findings`: the same options, different rows."""

    @export_group.command(name, help=doc + _SPREADSHEET_NOTE)
    @common_options
    @click.option("--school", "school_id", metavar="ID", help="One school [default: district].")
    @click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
                  show_default=True, help="CSV for spreadsheets, JSON for scripts.")  # fmt: skip
    @raw_option()
    @click.option("-o", "output", type=click.Path(dir_okay=False, path_type=Path),
                  help="File to write [default: standard output].")  # fmt: skip
    @click.option("--with-contacts", is_flag=True, hidden=name != "students",
                  help="Add guardians' email and phone (needs contact.read).")  # fmt: skip
    @click.option("--as-of", "as_of", metavar="DATE", hidden=name != "findings",
                  help="Findings as of this date [default: today].")  # fmt: skip
    @click.option("--excel", is_flag=True,
                  help="CSV with a UTF-8 BOM, so Excel shows accented names right.")  # fmt: skip
    @pass_state
    def command(
        state: State, school_id: str | None, fmt: str, raw: bool, output: Path | None,
        with_contacts: bool, as_of: str | None, excel: bool,
    ) -> None:  # fmt: skip
        if excel and fmt != "csv":
            raise PoltermError("--excel goes with --format csv")
        session = state.session()
        require_filters(session, "student.read", school_id=school_id)
        if name == "students":
            rows = tables.students(session, school_id, with_contacts=with_contacts)
            cols = columns + (tables.CONTACT_COLUMNS if with_contacts else [])
        elif name == "conferences":
            rows, cols = tables.conferences(session, school_id), columns
        else:
            day = parse_date(as_of, "--as-of") if as_of else date.today()
            rows, cols = tables.findings(session, school_id, day), columns
        if output is None:
            tables.write(rows, cols, fmt, sys.stdout, excel, raw=raw, terminal=sys.stdout.isatty())
            sys.stdout.flush()
            return
        with atomic_output(output) as f:
            tables.write(rows, cols, fmt, f, excel, raw=raw)  # type: ignore[arg-type]

    return command


# said in each export's --help: what a spreadsheet reads from the CSV
_SPREADSHEET_NOTE = (
    " CSV cells starting with = + - @ tab or CR get a leading ' so that a spreadsheet shows"
    " them as text instead of running them as formulas (--raw: as stored)."
)

_table_command("students", tables.STUDENT_COLUMNS,
               "Students (guardians' names; contacts only with --with-contacts).")  # fmt: skip
_table_command("conferences", tables.CONFERENCE_COLUMNS, "Conferences (no notes).")
_table_command("findings", tables.FINDING_COLUMNS, "What the active policies find.")


@click.group("report")
def report_group() -> None:
    """Reports for principals and the superintendent."""


@report_group.command("involvement")
@common_options
@click.option("--school", "school_id", required=True, metavar="ID", help="The school.")
@click.option("--year", required=True, metavar="NAME", help="The school year, e.g. 2025-2026.")
@click.option("--format", "fmt", type=click.Choice(["md", "json", "toml"]), default="md",
              show_default=True, help="Markdown to read, JSON or TOML to process.")  # fmt: skip
@click.option("--as-of", "as_of", metavar="DATE", help="Figures as of [default: today].")
@click.option("--submit", is_flag=True, help="Record that the principal submitted it.")
@click.option("--on", "on", metavar="DATE", help="With --submit: the date it was submitted.")
@pass_state
def report_involvement(
    state: State, school_id: str, year: str, fmt: str, as_of: str | None, submit: bool,
    on: str | None,
) -> None:  # fmt: skip
    """The parental involvement report of one school and year (AR 6310)."""
    if on and not submit:
        raise PoltermError("--on goes with --submit")
    if submit and not on:
        raise PoltermError("--submit needs --on DATE")
    session = state.session()
    day = parse_date(as_of, "--as-of") if as_of else date.today()
    if submit:
        involvement.build_report(session, school_id, year, day)  # checks school and year
        involvement.submit(session, school_id, year, parse_date(on or "", "--on"))
    report = involvement.build_report(session, school_id, year, day)
    render = {"md": involvement.render_markdown, "json": involvement.render_json,
              "toml": involvement.render_toml}[fmt]  # fmt: skip
    text = render(report)
    click.echo(visible(text, lines=True) if sys.stdout.isatty() else text, nl=False)
