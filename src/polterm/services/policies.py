"""Switching a district's policies on and off from a date: IT only, audited, history kept.

A board adopts a policy on a day and the records before it stay judged by the old set, so
every change is dated (`policy_change`) and `config.active_policies(db, as_of)` undoes the
changes dated after the day asked about.
"""

from __future__ import annotations

from datetime import date

from polterm import config
from polterm.engine import policy_migrations
from polterm.errors import PoltermError
from polterm.services.session import Session
from polterm.storage.db import migrate


def enable_policy(session: Session, policy: str, effective: date) -> None:
    """Switch an installed policy on from a day."""
    session.authorize("district.admin")
    installed = session.registry.policies
    if policy not in installed:
        raise PoltermError(
            f"policy {policy!r} is not installed (installed: {', '.join(sorted(installed))})"
        )
    if policy in config.active_policies(session.db):
        raise PoltermError(f"policy {policy!r} is already enabled")
    _after_last_change(session, policy, effective)
    migrate(session.db, policy_migrations(session.registry, [policy]))  # its tables, first
    with session.transaction() as db:
        (position,) = db.execute(
            "SELECT coalesce(max(position), -1) + 1 FROM"
            " (SELECT position FROM district_policy UNION ALL SELECT position FROM policy_change)"
        ).fetchone()
        _record(session, policy, "enable", effective, position)
        session.insert("district_policy", {"policy": policy, "position": position})


def disable_policy(session: Session, policy: str, effective: date) -> None:
    """Switch a policy off from a day; checks of earlier days still use it."""
    session.authorize("district.admin")
    row = session.db.execute(
        "SELECT position FROM district_policy WHERE policy = ?", [policy]
    ).fetchone()
    if row is None:
        active = ", ".join(config.active_policies(session.db)) or "none"
        raise PoltermError(f"policy {policy!r} is not enabled (enabled: {active})")
    _after_last_change(session, policy, effective)
    with session.transaction():
        _record(session, policy, "disable", effective, row[0])
        session.delete("district_policy", policy)


def _after_last_change(session: Session, policy: str, effective: date) -> None:
    """History is a line: a change may not be dated before the policy's latest one."""
    last = config.last_change(session.db, policy)
    if last is not None and effective.isoformat() < last:
        raise PoltermError(
            f"--from {effective.isoformat()} is before policy {policy!r}'s last change"
            f" ({last}): changes are dated in order"
        )


def _record(session: Session, policy: str, action: str, effective: date, position: int) -> None:
    session.insert(
        "policy_change",
        {"policy": policy, "action": action, "effective": effective.isoformat(),
         "position": position},
    )  # fmt: skip
