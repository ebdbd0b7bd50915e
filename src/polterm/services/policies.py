"""Switching a district's policies on and off from a date: IT only, audited, history kept.

A board adopts a policy on a day and the records before it stay judged by the old set, so
every change is dated (`policy_change`) and `config.active_policies(db, as_of)` undoes the
changes dated after the day asked about.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from importlib.resources import files
from typing import Any

from polterm import config, settings
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
    try:  # its tables first: the change is recorded only once they exist
        migrate(session.db, policy_migrations(session.registry, [policy]))
    except sqlite3.Error as error:
        raise PoltermError(
            f"policy {policy!r}: its tables could not be created ({error})"
        ) from error
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


def set_setting(session: Session, policy: str, rule: str, key: str, text: str) -> Any:
    """Override one rule setting with a value of its type (IT only, audited); returns it."""
    session.authorize("district.admin")
    declared = known_setting(session, policy, rule, key)
    value = settings.parse(declared, key, text)
    stored = json.dumps(value)
    pk = (policy, rule, key)
    with session.transaction() as db:
        if db["policy_setting"].count_where("policy = ? AND rule = ? AND key = ?", list(pk)):
            session.update("policy_setting", pk, {"value": stored})
        else:
            row = {"policy": policy, "rule": rule, "key": key, "value": stored}
            session.insert("policy_setting", row)
    return value


def known_setting(session: Session, policy: str, rule: str, key: str) -> settings.Setting:
    """A setting must name an installed policy's rule and one of its settings."""
    installed = session.registry.policies
    if policy not in installed:
        raise PoltermError(
            f"policy {policy!r} is not installed (installed: {', '.join(sorted(installed))})"
        )
    rules_of = installed[policy].rules
    if rule not in rules_of:
        raise PoltermError(f"policy {policy!r} has no rule {rule!r}")
    if key not in rules_of[rule].settings:
        known = ", ".join(rules_of[rule].settings) or "none"
        raise PoltermError(f"rule {rule!r} has no setting {key!r} (settings: {known})")
    return settings.declared(rules_of[rule].settings[key])


def policy_states(session: Session, today: date) -> list[dict[str, Any]]:
    """Every installed or configured policy: whether it is in force today, since or from when."""
    db = session.db
    installed = session.registry.policies
    now, later = config.active_policies(db, today), config.active_policies(db)
    out = []
    for name in dict.fromkeys([*now, *later, *sorted(installed)]):
        last = config.last_change(db, name)
        if name in now:
            state = f"in force since {last}" if last and last <= today.isoformat() else "in force"
        elif name in later:
            state = f"in force from {last}"
        else:
            state = f"off since {last}" if last else "not enabled"
        loaded = installed.get(name)
        out.append(
            {
                "policy": name,
                "state": state,
                "enabled": name in later,
                "title": loaded.info.title if loaded else "not installed",
                "citation": loaded.info.citation if loaded else "",
                "source": (loaded.info.source or "") if loaded else "",
                "version": loaded.version if loaded else "",
            }
        )
    return out


def policy_text(session: Session, policy: str) -> str:
    """The text of the policy its plugin ships (`PolicyInfo.source`, a file in its package)."""
    loaded = session.registry.policies.get(policy)
    if loaded is None or not loaded.info.source:
        raise PoltermError(f"policy {policy!r} ships no text")
    try:
        return (files(loaded.module) / loaded.info.source).read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError, TypeError) as error:
        raise PoltermError(
            f"policy {policy!r}: its text {loaded.info.source!r} is not in its package ({error})"
        ) from error
