"""The whole district evaluated into the finding store ahead of the day (a nightly job), so the
morning's dashboards and `check` read it instead of evaluating."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from polterm.policy import Scope
from polterm.services import finding_store
from polterm.services.session import Session


def refresh_district(session: Session) -> dict[str, Any]:
    """Bring the store up to date for today (IT only) and say what it now holds: its counts per
    rule and the rules that failed (their last good findings kept, marked stale)."""
    session.authorize("district.admin")
    started = time.perf_counter()
    finding_store.fill(session.db, session.registry)
    stored = finding_store.read(session.db, Scope(), date.today(), 0)
    return {
        "as_of": stored.as_of.isoformat(),
        "findings": stored.total,
        "rules": dict(sorted(stored.per_rule.items())),
        "failing": [str(failure) for failure in stored.failures],
        "seconds": round(time.perf_counter() - started, 1),
    }
