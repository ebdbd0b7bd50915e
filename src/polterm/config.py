"""The district's configuration, kept in its database so every session and backup shares it.

Which policies are active and any rule settings that differ from a rule's defaults live in
the `district_policy` and `policy_setting` tables: one source of truth for all SSH sessions,
copied by `polterm backup`, changed in a transaction and recorded in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database


def active_policies(db: Database) -> list[str]:
    """The policy names the district has switched on, in the order it gave them."""
    return [row[0] for row in db.execute("SELECT policy FROM district_policy ORDER BY position")]


def rule_settings(db: Database, policy: str) -> dict[str, dict[str, Any]]:
    """The district's overrides for a policy's rules: {rule: {key: value}}."""
    out: dict[str, dict[str, Any]] = {}
    for rule, key, value in db.execute(
        "SELECT rule, key, value FROM policy_setting WHERE policy = ?", [policy]
    ):
        out.setdefault(rule, {})[key] = json.loads(value)
    return out


def effective_settings(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A rule's defaults overridden by the district's config, limited to keys the rule knows."""
    return {key: overrides.get(key, value) for key, value in defaults.items()}
