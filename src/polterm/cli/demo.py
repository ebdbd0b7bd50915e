"""`polterm demo`: build the generated demo district, then open the UI on it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.cli.stdout import release
from polterm.errors import PoltermError
from polterm.services import finding_store
from polterm.services.deployment import system_config
from polterm.services.district import check_replaceable
from polterm.services.session import os_user
from polterm.services.validate import bounded_int
from polterm.storage.db import remove_database

MAX_DEMO_STUDENTS = 5_000_000  # beyond any district; more would fill the disk for hours


@click.command()
@common_options
@click.option("--students", default=2000, show_default=True, help="How many students.")
@click.option("--seed", default=1, show_default=True, help="Same seed, same district.")
@click.option("--no-tui", is_flag=True, help="Build the district only; do not open the UI.")
@click.option("--force", is_flag=True,
              help="Replace an existing demo district (its IT staff only).")  # fmt: skip
@format_option()
@pass_state
def demo(state: State, students: int, seed: int, no_tui: bool, force: bool, fmt: str) -> None:
    """Build a generated demo district (no real people) and open it; you are its IT staff."""
    bounded_int(students, "--students", 1, MAX_DEMO_STUDENTS)
    from polterm.demo.generate import POLICIES, generate  # only this command needs it

    path = state.path
    config = system_config()
    if config is not None and config.is_district(path):
        raise PoltermError(f"{path} is the server's district database ({config.path}): "
                           "a demo goes in another --db")  # fmt: skip
    if path.exists():
        if not force:
            raise PoltermError(f"{path} already exists: use --force to replace it, or another --db")
        check_replaceable(path, state.as_user)
        remove_database(path)
    started = time.perf_counter()
    try:
        with _progress(students) as step:
            summary = generate(
                state.database(create=True, policies=POLICIES), students, seed, os_user(), step
            )
    except BaseException:
        if state._db is not None:
            state._db.close()
        remove_database(path)
        raise
    finding_store.fill(state.database(), state.registry)
    data = {**vars(summary), "db": str(path), "seconds": round(time.perf_counter() - started, 1)}
    emit(data, fmt, list(data))
    if not no_tui:
        from polterm.ui import run_ui

        release()
        run_ui(state)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when a person is watching, nothing otherwise."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    with click.progressbar(length=total, label="Generating students", file=sys.stderr) as bar:
        yield bar.update
