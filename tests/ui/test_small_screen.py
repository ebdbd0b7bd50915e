"""Pilot tests at 80x24 (and the students' filters at 120x40): every key in reach, selects that
name their choice on one line, the conference form's warnings in sight."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Select
from textual.widgets._footer import FooterKey

from polterm.ui.app import PoltermApp
from tests.ui.test_flows import at_student, pick, settle, until


def drive_at(
    app: PoltermApp, size: tuple[int, int], steps: Callable[[Pilot], Awaitable[None]]
) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())


def footer_keys_in_sight(app: PoltermApp) -> set[str]:
    """The keys whose whole label the footer shows inside the terminal."""
    width = app.size.width
    return {
        key.key
        for key in app.screen.query(FooterKey)
        if key.region.width and key.region.right <= width and not key.has_class("-command-palette")
    }


def test_todays_footer_shows_help_and_quit_at_80_columns(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        assert {"d", "s", "p", "r", "m", "question_mark", "q"} <= footer_keys_in_sight(app)

    drive_at(app, (80, 24), steps)


def test_the_student_pages_footer_shows_help_and_its_own_keys_at_80_columns(
    app: PoltermApp,
) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1")
        shown = footer_keys_in_sight(app)
        assert {"question_mark", "n", "h", "a", "e", "w", "c", "x", "o"} <= shown

    drive_at(app, (80, 24), steps)


def test_help_gives_each_short_footer_word_its_whole_meaning(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1")
        await pilot.press("question_mark")
        await pilot.pause()
        keys = str(app.screen.query_one("#keys").render())
        assert "Welfare check" in keys and "Take a parent's call" in keys and "Quit" in keys

    drive_at(app, (80, 24), steps)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_the_students_school_select_names_a_long_school_on_one_line(
    app: PoltermApp, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        school = app.screen.query_one("#school", Select)
        school.value = "north"
        await settle(pilot)
        label = school.query_one("SelectCurrent #label")
        assert label.size.height == 1
        assert "North Elementary (north)" in str(label.render())
        assert label.size.width >= len("North Elementary (north)")

    drive_at(app, size, steps)


def test_the_conference_forms_selects_and_warnings_are_in_sight_at_80x24(
    app: PoltermApp,
) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S3", "n")
        form = app.screen
        await until(pilot, lambda: form.ready)  # type: ignore[attr-defined]
        form.query_one("#at").value = "2025-10-15T16:00"
        await pick(pilot, "staff", "terry")  # the focus is down in the pickers now
        for select in form.query(Select):
            label = select.query_one("SelectCurrent #label")
            assert label.size.height == 1
            text = str(label.render())
            assert "…" not in text, text
        warnings = form.query_one("#warnings")
        assert "staff t1 already has conference 1" in str(warnings.render())
        dialog = form.query_one(".dialog")
        assert dialog.region.contains_region(warnings.region)
        assert warnings.region.bottom <= app.size.height

    drive_at(app, (80, 24), steps)
