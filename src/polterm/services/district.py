"""Creating a district: its name, its active policies, its school years, its first IT person."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from polterm.errors import PermissionDenied, PoltermError
from polterm.services.identity import resolve_actor
from polterm.services.session import SYSTEM, Actor, Session, now_iso, os_user
from polterm.services.validate import parse_date
from polterm.storage.db import read_only


def parse_year(spec: str) -> dict[str, str]:
    """`NAME:START:END`, e.g. `2025-2026:2025-08-27:2026-06-12`."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise PoltermError(
            f"--year {spec!r}: expected NAME:START:END, e.g. 2025-2026:2025-08-27:2026-06-12"
        )
    name, start, end = parts
    start_d, end_d = parse_date(start, "--year start"), parse_date(end, "--year end")
    if end_d < start_d:
        raise PoltermError(f"--year {spec!r}: the year ends before it starts")
    return {"name": name, "start": start_d.isoformat(), "end": end_d.isoformat()}


def init_district(
    db: Database,
    name: str,
    policies: list[str],
    years: list[str],
    known_policies: set[str],
    user: str | None = None,
) -> Session:
    """Set up an empty database; the OS user running it becomes the first IT staff member."""
    if db.table("district").count:
        raise PoltermError("this database already has a district; use a new --db")
    for policy in policies:
        if policy not in known_policies:
            raise PoltermError(
                f"--policy {policy!r} is not installed (installed: "
                f"{', '.join(sorted(known_policies)) or 'none'}); install its package first"
            )
    parsed = [parse_year(y) for y in years]
    user = user or os_user()
    session = Session(db, SYSTEM)
    with session.transaction():
        session.insert("district", {"id": 1, "name": name, "created_at": now_iso()})
        for position, policy in enumerate(dict.fromkeys(policies)):
            session.insert("district_policy", {"policy": policy, "position": position})
        for year in parsed:
            session.insert("school_year", year)
        session.insert("staff", {"id": user, "name": user, "role": "it", "username": user})
    session.actor = Actor(user, user, "it", None, user)
    return session


def check_initialisable(path: Path) -> None:
    """`init` writes a new file or an empty polterm database, never another program's file;
    one holding a district is refused by `init_district`."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with read_only(path) as db:
            polterm = db.table("district").exists()
    except sqlite3.DatabaseError:
        polterm = False
    if not polterm:
        raise PoltermError(f"{path} is not a polterm database: init leaves it alone")


def check_replaceable(path: Path, as_user: str | None = None) -> None:
    """Refuse to replace an existing database unless it is a generated demo district and the
    acting person is IT staff in it; a database with no district yet holds nothing to lose.

    Read without migrating or writing, so a refusal leaves the file exactly as it was.
    """
    try:
        with read_only(path) as db:
            _check_replaceable(db, path, as_user)
    except sqlite3.DatabaseError as error:
        raise PoltermError(f"{path} is not a polterm database: not replacing it") from error


def _check_replaceable(db: Database, path: Path, as_user: str | None) -> None:
    """The refusals, on the open file: not a demo district, or not its IT staff acting."""
    if not db.table("district").exists() or not db.table("district").count:
        return
    demo = (
        "demo" in db.table("district").columns_dict
        and db.execute("SELECT demo FROM district").fetchone()[0]
    )
    if not demo:
        raise PermissionDenied(
            f"{path} holds a district that polterm demo did not generate: "
            "it is never replaced (give another --db)"
        )
    actor = resolve_actor(db, as_user)
    if actor.role != "it":
        raise PermissionDenied(
            f"only IT staff of the district in {path} may replace it ({actor.staff_id} is "
            f"{actor.role})"
        )
