"""Commands for dated records about a student: `attempt`, `escalation`, `welfare-check`,
`request`, `progress-report`, `approval-1806`."""

from __future__ import annotations

import click

from polterm.cli.detail import emit_id
from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services import records


@click.group("attempt")
@common_options
def attempt() -> None:
    """Attempts to reach a parent."""


@attempt.command("add")
@common_options
@click.option("--student", required=True)
@click.option("--on", required=True, metavar="DATE")
@click.option("--method", required=True, type=click.Choice(records.METHODS))
@click.option("--outcome", required=True, type=click.Choice(records.OUTCOMES))
@click.option("--purpose", required=True, type=click.Choice(records.PURPOSES))
@click.option("--note")
@format_option()
@pass_state
def attempt_add(
    state: State,
    student: str,
    on: str,
    method: str,
    outcome: str,
    purpose: str,
    note: str | None,
    fmt: str,
) -> None:
    """Record an attempt to reach a student's parent; prints its id."""
    emit_id(records.add_attempt(state.session(), student, on, method, outcome, purpose, note), fmt)


@click.group("escalation")
@common_options
def escalation() -> None:
    """Reports to the principal or designee that a parent cannot be reached."""


@escalation.command("add")
@common_options
@click.option("--student", required=True)
@click.option("--on", required=True, metavar="DATE")
@click.option("--to", "to_staff", metavar="STAFF_ID", help="The principal or designee told.")
@format_option()
@pass_state
def escalation_add(state: State, student: str, on: str, to_staff: str | None, fmt: str) -> None:
    """Record an escalation; prints its id."""
    emit_id(records.add_escalation(state.session(), student, on, to_staff), fmt)


@click.group("welfare-check")
@common_options
def welfare_check() -> None:
    """Contacts with the emergency contact about the family's health and safety."""


@welfare_check.command("add")
@common_options
@click.option("--student", required=True)
@click.option("--on", required=True, metavar="DATE")
@click.option("--outcome", required=True, metavar="TEXT")
@format_option()
@pass_state
def welfare_check_add(state: State, student: str, on: str, outcome: str, fmt: str) -> None:
    """Record a welfare check's outcome; prints its id."""
    emit_id(records.add_welfare_check(state.session(), student, on, outcome), fmt)


@click.group("request")
@common_options
def request() -> None:
    """Parents' requests for a conference, as the office takes them."""


@request.command("add")
@common_options
@click.option("--id", "id_", required=True, help="An id for the request.")
@click.option("--student", required=True)
@click.option("--on", required=True, metavar="DATE", help="The day the parent asked.")
@click.option("--with", "with_whom", required=True, type=click.Choice(records.REQUEST_WITH))
@click.option("--topic", metavar="TEXT")
@click.option("--caller", metavar="NAME", help="Who called, as the office wrote it down.")
@click.option("--guardian", metavar="ID", help="The guardian who asked, if known.")
@click.option("--wanted", metavar="STAFF_ID", help="Whom they want to meet.")
@format_option()
@pass_state
def request_add(
    state: State,
    id_: str,
    student: str,
    on: str,
    with_whom: str,
    topic: str | None,
    caller: str | None,
    guardian: str | None,
    wanted: str | None,
    fmt: str,
) -> None:
    """Record a parent's request for a conference."""
    emit_id(
        records.add_request(
            state.session(), id_, student, on, with_whom, topic, caller, guardian, wanted
        ),
        fmt,
    )


@request.command("list")
@common_options
@click.option("--student", help="Only this student's requests.")
@click.option("--open", "open_only", is_flag=True, help="Only those no conference answers yet.")
@format_option()
@pass_state
def request_list(state: State, student: str | None, open_only: bool, fmt: str) -> None:
    """List parent requests, newest first, with the conference arranged for each."""
    emit(
        records.list_requests(state.session(), student, open_only),
        fmt,
        ["id", "requested_on", "student_id", "student", "with_whom", "topic", "conference_id"],
    )


@click.group("progress-report")
@common_options
def progress_report() -> None:
    """Progress reports issued for a grading period."""


@progress_report.command("add")
@common_options
@click.option("--student", required=True)
@click.option("--period", required=True, metavar="ID")
@click.option("--on", required=True, metavar="DATE", help="The day it was issued.")
@click.option("--conference", metavar="ID", help="The conference it was handed over at.")
@format_option()
@pass_state
def progress_report_add(
    state: State, student: str, period: str, on: str, conference: str | None, fmt: str
) -> None:
    """Record an issued progress report; prints its id."""
    emit_id(records.add_progress_report(state.session(), student, period, on, conference), fmt)


@click.group("approval-1806")
@common_options
def approval_1806() -> None:
    """Approvals under BOE Policy 1806 that excuse a progress report."""


@approval_1806.command("add")
@common_options
@click.option("--student", required=True)
@click.option("--period", required=True, metavar="ID")
@click.option("--on", required=True, metavar="DATE")
@format_option()
@pass_state
def approval_1806_add(state: State, student: str, period: str, on: str, fmt: str) -> None:
    """Record a 1806 approval for a student and period; prints its id."""
    emit_id(records.add_approval_1806(state.session(), student, period, on), fmt)
