"""The person is the OS user running polterm; IT staff may act for another with `--as`."""

from __future__ import annotations

from sqlite_utils import Database

from polterm.errors import PermissionDenied, PoltermError
from polterm.services.session import Actor, os_user


def resolve_actor(db: Database, as_user: str | None = None, user: str | None = None) -> Actor:
    """Find the staff record behind this session, or refuse clearly."""
    user = user or os_user()
    if not db.table("district").exists() or not db.table("district").count:
        raise PoltermError(
            "this database has no district yet: run `polterm init` or `polterm demo`"
        )
    me = _staff_by_username(db, user)
    if me is None:
        raise PermissionDenied(
            f"OS user {user!r} has no staff record in this district: ask IT staff to run "
            f"`polterm staff add --username {user} ...`"
        )
    if as_user is None or as_user in (user, me["id"]):
        return _actor(me, user)
    if me["role"] != "it":
        raise PermissionDenied(f"only IT staff may act for someone else (--as {as_user})")
    other = _staff_by_username(db, as_user) or _staff_by_id(db, as_user)
    if other is None:
        raise PoltermError(f"--as {as_user}: no staff member with that username or id")
    return _actor(other, user)


def _actor(row: dict, user: str) -> Actor:
    return Actor(row["id"], row["name"], row["role"], row["school_id"], user)


def _staff_by_username(db: Database, username: str) -> dict | None:
    rows = list(db.query("SELECT * FROM staff WHERE username = ? AND active = 1", [username]))
    return rows[0] if rows else None


def _staff_by_id(db: Database, staff_id: str) -> dict | None:
    rows = list(db.query("SELECT * FROM staff WHERE id = ? AND active = 1", [staff_id]))
    return rows[0] if rows else None
