"""Print results for people (aligned tables) or for scripts (one JSON document)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click

from polterm.display import json_escaped, visible

FORMATS = ("table", "json")


def format_option(*choices: str, default: str = "table"):  # type: ignore[no-untyped-def]
    """`--format` with the command's own choices."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices or FORMATS),
        default=default,
        show_default=True,
        help="Output for people (table) or scripts (json).",
    )


def raw_option():  # type: ignore[no-untyped-def]
    """`--raw` of the commands writing CSV: the cells exactly as stored, for scripts."""
    return click.option(
        "--raw",
        is_flag=True,
        help="CSV cells exactly as stored, for scripts: no leading ' on cells starting with"
        " = + - @ tab or CR (which a spreadsheet would run as a formula).",
    )


def emit_json(data: Any) -> None:
    click.echo(json_escaped(json.dumps(data, indent=2, ensure_ascii=False, default=str)))


def emit_table(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> None:
    """A plain aligned table; empty cells for nulls."""
    rows = list(rows)
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def emit(data: Any, fmt: str, columns: Sequence[str] | None = None) -> None:
    """JSON for `--format json`; otherwise a table of the rows (or `key: value` lines)."""
    if fmt == "json":
        emit_json(data)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            click.echo(f"{key}: {_cell(value)}")
    else:
        emit_table(data, columns or (list(data[0]) if data else []))


def _cell(value: Any) -> str:
    """A value as a table shows it; stored control characters written out, never sent raw."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return visible(", ".join(map(str, value)))
    return visible(str(value))
