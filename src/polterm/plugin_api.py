"""What a policy plugin's own commands use, kept stable: the acting session, permission
checks, audited writes, date parsing and the errors polterm shows as one line with exit 2.

    import click
    from polterm import plugin_api as api

    @click.command("homework")
    @click.option("--student", required=True)
    @click.option("--on", "day", required=True)
    @api.pass_session
    def homework(session: api.Session, student: str, day: str) -> None:
        api.authorize(session, "student.write", student_id=student)
        api.insert(session, "homework_check", {"student_id": student,
                   "checked_on": api.parse_date(day, "--on").isoformat()}, student_id=student)

Every write here is in one transaction and in the audit log. Give `student_id` when the row
belongs to one student and declare the table with `polterm_per_student_tables`, so a change
re-evaluates that student only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from polterm.cli.state import State, common_options, pass_state
from polterm.errors import ConflictError, PermissionDenied, PoltermError
from polterm.services.session import Session
from polterm.services.validate import parse_date, parse_datetime

__all__ = [
    "ConflictError",
    "PermissionDenied",
    "PoltermError",
    "Session",
    "authorize",
    "delete",
    "insert",
    "parse_date",
    "parse_datetime",
    "pass_session",
    "transaction",
    "update",
]


def pass_session(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a click command `--db` and `--as` and call it with the acting person's session."""

    @common_options
    @pass_state
    @functools.wraps(command)
    def with_session(state: State, *args: Any, **kwargs: Any) -> Any:
        return command(state.session(), *args, **kwargs)

    return with_session


def authorize(
    session: Session, action: str, *, student_id: str | None = None, school_id: str | None = None
) -> None:
    """Refuse (PermissionDenied, exit 2) what the person's role may not do: `student.read`,
    `student.write`, `district.admin`, ... (see polterm.services.authz)."""
    session.authorize(action, student_id=student_id, school_id=school_id)


def insert(
    session: Session, table: str, row: Mapping[str, Any], *, student_id: str | None = None
) -> Any:
    """Insert one row, audited; returns its primary key. A failed constraint is a PoltermError."""
    return session.insert(table, row, student_id=student_id)


def update(
    session: Session,
    table: str,
    pk: Any,
    changes: Mapping[str, Any],
    *,
    student_id: str | None = None,
) -> dict[str, Any]:
    """Change one row, audited; returns the row as saved."""
    return session.update(table, pk, changes, student_id=student_id)


def delete(session: Session, table: str, pk: Any, *, student_id: str | None = None) -> None:
    """Delete one row, audited with what it held."""
    session.delete(table, pk, student_id=student_id)


@contextmanager
def transaction(session: Session) -> Iterator[Database]:
    """Several writes that stand or fall together."""
    with session.transaction() as db:
        yield db
