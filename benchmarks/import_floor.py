"""Run in a child process: the floor for `polterm import oneroster`.

The users of a OneRoster set (and the schools they point at), read once with the csv module
and written by one plain executemany per table into the same tables polterm imports into,
in one transaction: no checks, no upserts, no second pass.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path


def rows(path: Path) -> Iterator[dict[str, str]]:
    """A CSV file's rows by header name, as the importer reads them (BOM, CRLF)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def main() -> None:
    db, roster = Path(sys.argv[1]), Path(sys.argv[2])
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    users: dict[str, list[tuple[str | None, ...]]] = {"student": [], "guardian": [], "teacher": []}
    for u in rows(roster / "users.csv"):
        school = u["orgSourcedIds"].split(",")[0]
        if u["role"] == "student":
            users["student"].append(
                (u["sourcedId"], u["givenName"], u["familyName"], u["grades"], school)
            )
        elif u["role"] == "guardian":
            name = f"{u['givenName']} {u['familyName']}"
            users["guardian"].append((u["sourcedId"], name, u["phone"] or None, u["email"]))
        else:
            name = f"{u['givenName']} {u['familyName']}"
            users["teacher"].append((u["sourcedId"], name, "teacher", school))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO school (id, name, level) VALUES (?, ?, 'elementary')",
        [(o["sourcedId"], o["name"]) for o in rows(roster / "orgs.csv") if o["type"] == "school"],
    )
    conn.executemany(
        "INSERT INTO staff (id, name, role, school_id) VALUES (?, ?, ?, ?)", users["teacher"]
    )
    conn.executemany(
        "INSERT INTO student (id, given, family, grade, school_id) VALUES (?, ?, ?, ?, ?)",
        users["student"],
    )
    conn.executemany(
        "INSERT INTO guardian (id, name, phone, email) VALUES (?, ?, ?, ?)", users["guardian"]
    )
    conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    main()
