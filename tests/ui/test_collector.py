"""Full garbage collections wait for a moment when nobody is pressing keys."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from textual.pilot import Pilot

from polterm.ui import collector as module
from polterm.ui.app import PoltermApp
from polterm.ui.collector import BACKSTOP, IDLE_S, NEVER, IdleCollector
from tests.ui.test_flows import drive


@pytest.fixture
def running() -> Iterator[IdleCollector]:
    """A started collector with no middle pass counted yet; Python's schedule back after."""
    collector = IdleCollector(lambda: False)
    collector.start()
    gc.collect()
    yield collector
    collector.stop()


def middle_passes(n: int) -> None:
    """What n middle-generation passes leave behind: a full collection counted as due."""
    for _ in range(n):
        gc.collect(1)


def idle(collector: IdleCollector) -> None:
    collector.last_input -= IDLE_S


def test_python_runs_no_full_collection_by_itself_while_started(running: IdleCollector) -> None:
    assert gc.get_threshold()[2] == NEVER


def test_stopping_gives_python_its_own_schedule_back() -> None:
    before = gc.get_threshold()
    collector = IdleCollector(lambda: False)
    collector.start()
    collector.stop()
    assert gc.get_threshold() == before


def test_a_due_collection_waits_while_keys_are_pressed(running: IdleCollector) -> None:
    middle_passes(running.due)
    running.touched()
    assert not running.look()
    assert gc.get_count()[2] == running.due  # still due


def test_a_due_collection_runs_once_idle(running: IdleCollector) -> None:
    middle_passes(running.due)
    idle(running)
    assert running.look()
    assert gc.get_count()[2] == 0


def test_a_due_collection_waits_while_work_is_under_way(running: IdleCollector) -> None:
    """No key for a while, but a worker reads what the last key asked for: somebody waits."""
    middle_passes(running.due)
    idle(running)
    running.busy = lambda: True
    assert not running.look()
    running.busy = lambda: False
    assert running.look()


def test_idle_with_nothing_due_collects_nothing(running: IdleCollector) -> None:
    middle_passes(running.due - 1)
    idle(running)
    assert not running.look()


def test_the_backstop_collects_even_while_keys_are_pressed(running: IdleCollector) -> None:
    middle_passes(BACKSTOP)
    running.touched()
    assert running.look()


def test_the_app_defers_full_collections_while_it_runs_and_a_key_counts_as_input(
    app: PoltermApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = gc.get_threshold()
    clock = [1000.0]
    monkeypatch.setattr(module, "monotonic", lambda: clock[0])

    async def steps(pilot: Pilot) -> None:
        assert gc.get_threshold()[2] == NEVER
        clock[0] += 60
        await pilot.press("down")
        assert app.collector.last_input == clock[0]

    drive(app, steps)
    assert gc.get_threshold() == before
