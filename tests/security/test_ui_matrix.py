"""Every screen, form and palette provider of the UI, as every role, on the hostile district:
nothing of a student or conference the role may not see appears, no stored control character
reaches the screen, and markup in a name shows as typed."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from polterm.services.identity import resolve_actor
from polterm.services.session import Session
from polterm.storage import open_database
from polterm.ui.app import PoltermApp
from polterm.ui.screens import TOP_LEVEL
from polterm.ui.screens.records import RecordForm
from tests.security import hostile
from tests.security.conftest import NOTES, STAFF, registry
from tests.security.hostile import MARKUP, RAW_CONTROLS
from tests.security.test_roles import EXPECTED

# what of each student shows on a screen that lists them
SHOWN = {"s1": "Kid1", "s2": "Kid2", "s3": "Kid3", "h1": "Mark[bold]", "h2": "Csi", "h3": "LLLLLL"}
CONFERENCES = {1: "s1", 2: "s2", 3: "s3", 10: "h1", 11: "h2", 12: "h3"}
# the student and the conference each role opens: one in their reach
OWN = {"t1": "h1", "t2": "s2", "tp": "s3", "p1": "h1", "d1": "h1", "o1": "h1", "sup": "h1",
       "it1": "h1"}  # fmt: skip
NOTES_HIDDEN_FROM = {"o1", "sup"}

# the hostile district's fixtures, used here by name
hostile_db = hostile.hostile_db


def screen_text(app: PoltermApp) -> str:
    """What the screen in front shows, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot: Pilot) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def reach(staff: str) -> set[str]:
    """The students the role may see, hostile ones included (teachers: their own)."""
    seen = set(EXPECTED[staff][1])
    for sid, school, teacher in (("h1", "oak", "t1"), ("h2", "oak", "t1"), ("h3", "pine", "tp")):
        role, own_school = STAFF[staff]
        if (
            role in ("it", "superintendent")
            or (role == "teacher" and teacher == staff)
            or (role in ("principal", "designee", "office") and school == own_school)
        ):
            seen.add(sid)
    return seen


# one staff member of each role (t2 and tp are teachers as t1 is, at the same or the other school)
ONE_PER_ROLE = ("t1", "p1", "d1", "o1", "sup", "it1")


@pytest.mark.parametrize("staff", ONE_PER_ROLE)
def test_no_screen_shows_what_the_role_may_not_see(
    staff: str, hostile_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "district.db"
    shutil.copy(hostile_db, path)
    db = open_database(path)
    app = PoltermApp(Session(db, resolve_actor(db, user=staff), registry()), date(2025, 10, 15))
    visible = reach(staff)
    hidden_students = [SHOWN[s] for s in SHOWN if s not in visible]
    hidden_students += [f"Parent{s[1]}" for s in ("s1", "s2", "s3") if s not in visible]
    own = OWN[staff]
    own_conference = next(c for c, s in CONFERENCES.items() if s == own)
    # a role that sees every conference types the number of one that does not exist
    hidden_conference = next((c for c, s in CONFERENCES.items() if s not in visible), 99)
    seen: list[tuple[str, str]] = []

    async def look(pilot: Pilot, where: str) -> None:
        await settle(pilot)
        seen.append((where, screen_text(app)))

    async def steps(pilot: Pilot) -> None:
        for name in TOP_LEVEL:
            app.action_open(name)
            await look(pilot, name)
        app.push_screen(RecordForm("involvement"))  # the district's forms: a choice of schools
        await look(pilot, "form involvement")
        await pilot.press("escape")
        app.action_open("dashboard")
        app.open_student(own)
        await look(pilot, "student")
        # the student's forms share their title; escalation adds the steps and a staff picker
        app.push_screen(RecordForm("escalation", own))
        await look(pilot, "form escalation")
        await pilot.press("escape")
        await pilot.press("h")
        await look(pilot, "conduct")
        await pilot.press("escape")
        await pilot.press("n")
        await look(pilot, "new conference")
        await pilot.press("escape")
        app.open_conference(own_conference)
        await look(pilot, "conference form")
        app.screen.query_one("#attendees Input").focus()
        await pilot.press("P", "a", "r")  # the attendee picker: other families' guardians
        await look(pilot, "attendee picker")
        await pilot.press("escape")
        app.open_conference(hidden_conference)  # as a typed number would
        await look(pilot, "conference refused")
        for query in (str(hidden_conference), "Kid", "Lon"):
            app.action_command_palette()
            await settle(pilot)
            await pilot.press(*query)
            await pilot.pause(0.2)
            await look(pilot, f"palette {query!r}")
            await pilot.press("escape")

    async def main() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            await steps(pilot)

    asyncio.run(main())
    db.close()
    for where, text in seen:
        for marker in hidden_students:
            assert marker not in text, f"{staff} sees {marker!r} on {where}"
        if staff in NOTES_HIDDEN_FROM:
            assert NOTES not in text and "Problem" not in text, f"{staff}: notes on {where}"
        assert not any(c in text for c in RAW_CONTROLS), f"{staff}: a control char on {where}"
    shown = "\n".join(text for _, text in seen)
    if "h1" in visible:
        assert MARKUP in shown  # literally, not made bold
    palette = "\n".join(text for where, text in seen if where.startswith("palette"))
    assert f"Conference {hidden_conference}" not in palette


def run_as(staff: str, source: Path, tmp_path: Path, steps) -> PoltermApp:  # type: ignore[no-untyped-def]
    """Play `steps` in the app of this staff member, on a copy of a district file."""
    path = tmp_path / "district.db"
    shutil.copy(source, path)
    db = open_database(path)
    app = PoltermApp(Session(db, resolve_actor(db, user=staff), registry()), date(2025, 10, 15))

    async def main() -> None:
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())
    db.close()
    return app


def test_office_conduct_screen_neither_shows_nor_blanks_the_notes(
    world_file: Path, tmp_path: Path
) -> None:
    shown: list[str] = []

    async def steps(pilot: Pilot) -> None:
        pilot.app.open_student("s1")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        shown.append(screen_text(pilot.app))
        pilot.app.screen.query_one("#held").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)

    run_as("o1", world_file, tmp_path, steps)
    assert "Conduct conference 1" in shown[0] and NOTES not in shown[0]
    conn = sqlite3.connect(tmp_path / "district.db")
    row = conn.execute(
        "SELECT status, problem, plan, notes FROM conference WHERE id = 1"
    ).fetchone()
    assert row == ("held", "Reading", NOTES, NOTES)
    conn.close()


def test_palette_offers_no_conference_of_another_school(world_file: Path, tmp_path: Path) -> None:
    shown: list[str] = []

    async def steps(pilot: Pilot) -> None:
        for number in ("3", "1"):  # s3's, at pine; s1's, the teacher's own
            pilot.app.action_command_palette()
            await settle(pilot)
            await pilot.press(number)
            await pilot.pause(0.2)
            shown.append(screen_text(pilot.app))
            await pilot.press("escape")
            await settle(pilot)

    run_as("t1", world_file, tmp_path, steps)
    assert "Conference 3" not in shown[0] and "Kid3" not in shown[0]
    assert "Conference 1 · Kid1 Fam1" in shown[1]
