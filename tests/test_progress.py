"""Stopping queries: a block's check and the checks of the blocks around it all still stop a
query (a UI worker's cancellation around the engine's time limit)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlite_utils import Database

from polterm.engine import evaluate, time_limit
from polterm.policy import Finding, RuleContext
from polterm.storage.progress import stop_when
from polterm.testing import District
from tests.test_engine_isolation import Policy

# a second or so of SQLite steps: stopped at once when stopped, a failure (not a hang) when not
LONG = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT ?) SELECT count(*) FROM n"
)
STEPS = [5_000_000]


@pytest.fixture
def db() -> Database:
    return Database(sqlite3.connect(":memory:"))


def test_a_true_check_stops_the_query(db: Database) -> None:
    with stop_when(db, lambda: True, 1000), pytest.raises(sqlite3.OperationalError):
        db.execute(LONG, STEPS).fetchone()


def test_the_outer_check_still_stops_a_query_inside_an_inner_block(db: Database) -> None:
    cancelled = [False]
    with stop_when(db, lambda: cancelled[0], 1000), stop_when(db, lambda: False, 1000):
        cancelled[0] = True
        with pytest.raises(sqlite3.OperationalError):
            db.execute(LONG, STEPS).fetchone()


def test_the_outer_check_is_back_once_the_inner_block_ends(db: Database) -> None:
    cancelled = [False]
    with stop_when(db, lambda: cancelled[0], 1000):
        with stop_when(db, lambda: False, 1000):
            pass
        cancelled[0] = True
        with pytest.raises(sqlite3.OperationalError):
            db.execute(LONG, STEPS).fetchone()


def test_no_check_is_left_once_every_block_ends(db: Database) -> None:
    with stop_when(db, lambda: False, 1000):
        pass
    with stop_when(db, lambda: True, 1000):
        pass
    assert db.execute(LONG, [200_000]).fetchone() == (200_000,)


def test_a_cancellation_around_the_engines_time_limit_stops_the_query(db: Database) -> None:
    """The engine's time limit (a minute away) no longer drops the worker's cancellation."""
    stopped = pytest.raises(sqlite3.OperationalError)
    with stopped, stop_when(db, lambda: True, 1000), time_limit(db, 60):
        db.execute(LONG, STEPS).fetchone()


def test_a_cancellation_around_an_evaluation_stops_it_instead_of_failing_its_rules() -> None:
    """Rules stopped by the caller are not reported as the plugin's errors with half an answer:
    the caller's block gets the interruption, as SQLite gives it."""
    d = District(policies=["slow"], plugins=[Policy("slow", counts)])
    d.school(id="oak")
    registry = d.registry()
    with pytest.raises(sqlite3.OperationalError), stop_when(d.db, lambda: True, 1000):
        evaluate(d.db, registry, date(2025, 10, 1), timeout=60)
    assert evaluate(d.db, registry, date(2025, 10, 1), timeout=60).errors == []


def counts(ctx: RuleContext) -> list[Finding]:
    ctx.db.execute(LONG, [200_000]).fetchone()
    return []
