"""Snapshots of the main screens at 120x40 and 80x24, on a fixed district and date."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, TextArea

from polterm.services.session import Actor
from polterm.ui.app import PoltermApp
from tests.ui.test_today import remote_app_as

SIZES = [(120, 40), (80, 24)]


async def settle(pilot: Pilot) -> None:
    for _ in range(100):  # a form mounts its lower part a piece per refresh (FormDialog)
        if getattr(pilot.app.screen, "ready", True):
            break
        await pilot.pause(0.05)
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor would make the picture random
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
            area.notify_style_update()  # its lines are cached without the blink's state
            area.refresh()
        await pilot.pause()


async def on_dashboard(pilot: Pilot) -> None:
    await settle(pilot)


async def on_students(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


async def at_student(pilot: Pilot, student_id: str, *keys: str) -> None:
    """Open a student's page, then press keys there (a form's key)."""
    await settle(pilot)
    pilot.app.open_student(student_id)  # type: ignore[attr-defined]
    await settle(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)


async def on_student(pilot: Pilot) -> None:
    await at_student(pilot, "S1")


async def on_conference_form(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.open_conference(1)  # type: ignore[attr-defined]
    await settle(pilot)


async def on_policies(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)


async def type_in(pilot: Pilot, selector: str, *keys: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.press(*keys)
    await pilot.pause(0.3)  # past the picker's debounce
    await settle(pilot)


async def on_new_conference_with_pickers(pilot: Pilot) -> None:
    """Staff and a guardian chosen (✓ on top), another family's guardian offered."""
    await at_student(pilot, "S1", "n")
    await type_in(pilot, "#staff Input", *"terry", "enter")
    await type_in(pilot, "#attendees Input", *"parent lov", "enter")
    await type_in(pilot, "#attendees Input", *"parent t")


async def on_teacher_picker(pilot: Pilot) -> None:
    await on_students(pilot)
    field = pilot.app.screen.query_one("#teacher", Button)
    field.active_effect_duration = 0  # its flash would be caught under the picker, or not
    field.focus()
    await pilot.press("enter")
    await settle(pilot)
    await type_in(pilot, "PickerScreen Input", *"te")


async def on_welfare_check(pilot: Pilot) -> None:
    """The escalation stage's steps beside the action the student is at."""
    await at_student(pilot, "S2", "w")


async def on_reports(pilot: Pilot) -> None:
    """The report of a school and year, rendered."""
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    pilot.app.screen.query_one("#year", Select).value = "2025-2026"
    pilot.app.screen.query_one("#school", Select).value = "north"
    await settle(pilot)


async def on_save_report(pilot: Pilot) -> None:
    """ctrl+s on a report: where to save it (a fixed path: the default is the cwd's)."""
    await on_reports(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    pilot.app.screen.query_one("#path", Input).value = "/srv/reports/involvement-north.md"
    await settle(pilot)


def at(student_id: str, key: str) -> Callable[[Pilot], Awaitable[None]]:
    """The steps to a student's page and one of its keys (a form, help)."""
    return lambda pilot: at_student(pilot, student_id, key)


def keys(*pressed: str) -> Callable[[Pilot], Awaitable[None]]:
    """The steps from Today: each key pressed once the screen before it has settled."""

    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)

    return steps


async def on_palette(pilot: Pilot) -> None:
    """A student's entries: open, a new conference, the calendar."""
    await settle(pilot)
    await pilot.press("ctrl+p", *"hopp")
    await pilot.pause(0.5)
    await settle(pilot)


SCREENS = {
    "dashboard": on_dashboard,
    "students": on_students,
    "student": on_student,
    "conference_form": on_conference_form,
    "policies": on_policies,
    "conference_pickers": on_new_conference_with_pickers,
    "teacher_picker": on_teacher_picker,
    "reports": on_reports,
    "save_report": on_save_report,
    "records": keys("m"),
    "remote_period_form": keys("m", "n"),
    "activity_form": keys("m", "i"),
    "help": at("S1", "question_mark"),
    "conduct": at("S2", "h"),
    "attempt_form": at("S1", "a"),
    "call_form": at("S1", "c"),
    "palette": on_palette,
}
REMOTE_SCREENS = {"welfare_check": on_welfare_check, "escalation": at("S1", "e")}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_screen_looks_as_recorded(snap_compare, app: PoltermApp, screen: str, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, run_before=SCREENS[screen], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(REMOTE_SCREENS))
def test_escalation_screen_looks_as_recorded(  # type: ignore[no-untyped-def]
    snap_compare, remote_app: PoltermApp, screen: str, size
) -> None:
    assert snap_compare(remote_app, run_before=REMOTE_SCREENS[screen], terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_teachers_today_looks_as_recorded(snap_compare, tmp_path, size) -> None:  # type: ignore[no-untyped-def]
    """Their report first, the principal's welfare check marked as the principal's."""
    teacher = Actor("t1", "Terry Teach", "teacher", "north", "terry")
    app = remote_app_as(tmp_path, teacher)
    assert snap_compare(app, run_before=on_dashboard, terminal_size=size)
