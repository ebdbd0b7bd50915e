"""Running the plugin's SQL with named parameters, the user's scope among them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from polterm.policy import Scope


def scoped(scope: Scope, alias: str) -> tuple[str, dict[str, Any]]:
    """`Scope.sql` with its `?` placeholders named, so they mix with a query's own names."""
    where, values = scope.sql(alias)
    parts = where.split("?")
    named = parts[0] + "".join(f":scope{i}{part}" for i, part in enumerate(parts[1:]))
    return named, {f"scope{i}": value for i, value in enumerate(values)}


def rows(db: Database, sql: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each result row as a dict of its column names."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def after(as_of: date) -> str:
    """The day after as-of: `col < :after` keeps a date or date-time whose date part is on or
    before as-of, and unlike `substr(col, 1, 10) <= :as_of` costs no function call per row."""
    return (as_of + timedelta(days=1)).isoformat()
