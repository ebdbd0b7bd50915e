"""Pilot tests of what the UI lacked: calendars (ICS) from the student page and the palette,
palette actions and conferences named by student and date, the activity's attendance."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList
from textual.pilot import Pilot

import polterm_p1471
from polterm.services.session import Actor, Session
from polterm.testing import District
from polterm.ui.app import PoltermApp
from polterm.ui.screens.conference import ConferenceForm
from tests.ui.conftest import TODAY
from tests.ui.test_flows import at_student, cells, drive, settle, until


async def palette(pilot: Pilot, text: str) -> list[str]:
    """ctrl+p and `text` typed: the palette's entries, best first."""
    await pilot.press("ctrl+p", *text)
    await pilot.pause(0.5)
    found = pilot.app.screen.query_one(CommandList)
    prompts = (str(found.get_option_at_index(i).prompt) for i in range(found.option_count))
    return [p.split("\n")[0] for p in prompts]  # without the help line


async def take(pilot: Pilot, entries: list[str], wanted: str) -> None:
    """Move down to the palette entry that starts with `wanted` and take it."""
    found = pilot.app.screen.query_one(CommandList)
    for _ in entries:
        highlighted = found.highlighted
        if highlighted is not None and str(
            found.get_option_at_index(highlighted).prompt
        ).startswith(wanted):
            break
        await pilot.press("down")
        await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def save_offered(pilot: Pilot) -> str:
    """In the save dialog: the path offered, then Enter."""
    app = pilot.app
    await until(pilot, lambda: bool(app.screen.query("#path")))
    offered = app.screen.query_one("#path").value
    await pilot.press("enter")
    await settle(pilot)
    return offered


def test_x_on_the_student_page_exports_the_students_calendar(
    app: PoltermApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S2", "x")
        assert await save_offered(pilot) == str(tmp_path / "conferences-S2.ics")

    drive(app, steps)
    ics = (tmp_path / "conferences-S2.ics").read_text()
    assert "BEGIN:VCALENDAR" in ics and "UID:conference-1@" in ics


def test_export_my_calendar_from_the_palette(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    teacher = Actor("t1", "Terry Teach", "teacher", "north", "terry")
    app = PoltermApp(
        Session(session.db, teacher, District(plugins=[polterm_p1471]).registry()), today=TODAY
    )

    async def steps(pilot: Pilot) -> None:
        entries = await palette(pilot, "my cal")
        await take(pilot, entries, "Export my calendar")
        assert await save_offered(pilot) == str(tmp_path / "conferences-t1.ics")

    drive(app, steps)
    assert "UID:conference-1@" in (tmp_path / "conferences-t1.ics").read_text()


def test_the_palette_offers_a_new_conference_and_a_calendar_for_a_student(
    app: PoltermApp,
) -> None:
    async def steps(pilot: Pilot) -> None:
        entries = await palette(pilot, "hopp")
        assert "New conference for Grace Hopper (S3)" in entries
        assert "Export calendar for Grace Hopper (S3)" in entries
        await take(pilot, entries, "New conference for Grace Hopper")
        assert isinstance(app.screen, ConferenceForm)
        assert app.screen.student_id == "S3"

    drive(app, steps)


def test_the_palette_names_a_conferences_student_and_date(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        entries = await palette(pilot, "1")
        assert "Conference 1 · Alan Turing · 2025-10-15 16:00" in entries

    drive(app, steps)


def test_the_involvement_activity_records_its_attendance(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        form.query_one("#school_id").value = "north"
        form.query_one("#kind").value = "open-house"
        form.query_one("#attendance").value = "many"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved
        assert any("Attendance: 'many'" in str(n.message) for n in app._notifications)
        form.query_one("#attendance").value = "42"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "#involvement", 3) == ["42"]

    drive(app, steps)
    rows = app.session.db.execute("SELECT kind, attendance FROM involvement_activity").fetchall()
    assert rows == [("open-house", 42)]
