"""The rules' settings as the district configured them, for code the engine does not call."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from polterm import config
from polterm.policy import Rule
from polterm_p1471.info import POLICY

DEFAULT_SCOPE = "parent-principal"


def configured(db: Database, rule: Rule) -> dict[str, Any]:
    """A rule's defaults with the district's overrides, as the engine would hand them over."""
    overrides = config.rule_settings(db, POLICY.name).get(rule.id, {})
    return config.effective_settings(rule.settings, overrides)


def conference_scope(db: Database, rule_id: str) -> str:
    """Which conferences the item 3a guidance covers: the rule's own setting if the district
    set one, else the one set for `conference-size` (RULES.md: "the same scope"), else item 3's
    parent-initiated conferences with the principal."""
    overrides = config.rule_settings(db, POLICY.name)
    for rule in (rule_id, "conference-size"):
        if "scope" in overrides.get(rule, {}):
            return str(overrides[rule]["scope"])
    return DEFAULT_SCOPE
