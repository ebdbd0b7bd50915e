"""Pilot tests of the reports screen: Markdown rendered, saved where the person says (never over
a file without asking), the school and year kept for the session."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown, Select

from polterm.ui.app import PoltermApp
from tests.ui.test_flows import drive, settle, until


async def report_of_north(pilot: Pilot) -> None:
    app = pilot.app
    await pilot.press("r")
    await settle(pilot)
    app.screen.query_one("#year", Select).value = "2025-2026"
    app.screen.query_one("#school", Select).value = "north"
    await settle(pilot)


async def save_as(pilot: Pilot, path: Path | None) -> None:
    """ctrl+s, the path typed over the default (None: the default kept), Enter."""
    await pilot.press("ctrl+s")
    await until(pilot, lambda: pilot.app.screen.query("#path"))
    await settle(pilot)
    if path is not None:
        pilot.app.screen.query_one("#path").value = str(path)
        await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


def test_the_report_is_rendered_as_markdown(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await report_of_north(pilot)
        report = app.screen.query_one("#report", Markdown)
        headings = [str(h.render()) for h in report.query("MarkdownH1, MarkdownH2")]
        assert any("Parental involvement report" in h for h in headings)
        assert "**" not in " ".join(str(b.render()) for b in report.query("MarkdownBlock"))

    drive(app, steps)


def test_ctrl_s_offers_a_file_shows_its_full_path_and_writes_it(
    app: PoltermApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    messages: list[str] = []

    async def steps(pilot: Pilot) -> None:
        await report_of_north(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.query("#path"))
        offered = app.screen.query_one("#path").value
        assert offered == str(tmp_path / "involvement-report-north-2025-2026.md")
        await pilot.press("enter")
        await settle(pilot)
        messages.extend(str(n.message) for n in app._notifications)

    drive(app, steps)
    written = tmp_path / "involvement-report-north-2025-2026.md"
    assert "School year **2025-2026**" in written.read_text()
    assert f"Saved to {written}" in messages


def test_an_existing_file_is_replaced_only_after_a_second_save(
    app: PoltermApp, tmp_path: Path
) -> None:
    target = tmp_path / "report.md"
    target.write_text("keep me\n")

    async def steps(pilot: Pilot) -> None:
        await report_of_north(pilot)
        await save_as(pilot, target)
        assert target.read_text() == "keep me\n"
        assert f"{target} exists" in str(app.screen.query_one("#confirm").render())
        await pilot.press("enter")
        await settle(pilot)
        assert "School year **2025-2026**" in target.read_text()

    drive(app, steps)


def test_the_school_and_year_are_kept_when_coming_back(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await report_of_north(pilot)
        await pilot.press("d")
        await settle(pilot)
        app.switch_mode("policies")  # whatever happens to the screen meanwhile
        app.remove_mode("reports")
        from functools import partial

        from polterm.ui.screens import top_level

        app.add_mode("reports", partial(app.new_top_level, "reports", top_level))
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.query_one("#school", Select).value == "north"
        assert app.screen.query_one("#year", Select).value == "2025-2026"
        report = app.screen.query_one("#report", Markdown)
        assert any("North Elementary" in str(h.render()) for h in report.query("MarkdownH1"))

    drive(app, steps)


@pytest.mark.parametrize("end", ["", "-wal"])
def test_the_save_dialog_never_writes_over_the_database(app: PoltermApp, end: str) -> None:
    from polterm.storage.db import database_file

    target = Path(database_file(app.session.db) + end)

    async def steps(pilot: Pilot) -> None:
        await report_of_north(pilot)
        await save_as(pilot, target)
        await pilot.press("enter")  # even confirmed
        await settle(pilot)
        assert any("is the district's database" in str(n.message) for n in app._notifications)

    drive(app, steps)
    assert not target.exists() or b"Parental involvement" not in target.read_bytes()
