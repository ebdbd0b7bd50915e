"""Keeping the district's data safe: `backup`."""

from __future__ import annotations

import click

from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services.backup import backup_database


@click.command()
@common_options
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False))
@format_option()
@pass_state
def backup(state: State, target: str, fmt: str) -> None:
    """Write a consistent copy of the database to FILE, also while others are working."""
    path = backup_database(state.session(), target)
    emit({"backup": str(path), "db": str(state.path)}, fmt)
