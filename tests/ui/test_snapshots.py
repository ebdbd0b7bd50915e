"""Snapshots of the main screens at 120x40 and 80x24, on a fixed district and date."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from polterm.ui.app import PoltermApp

SIZES = [(120, 40), (80, 24)]


async def settle(pilot: Pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture random
        await pilot.pause()


async def on_dashboard(pilot: Pilot) -> None:
    await settle(pilot)


async def on_students(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


async def on_student(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.open_student("S1")  # type: ignore[attr-defined]
    await settle(pilot)


async def on_conference_form(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.open_conference(1)  # type: ignore[attr-defined]
    await settle(pilot)


async def on_policies(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)


SCREENS = {
    "dashboard": on_dashboard,
    "students": on_students,
    "student": on_student,
    "conference_form": on_conference_form,
    "policies": on_policies,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_screen_looks_as_recorded(snap_compare, app: PoltermApp, screen: str, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, run_before=SCREENS[screen], terminal_size=size)
