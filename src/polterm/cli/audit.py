"""`polterm audit`: who changed which record when, with the values before and after."""

from __future__ import annotations

import click

from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services.audit import changes, read_audit

COLUMNS = ("id", "at", "actor", "os_user", "action", "table", "record", "student", "changes")


@click.command()
@common_options
@click.option("--student", "student_id", metavar="ID", help="Only writes about this student.")
@click.option("--since", metavar="DATE", help="Only writes on or after this date (YYYY-MM-DD).")
@format_option()
@pass_state
def audit(state: State, student_id: str | None, since: str | None, fmt: str) -> None:
    """Read the audit log; `actor` is who it was done for, `os_user` who ran polterm."""
    rows = read_audit(state.session(), student_id, since, for_table=fmt != "json")
    if fmt == "json":
        emit(rows, fmt)
        return
    table = [
        {
            "id": r["id"],
            "at": r["at"],
            "actor": f"{r['actor_name'] or r['actor']} ({r['actor']})",
            "os_user": r["os_user"],
            "action": r["action"],
            "table": r["table_name"],
            "record": r["record_id"],
            "student": r["student_id"],
            "changes": changes(r),
        }
        for r in rows
    ]
    emit(table, fmt, COLUMNS)
