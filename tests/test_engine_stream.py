"""The engine gives each rule's findings, in order, as soon as they and those before are done,
while later rules' queries still run; its failures keep the order the rules were asked in."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

import polterm.engine
from polterm.engine import evaluate_in_order
from polterm.plugins import PluginError
from polterm.services import finding_store
from tests.test_engine_isolation import Policy, busy_query, on_file, quick_query, raises


def held_back(monkeypatch: pytest.MonkeyPatch, policy: str, release: threading.Event) -> set[str]:
    """Two query threads, the policy's query held until `release` is set (10 s at most); gives
    the policies whose queries have finished, as they finish."""
    monkeypatch.setattr("polterm.engine.QUERY_THREADS", 2)
    run = polterm.engine._run
    finished: set[str] = set()

    def watched(db, asked):  # type: ignore[no-untyped-def]
        name = asked.fixed["policy"]
        if name == policy:
            release.wait(10)
        found = run(db, asked)
        finished.add(name)
        return found

    monkeypatch.setattr("polterm.engine._run", watched)
    return finished


def test_the_first_rules_findings_come_while_a_later_query_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()  # c's query runs on until the first part has come
    finished = held_back(monkeypatch, "c", release)
    plugins = [Policy("a", quick_query), Policy("b", raises), Policy("c", busy_query)]
    d, db = on_file(["c", "b", "a"], plugins, tmp_path)
    errors: list[PluginError] = []
    parts = evaluate_in_order(db, d.registry(), date(2025, 10, 1), errors)
    first = next(parts)
    assert [f.message for f in first.findings()] == ["quick"]  # type: ignore[union-attr]
    assert "c" not in finished and errors == []  # the later query still runs
    release.set()
    assert [f.message for part in parts for f in part.findings()] == ["counted"]  # type: ignore[union-attr]
    assert [e.policy for e in errors] == ["b"]


def test_a_whole_store_refresh_writes_each_rules_findings_while_later_queries_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert = finding_store._insert_block
    written: list[tuple[str, bool]] = []  # each block's policy, and whether c had finished
    release = threading.Event()  # c's query runs on until a block has been written
    finished = held_back(monkeypatch, "c", release)

    def watched_insert(db, found, *rest):  # type: ignore[no-untyped-def]
        written.append((found.policy, "c" in finished))
        release.set()
        insert(db, found, *rest)

    monkeypatch.setattr("polterm.services.finding_store._insert_block", watched_insert)
    plugins = [Policy("a", quick_query), Policy("b", raises), Policy("c", busy_query)]
    d, db = on_file(["c", "b", "a"], plugins, tmp_path)
    assert finding_store.refresh(db, d.registry(), date(2025, 10, 1), whole=True)
    assert written == [("a", False), ("c", True)]
    stored = db.execute("SELECT policy, message FROM finding_store ORDER BY rowid").fetchall()
    assert stored == [("a", "quick"), ("c", "counted")]
