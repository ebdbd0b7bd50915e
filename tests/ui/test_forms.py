"""Pilot tests of the forms: errors in the form's words, held conferences, staff, escalations."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from polterm.ui.app import PoltermApp
from tests.ui.test_flows import at_student, drive, settle


def messages(app: PoltermApp) -> list[str]:
    return [n.message for n in app._notifications]


def test_a_form_names_a_bad_field_by_its_label_not_by_an_option(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S4", "w")
        app.screen.query_one("#on", Input).value = "2026-02-30"
        app.screen.query_one("#outcome", Input).value = "family safe"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Date: 2026-02-30 is not a date (YYYY-MM-DD)" in messages(app)
        assert not any("--on" in m for m in messages(app))

    drive(app, steps)


def test_the_conference_form_names_its_date_and_time_field(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S4", "n")
        app.screen.query_one("#at", Input).value = "2025-10-32T15:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Date and time: 2025-10-32T15:00 is not a date-time (YYYY-MM-DDTHH:MM)" in (
            messages(app)
        )

    drive(app, steps)
