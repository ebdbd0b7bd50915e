"""Running the plugin's SQL and reading its rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database


def rows(db: Database, sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each result row as a dict of its column names."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
