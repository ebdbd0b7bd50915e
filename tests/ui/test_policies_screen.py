"""The Policies screen: IT switches a policy off and on from a date, sets a setting of the
right type, and reads the policy's own text; others see no such keys."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from polterm.services.session import Actor
from polterm.ui.app import PoltermApp

from .test_flows import cells, drive, settle, text_of, until


async def on_policies(pilot: Pilot) -> None:
    await pilot.press("p")
    await settle(pilot)


async def save_form(pilot: Pilot, **values: str) -> None:
    """Fill a form's fields (by name) and save it with ctrl+s."""
    app = pilot.app
    await until(pilot, lambda: bool(app.screen.query("#save")))
    for name, value in values.items():
        app.screen.query_one(f"#f-{name}", Input).value = value
    await until(pilot, lambda: getattr(app.screen, "ready", False))
    await pilot.press("ctrl+s")
    await settle(pilot)


def test_it_disables_and_enables_a_policy_from_a_date_audited(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await on_policies(pilot)
        assert cells(app, "#policies", 1) == ["in force"]
        app.screen.query_one("#policies", DataTable).focus()
        await pilot.press("x")
        await save_form(pilot)  # from today, as the form proposes
        assert cells(app, "#policies", 1) == ["off since 2025-10-15"]
        await pilot.press("e")
        await save_form(pilot, **{"from": "2025-10-20"})
        assert cells(app, "#policies", 1) == ["in force from 2025-10-20"]
        rows = app.session.db.execute(
            "SELECT action, effective FROM policy_change ORDER BY id"
        ).fetchall()
        assert rows == [("disable", "2025-10-15"), ("enable", "2025-10-20")]
        audited = app.session.db.execute(
            "SELECT count(*) FROM audit_log WHERE table_name = 'policy_change'"
        ).fetchone()
        assert audited == (2,)

    drive(app, steps)


def test_it_sets_a_setting_and_a_value_of_the_wrong_type_is_refused(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await on_policies(pilot)
        table = app.screen.query_one("#rules", DataTable)
        table.focus()
        table.move_cursor(row=cells(app, "#rules", 1).index("arrange-parent-request"))
        await settle(pilot)
        assert "arrange_within_days: a whole number" in text_of(app, "#sentence")
        await pilot.press("v")
        await save_form(pilot, value="two-weeks")
        assert app.screen.query("#f-value")  # still open: not saved
        assert app.session.db.execute("SELECT count(*) FROM policy_setting").fetchone() == (0,)
        await save_form(pilot, value="7")
        assert any('"arrange_within_days": 7' in c for c in cells(app, "#rules", 5))

    drive(app, steps)


def test_the_policy_text_the_plugin_ships_opens_from_the_screen(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await on_policies(pilot)
        assert cells(app, "#policies", 3) == ["p1471-conference-with-parents.txt"]
        await pilot.press("t")
        await settle(pilot)
        assert "P1471 CONFERENCE WITH PARENTS" in text_of(app, "#body")

    drive(app, steps)


def test_only_it_is_offered_the_keys_that_change_policies(app: PoltermApp) -> None:
    app.session.actor = Actor("t1", "Terry Teach", "teacher", "north", "terry")

    async def steps(pilot: Pilot) -> None:
        await on_policies(pilot)
        shown = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "text" in shown
        assert not shown & {"enable", "disable", "set_value"}

    drive(app, steps)
