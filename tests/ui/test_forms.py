"""Pilot tests of the forms: errors in the form's words, held conferences, staff, escalations."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from polterm.services.session import Actor, Session
from polterm.ui.app import PoltermApp
from polterm.ui.screens.conduct import ConductScreen
from polterm.ui.screens.student import StudentScreen
from polterm.ui.widgets.confirm import Confirm
from tests.ui.conftest import TODAY
from tests.ui.test_flows import at_student, drive, options, pick, settle, text_of


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


def conference_of(app: PoltermApp, student_id: str) -> tuple[str, str]:
    return app.session.db.execute(
        "SELECT at, status FROM conference WHERE student_id = ?", [student_id]
    ).fetchone()


async def mark_held_in_conduct(pilot: Pilot) -> None:
    """S1's meeting of 2025-10-20, five days ahead of the app's today: conduct, mark held."""
    await at_student(pilot, "S1")
    assert "The conference record lacks" not in text_of(pilot.app, "#body")  # not held yet
    await pilot.press("h")
    await settle(pilot)
    pilot.app.screen.query_one("#held", Checkbox).value = True
    await pilot.press("ctrl+s")
    await settle(pilot)


def test_marking_held_a_conference_dated_ahead_asks_and_yes_moves_it_to_today(
    remote_app: PoltermApp,
) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await mark_held_in_conduct(pilot)
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == (
            "This conference is dated 2025-10-20; record it held today and change its date?"
        )
        assert conference_of(app, "S1") == ("2025-10-20T15:00", "scheduled")
        await pilot.press("y")
        await settle(pilot)
        assert conference_of(app, "S1") == ("2025-10-15T15:00", "held")
        assert isinstance(app.screen, StudentScreen)
        assert "The conference record lacks" in text_of(app, "#body")  # held now: it counts

    drive(app, steps)


def test_answering_no_saves_nothing_and_keeps_the_form(remote_app: PoltermApp) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await mark_held_in_conduct(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ConductScreen)
        assert conference_of(app, "S1") == ("2025-10-20T15:00", "scheduled")

    drive(app, steps)


def test_the_conference_form_asks_too_and_moves_its_date_field(remote_app: PoltermApp) -> None:
    app = remote_app
    (conference_id,) = app.session.db.execute(
        "SELECT id FROM conference WHERE student_id = 'S1'"
    ).fetchone()

    async def steps(pilot: Pilot) -> None:
        app.open_conference(conference_id)
        await settle(pilot)
        app.screen.query_one("#status", Select).value = "held"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(pilot)
        assert conference_of(app, "S1") == ("2025-10-15T15:00", "held")

    drive(app, steps)


def test_a_new_conference_with_no_staff_is_warned_about(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S4", "n")
        assert "• No staff member is named" in text_of(app, "#warnings")
        await pick(pilot, "staff", "terry")
        assert "No staff member is named" not in text_of(app, "#warnings")

    drive(app, steps)


def test_a_teacher_scheduling_is_named_on_the_conference_by_default(session: Session) -> None:
    teacher = Actor("t1", "Terry Teach", "teacher", "north", "terry")
    app = PoltermApp(Session(session.db, teacher, session.registry), today=TODAY)

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S4", "n")
        assert options(app, "staff")[0] == "✓ Terry Teach · teacher · north (t1)"
        assert "No staff member is named" not in text_of(app, "#warnings")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session.db.execute(
            "SELECT s.staff_id FROM conference c JOIN conference_staff s"
            " ON s.conference_id = c.id WHERE c.student_id = 'S4'"
        ).fetchall() == [("t1",)]

    drive(app, steps)


def test_the_student_page_lists_escalations_and_welfare_checks(remote_app: PoltermApp) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S2")
        body = text_of(app, "#body")
        assert "2025-10-01 to Pam Principal (p1) · no welfare check yet" in body
        assert "Welfare checks\n  none" in body
        await pilot.press("w")
        await settle(pilot)
        assert text_of(app, "#answers") == "This check answers the escalation of 2025-10-01"
        app.screen.query_one("#on", Input).value = "2025-09-30"
        await settle(pilot)
        assert text_of(app, "#answers") == "This check answers no open escalation"
        app.screen.query_one("#on", Input).value = "2025-10-02"
        app.screen.query_one("#outcome", Input).value = "family safe"
        await pilot.press("ctrl+s")
        await settle(pilot)
        body = text_of(app, "#body")
        assert "2025-10-01 to Pam Principal (p1) · welfare check 2025-10-02" in body
        assert "2025-10-02 by Ira Admin: family safe · answers the escalation of 2025-10-01" in body

    drive(app, steps)


def test_the_escalation_forms_picker_says_how_to_pick(remote_app: PoltermApp) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "e")
        field = app.screen.query_one("#to_staff_id")
        assert str(field.label) == "Reported to: nobody named (Enter: pick one)"

    drive(app, steps)
