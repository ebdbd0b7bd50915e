"""Pilot tests: each flow driven by keys, checked on the screen and in the database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from polterm.ui.app import PoltermApp


def drive(app: PoltermApp, steps: Callable[[Pilot], Awaitable[None]]) -> None:
    """Run the app headless at 120x40 and play the steps (no async plugin needed)."""

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def cells(app: PoltermApp, selector: str, column: int) -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def text_of(app: PoltermApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_dashboard_lists_the_open_request_and_todays_conference(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        assert "arrange-parent-request" in cells(app, "#findings", 4)
        assert cells(app, "#conferences", 1) == ["Alan Turing"]

    drive(app, steps)
