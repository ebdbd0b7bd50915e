"""A rule that raises is shown where its findings would be, its last good findings kept stale."""

from __future__ import annotations

from dataclasses import replace

from textual.pilot import Pilot

from polterm.policy import RuleContext
from polterm.services.session import Session
from polterm.ui.app import PoltermApp

from .test_flows import at_student, cells, drive, settle, text_of

RULE = "arrange-parent-request"


def boom(ctx: RuleContext) -> list:
    raise RuntimeError("the plugin's query names a column that is gone")


def break_the_rule(session: Session) -> None:
    """The rule raises from now on, and an audited change to S1 asks for S1's refresh."""
    rules = session.registry.policies["p1471"].rules
    rules[RULE] = replace(rules[RULE], evaluate=boom)
    session.insert(
        "contact_attempt",
        {"student_id": "S1", "made_on": "2025-10-14", "method": "phone",
         "outcome": "no-answer", "purpose": "other"},
        student_id="S1",
    )  # fmt: skip


def test_a_failing_rule_is_on_the_dashboard_and_the_student_page_with_stale_findings(
    app: PoltermApp, session: Session
) -> None:
    async def steps(pilot: Pilot) -> None:
        assert "arrange-parent-request" in cells(app, "#findings", 4)
        assert not app.screen.query_one("#failures").display
        break_the_rule(session)
        app.after_write(True)
        await settle(pilot)
        failures = text_of(app, "#failures")
        assert app.screen.query_one("#failures").display
        assert f"p1471/{RULE} fails since 20" in failures
        assert "RuntimeError: the plugin's query names a column that is gone" in failures
        assert "last good findings are kept, marked stale" in failures
        assert "plugin errors" not in text_of(app, "#counts")  # said once, above
        rows = list(zip(cells(app, "#findings", 4), cells(app, "#findings", 0), strict=True))
        assert (RULE, "due (stale)") in rows or (RULE, "overdue (stale)") in rows
        await at_student(pilot, "S1")
        body = text_of(app, "#body")
        assert f"Rule failed: p1471/{RULE} fails since 20" in body
        assert "(stale: its rule fails now)" in body

    drive(app, steps)


def test_a_rule_that_runs_again_clears_its_failure_and_stale_marks(
    app: PoltermApp, session: Session
) -> None:
    async def steps(pilot: Pilot) -> None:
        rules = session.registry.policies["p1471"].rules
        good = rules[RULE]
        break_the_rule(session)
        app.after_write(True)
        await settle(pilot)
        assert app.screen.query_one("#failures").display
        rules[RULE] = good
        session.db.execute("DELETE FROM finding_store_state")  # a new day: a whole evaluation
        app.after_write(True)
        await settle(pilot)
        assert not app.screen.query_one("#failures").display
        assert not [c for c in cells(app, "#findings", 0) if "stale" in c]
        assert RULE in cells(app, "#findings", 4)

    drive(app, steps)
