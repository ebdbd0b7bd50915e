"""A large district's rule queries run in processes of their own: the answer, the failures and
the time limit are those of the same queries on threads, and no process outlives the work."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import polterm.engine
from polterm.engine import Part, QueryProcess, evaluate, evaluate_in_order
from polterm.plugins import PluginError
from polterm.policy import Finding, FindingQuery, RuleContext
from tests.test_engine_isolation import (
    Policy,
    good,
    on_file,
    query_of_a_bad_status,
    quick_query,
    slow_query,
)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[QueryProcess]:
    """Queries in two processes whatever the file's size; the processes, as they start."""
    monkeypatch.setattr("polterm.engine.QUERY_THREADS", 2)
    monkeypatch.setattr("polterm.engine.QUERY_PROCESSES", 2)
    monkeypatch.setattr("polterm.engine.PROCESSES_FROM_BYTES", 0)
    processes: list[QueryProcess] = []
    init = QueryProcess.__init__

    def recorded(self: QueryProcess, path: str) -> None:
        init(self, path)
        processes.append(self)

    monkeypatch.setattr(QueryProcess, "__init__", recorded)
    return processes


def endless_query(ctx: RuleContext) -> FindingQuery:
    """A query that finds nothing and never ends (but at its time limit)."""
    return ctx.query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT 'never' AS message FROM n WHERE i = 0",
        {},
        status="due",
    )


def fails_while_yielding(ctx: RuleContext) -> Iterator[Finding]:
    yield ctx.finding("warning", "first", school_id="oak")
    raise RuntimeError("halfway")


PLUGINS = [
    Policy("a", quick_query),
    Policy("b", query_of_a_bad_status),
    Policy("c", good),
    Policy("d", slow_query),
    Policy("e", fails_while_yielding),
]


def answer(db: Any, registry: Any) -> tuple[list[tuple[str, str]], list[str]]:
    result = evaluate(db, registry, date(2025, 10, 1), timeout=0.3)
    return [(f.policy, f.message) for f in result.findings], [e.message for e in result.errors]


def test_processes_give_the_answer_and_the_failures_threads_give(
    tmp_path: Path, started: list[QueryProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    d, db = on_file(["a", "b", "c", "d", "e"], PLUGINS, tmp_path)
    in_processes = answer(db, d.registry())
    assert len(started) == 2
    assert all(p.proc.returncode is not None for p in started)  # ended with the evaluation
    monkeypatch.setattr("polterm.engine.PROCESSES_FROM_BYTES", 1 << 62)
    on_threads = answer(db, d.registry())
    assert len(started) == 2  # no process this time
    assert in_processes == on_threads
    assert in_processes == (
        [("a", "quick"), ("c", "fine")],
        [
            "rule rule: ValueError: returned status 'maybe'",
            "rule rule: PluginTimeout: took longer than 0.3 s",
            "rule rule: RuntimeError: halfway",
        ],
    )


def pause(ctx: RuleContext) -> list[Finding]:
    """Asked between the two queries: time for the first's process to start and take it (the
    caller's thread otherwise runs a query no process has started)."""
    time.sleep(0.5)
    return []


def endless_then_quick(tmp_path: Path, errors: list[PluginError]) -> Iterator[Part]:
    """z's endless query in a process, then a's quick one: a's findings come first."""
    plugins = [Policy("z", endless_query), Policy("p", pause), Policy("a", quick_query)]
    d, db = on_file(["z", "p", "a"], plugins, tmp_path)
    return evaluate_in_order(db, d.registry(), date(2025, 10, 1), errors, timeout=60)


def test_a_query_whose_process_dies_fails_alone(
    tmp_path: Path, started: list[QueryProcess]
) -> None:
    errors: list[PluginError] = []
    parts = endless_then_quick(tmp_path, errors)
    first = next(parts)
    assert [f.message for f in first.findings()] == ["quick"]  # type: ignore[union-attr]
    for process in started:  # z's query still runs in one of them
        process.proc.kill()
    assert list(parts) == []
    (error,) = errors
    assert error.policy == "z"
    assert error.message.startswith("rule rule: RuntimeError: its query's process ended")


def test_stopping_early_ends_the_processes(tmp_path: Path, started: list[QueryProcess]) -> None:
    parts = endless_then_quick(tmp_path, [])
    next(parts)
    assert any(p.proc.poll() is None for p in started)  # z's query runs on
    parts.close()
    assert started and all(p.proc.poll() is not None for p in started)


def test_a_small_district_starts_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("polterm.engine.QUERY_THREADS", 2)
    d, db = on_file(["a"], [Policy("a", quick_query)], tmp_path)
    assert (tmp_path / "d.db").stat().st_size < polterm.engine.PROCESSES_FROM_BYTES
    spawned: list[object] = []
    monkeypatch.setattr(QueryProcess, "__init__", lambda self, path: spawned.append(path))
    assert [f.message for f in evaluate(db, d.registry(), date(2025, 10, 1)).findings] == ["quick"]
    assert spawned == []


class Term:
    """A value SQLite knows only through the adapter a plugin registers."""

    def __init__(self, name: str) -> None:
        self.name = name


def adapted_query(ctx: RuleContext) -> FindingQuery:
    return ctx.query("SELECT :term AS message", {"term": Term("fall")}, status="due")


def test_a_parameter_a_plugins_adapter_binds_is_bound_in_the_process(
    tmp_path: Path, started: list[QueryProcess]
) -> None:
    sqlite3.register_adapter(Term, lambda term: f"term {term.name}")
    try:
        d, db = on_file(["a"], [Policy("a", adapted_query)], tmp_path)
        result = evaluate(db, d.registry(), date(2025, 10, 1))
    finally:
        del sqlite3.adapters[(Term, sqlite3.PrepareProtocol)]
    assert started
    assert (result.errors, [f.message for f in result.findings]) == ([], ["term fall"])
