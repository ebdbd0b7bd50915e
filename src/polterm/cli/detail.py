"""Print what an `add` created and what a `show` finds, the same way in every command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from polterm.cli.output import emit, emit_json, emit_table


def emit_id(record_id: Any, fmt: str) -> None:
    """The new record's id: alone on a line, or `{"id": ...}` for scripts."""
    if fmt == "json":
        emit_json({"id": record_id})
    else:
        click.echo(record_id)


def emit_record(record: Mapping[str, Any], fmt: str, lists: Mapping[str, Sequence[str]]) -> None:
    """One record: its fields as `key: value`, then each named list as a small table."""
    if fmt == "json":
        emit_json(record)
        return
    emit({k: v for k, v in record.items() if k not in lists}, fmt)
    for name, columns in lists.items():
        click.echo(f"\n{name.replace('_', ' ')}:")
        rows = record.get(name) or []
        if isinstance(rows, Mapping):
            rows = [rows]
        if rows:
            emit_table(rows, columns)
        else:
            click.echo("  (none)")
