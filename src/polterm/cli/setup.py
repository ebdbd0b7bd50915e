"""Commands that create a district: `init` (and `demo`, from the demo module)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlite_utils import Database

from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services.deployment import check_district_init
from polterm.services.district import check_initialisable, init_district
from polterm.storage.db import remove_database


@click.command()
@common_options
@click.option("--district", "name", required=True, help="The district's name.")
@click.option(
    "--policy",
    "policies",
    multiple=True,
    required=True,
    metavar="P",
    help="A policy to switch on (repeatable), e.g. clinton_6310, p1471.",
)
@click.option(
    "--year",
    "years",
    multiple=True,
    metavar="NAME:START:END",
    help="A school year, e.g. 2025-2026:2025-08-27:2026-06-12 (repeatable).",
)
@format_option()
@pass_state
def init(
    state: State, name: str, policies: tuple[str, ...], years: tuple[str, ...], fmt: str
) -> None:
    """Create a district's database; you become its first IT staff member."""
    check_district_init(state.path)
    check_initialisable(state.path)
    created = not state.path.exists()
    db = None
    try:
        db = state.database(create=True, policies=policies)
        session = init_district(db, name, list(policies), list(years), set(state.registry.policies))
    except BaseException:
        if created:
            _remove_half_made(state.path, db)
        raise
    emit(
        {
            "district": name,
            "policies": list(policies),
            "db": str(state.path),
            "it_staff": session.actor.staff_id,
        },
        fmt,
    )


def _remove_half_made(path: Path, db: Database | None) -> None:
    """A failed `init` leaves no database file behind that a second try would trip over."""
    if db is not None:
        db.close()
    remove_database(path)
