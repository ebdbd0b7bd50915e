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
from tests.test_engine_isolation import Policy, busy_query, on_file, quick_query, raises


def test_the_first_rules_findings_come_while_a_later_query_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("polterm.engine.QUERY_THREADS", 2)
    block = polterm.engine._block
    finished: set[str] = set()
    release = threading.Event()  # c's query runs on until the first part has come

    def watched(db, query, policy, allowed):  # type: ignore[no-untyped-def]
        if policy == "c":
            release.wait(10)
        found = block(db, query, policy, allowed)
        finished.add(policy)
        return found

    monkeypatch.setattr("polterm.engine._block", watched)
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
