"""Keeping the district's data safe and ready: `backup`, `refresh`."""

from __future__ import annotations

import click

from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services.backup import backup_database
from polterm.services.store_refresh import refresh_district

EXIT_RULES_FAILED = 3


@click.command()
@common_options
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False))
@format_option()
@pass_state
def backup(state: State, target: str, fmt: str) -> None:
    """Write a consistent copy of the database to FILE, also while others are working."""
    path = backup_database(state.session(), target)
    emit({"backup": str(path), "db": str(state.path)}, fmt)


@click.command()
@common_options
@format_option()
@pass_state
def refresh(state: State, fmt: str) -> None:
    """Evaluate the whole district as of today into the finding store (IT only).

    Run it at night from cron or a systemd timer, so the morning's dashboards and `polterm
    check` read the stored findings instead of evaluating. A store already current for today
    is left as it is; otherwise only the students whose records changed are evaluated again
    when that suffices, else the whole district.

    Exit status: 0 done; 3 a rule or policy failed (named on stderr; its last good findings
    are kept, marked stale).
    """
    summary = refresh_district(state.session())
    if fmt == "json":
        emit(summary, fmt)
    else:
        emit({**summary, "rules": len(summary["rules"]), "failing": len(summary["failing"])}, fmt)
    for line in summary["failing"]:
        click.echo(line, err=True)
    if summary["failing"]:
        click.get_current_context().exit(EXIT_RULES_FAILED)
