"""Start-up: the dashboard's data is read while Textual loads, and the dashboard shows that read."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest

from polterm.cli.state import State
from polterm.services.session import Session
from polterm.services.views import dashboard
from polterm.ui import start_ui
from polterm.ui.widgets.lines import LineTable


def test_the_dashboard_shows_the_data_read_while_textual_started(session: Session) -> None:
    app = start_ui(State(_session=session))
    first = app.first_dashboard
    assert first is not None
    painted: list[int] = []  # the findings on screen when start-up is said to end
    app.dashboard_painted = lambda: painted.append(  # type: ignore[method-assign]
        app.screen.query_one("#findings", LineTable).row_count
    )

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(main())
    assert app.first_dashboard is None  # taken by the dashboard, not read a second time
    assert app.dashboard_cache is first.result() == dashboard(session, app.today)
    assert painted == [len(first.result().findings)] and painted[0] > 0


def test_quitting_stops_an_early_read_still_running(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless(reader: Session, today: date) -> None:
        reader.db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).fetchone()

    monkeypatch.setattr("polterm.services.views.dashboard", endless)
    app = start_ui(State(_session=session))
    first = app.first_dashboard
    assert first is not None

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.2)

    started = time.perf_counter()
    asyncio.run(main())  # the dashboard's worker waits for the read: quitting must let it go
    assert first.cancelled() and time.perf_counter() - started < 10
