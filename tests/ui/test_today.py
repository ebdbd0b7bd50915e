"""Pilot tests of Today: students by name, and each person's actions theirs, others' marked."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

import polterm_clinton_6310
import polterm_p1471
from polterm.services.session import Actor, Session
from polterm.services.views import dashboard
from polterm.storage import open_database
from polterm.testing import District
from polterm.ui.app import PoltermApp
from tests.ui.conftest import TODAY, build_remote_district
from tests.ui.test_flows import cells, drive, settle, text_of


def remote_app_as(tmp_path: Path, actor: Actor) -> PoltermApp:
    """The remote-learning district (S1's teacher must report, S2's principal must call)."""
    plugins = [polterm_clinton_6310, polterm_p1471]
    db = open_database(
        build_remote_district(tmp_path / "remote.db"), [p.polterm_migrations() for p in plugins]
    )
    return PoltermApp(Session(db, actor, District(plugins=plugins).registry()), today=TODAY)


def findings_shown(app: PoltermApp) -> list[tuple[str, str, str]]:
    """Status, student and rule of each row of "What needs you now"."""
    return list(
        zip(
            cells(app, "#findings", 0),
            cells(app, "#findings", 2),
            cells(app, "#findings", 4),
            strict=True,
        )
    )


def test_today_names_the_students(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        assert "Ada Lovelace" in cells(app, "#findings", 2)
        assert "S1" not in cells(app, "#findings", 2)

    drive(app, steps)


def test_a_teachers_today_lists_their_action_first_and_marks_the_principals(
    tmp_path: Path,
) -> None:
    app = remote_app_as(tmp_path, Actor("t1", "Terry Teach", "teacher", "north", "terry"))

    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        actions = [row for row in findings_shown(app) if row[2].startswith(("unreach", "emerg"))]
        assert actions[:2] == [
            ("action", "Sam Lovelace", "unreachable-parent-escalation"),
            ("principal's", "Sam Turing", "emergency-contact-welfare-check"),
        ]
        table = app.screen.query_one("#findings")
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        assert text_of(app, "#why").startswith("For the principal to act on: ")

    drive(app, steps)


def test_a_principals_today_marks_the_teachers_report_and_not_their_own_check(
    tmp_path: Path,
) -> None:
    app = remote_app_as(tmp_path, Actor("p1", "Pam Principal", "principal", "north", "pam"))

    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        rows = findings_shown(app)
        assert ("action", "Sam Turing", "emergency-contact-welfare-check") in rows
        assert ("teacher's", "Sam Lovelace", "unreachable-parent-escalation") in rows
        first_others = next(i for i, r in enumerate(rows) if r[0] == "teacher's")
        assert all(r[0] != "action" for r in rows[first_others:])

    drive(app, steps)


def test_the_dashboard_service_gives_names_and_whose_other_actions_are(tmp_path: Path) -> None:
    """The screen only draws what the service says (no policy knowledge in the UI)."""
    app = remote_app_as(tmp_path, Actor("t1", "Terry Teach", "teacher", "north", "terry"))
    data = dashboard(app.session, TODAY)
    assert data.names["S2"] == "Sam Turing"
    assert data.others == {"clinton_6310/emergency-contact-welfare-check": "principal"}
