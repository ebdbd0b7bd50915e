"""The rules' settings as the district configured them, for code the engine does not call."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from polterm import config
from polterm.policy import Rule
from polterm_clinton_6310.info import POLICY


def configured(db: Database, rule: Rule) -> dict[str, Any]:
    """A rule's defaults with the district's overrides, as the engine would hand them over."""
    overrides = config.rule_settings(db, POLICY.name).get(rule.id, {})
    return config.effective_settings(rule.settings, overrides)
