"""The district's configuration, kept in its database so every session and backup shares it.

Which policies are active and any rule settings that differ from a rule's defaults live in
the `district_policy` and `policy_setting` tables: one source of truth for all SSH sessions,
copied by `polterm backup`, changed in a transaction and recorded in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlite_utils import Database

from polterm.settings import checked, declared


def active_policies(db: Database, as_of: date | None = None) -> list[str]:
    """The policy names the district has switched on, in the order it gave them: as of a day,
    the set in force that day (the changes dated after it undone), else after every change."""
    rows = db.execute("SELECT policy, position FROM district_policy").fetchall()
    positions: dict[str, int] = dict(rows)
    if as_of is not None:
        for policy, action, position in db.execute(
            "SELECT policy, action, position FROM policy_change WHERE effective > ?"
            " ORDER BY effective DESC, id DESC",
            [as_of.isoformat()],
        ):
            if action == "enable":
                positions.pop(policy, None)
            else:
                positions[policy] = position
    return sorted(positions, key=lambda name: (positions[name], name))


def ever_active(db: Database) -> list[str]:
    """Every policy the district has in force now or had on some day: whose tables it needs."""
    rows = db.execute(
        "SELECT policy FROM district_policy UNION SELECT policy FROM policy_change"
    ).fetchall()
    return sorted(row[0] for row in rows)


def last_change(db: Database, policy: str) -> str | None:
    """The effective day of a policy's latest recorded change, if it has one."""
    row = db.execute(
        "SELECT max(effective) FROM policy_change WHERE policy = ?", [policy]
    ).fetchone()
    return row[0] if row else None


def rule_settings(db: Database, policy: str) -> dict[str, dict[str, Any]]:
    """The district's overrides for a policy's rules: {rule: {key: value}}."""
    out: dict[str, dict[str, Any]] = {}
    for rule, key, value in db.execute(
        "SELECT rule, key, value FROM policy_setting WHERE policy = ?", [policy]
    ):
        out.setdefault(rule, {})[key] = json.loads(value)
    return out


def effective_settings(
    defaults: Mapping[str, Any], overrides: Mapping[str, Any], *, strict: bool = True
) -> dict[str, Any]:
    """A rule's defaults overridden by the district's config, limited to keys the rule knows;
    a stored value that does not fit its setting is a `SettingError` naming it (`strict`),
    else shown as stored (for listings, which must still open)."""
    out: dict[str, Any] = {}
    for key, value in defaults.items():
        setting = declared(value)
        if key not in overrides:
            out[key] = setting.default
        else:
            out[key] = checked(setting, key, overrides[key]) if strict else overrides[key]
    return out
