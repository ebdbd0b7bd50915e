"""Data in and out: `import oneroster`, `export ...`, `report involvement`."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from polterm.cli.output import emit, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.importers.oneroster import import_oneroster, total_bytes


@click.group("import")
def import_group() -> None:
    """Load data from other systems."""


@import_group.command("oneroster")
@common_options
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@format_option()
@pass_state
def import_oneroster_cmd(state: State, directory: Path, fmt: str) -> None:
    """Import a OneRoster 1.1 CSV export (all or nothing; re-import updates in place)."""
    session = state.session()
    if not directory.is_dir():
        raise click.UsageError(f"{directory} is not a directory")
    if sys.stderr.isatty():
        with click.progressbar(
            length=total_bytes(directory), label="Importing", file=sys.stderr
        ) as bar:
            counts = import_oneroster(session, directory, bar.update)
    else:
        counts = import_oneroster(session, directory)
    data = {k: v for k, v in counts.__dict__.items() if k != "extra"}
    emit(data, fmt)


@contextmanager
def atomic_output(path: Path, binary: bool = False) -> Iterator[object]:
    """Write to a temp file beside `path` and rename it over; a failure leaves nothing."""
    fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb" if binary else "w", encoding=None if binary else "utf-8",
                       newline=None if binary else "") as f:  # fmt: skip
            yield f
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def register(cli: click.Group) -> None:
    cli.add_command(import_group)
