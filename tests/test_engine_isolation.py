"""A misbehaving plugin fails alone: the others' findings stand and nothing is written."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import polterm.engine
from polterm import hookimpl
from polterm.engine import evaluate
from polterm.policy import Finding, FindingQuery, PolicyInfo, Rule, RuleContext
from polterm.storage import open_database
from polterm.testing import District


def good(ctx: RuleContext) -> Iterator[Finding]:
    """One finding per school."""
    for (school,) in ctx.db.execute("SELECT id FROM school ORDER BY id"):
        yield ctx.finding("warning", "fine", school_id=school)


def raises(ctx: RuleContext) -> list[Finding]:
    raise RuntimeError("boom")


def wrong_type(ctx: RuleContext) -> list[object]:
    return [{"policy": "bad"}]


def other_policy(ctx: RuleContext) -> list[Finding]:
    return [Finding("good", "x", "due", None, None, None, None, "m", "c")]


def writes(ctx: RuleContext) -> list[Finding]:
    ctx.db.execute("INSERT INTO school (id, name, level) VALUES ('evil', 'Evil', 'high')")
    return []


def slow_python(ctx: RuleContext) -> list[Finding]:
    time.sleep(5)
    return []


def slow_sql(ctx: RuleContext) -> list[Finding]:
    ctx.db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n"
    ).fetchall()
    return []


def query_of_a_bad_status(ctx: RuleContext) -> FindingQuery:
    return ctx.query("SELECT id AS school_id, 'maybe' AS status, 'm' AS message FROM school", {})


def query_of_an_unknown_column(ctx: RuleContext) -> FindingQuery:
    return ctx.query("SELECT id AS school, 'm' AS message FROM school", {}, status="due")


def query_of_another_policy(ctx: RuleContext) -> FindingQuery:
    query = ctx.query("SELECT 'm' AS message FROM school", {}, status="due")
    return FindingQuery(query.db, query.sql, query.params, {**query.fixed, "policy": "good"})


def slow_query(ctx: RuleContext) -> FindingQuery:
    return ctx.query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT 'm' || i AS message FROM n",
        {},
        status="due",
    )


class Policy:
    def __init__(self, name: str, evaluate) -> None:  # type: ignore[no-untyped-def]
        self.name = name
        self.evaluate = evaluate

    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        return PolicyInfo(self.name, self.name, self.name)

    @hookimpl
    def polterm_register_rules(self, register) -> None:  # type: ignore[no-untyped-def]
        register(Rule("rule", "A rule", "§1", self.evaluate))


class RaisingPolicy:
    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        raise RuntimeError("no policy today")


class RaisingRegistration:
    @hookimpl
    def polterm_policy(self) -> PolicyInfo:
        return PolicyInfo("reg", "reg", "reg")

    @hookimpl
    def polterm_register_rules(self, register) -> None:  # type: ignore[no-untyped-def]
        register("not a rule")


def run(bad: object, timeout: float | None = 2.0):  # type: ignore[no-untyped-def]
    d = District(policies=["good", "bad"], plugins=[Policy("good", good), bad])
    d.school(id="oak")
    registry = d.registry()
    result = evaluate(d.db, registry, date(2025, 10, 1), timeout=timeout)
    return d, result


@pytest.mark.parametrize(
    ("evaluate_fn", "message"),
    [
        (raises, "rule rule: RuntimeError: boom"),
        (wrong_type, "rule rule: TypeError: returned dict, not Finding"),
        (other_policy, "returned a finding of policy 'good'"),
        (writes, "not authorized"),
        (query_of_a_bad_status, "returned status 'maybe'"),
        (query_of_an_unknown_column, "query columns school, message are not distinct finding"),
        (query_of_another_policy, "returned a finding of policy 'good'"),
    ],
)
def test_a_failing_rule_is_reported_in_one_line_and_the_others_still_count(
    evaluate_fn, message
) -> None:  # type: ignore[no-untyped-def]
    _, result = run(Policy("bad", evaluate_fn))
    assert [(f.policy, f.school_id) for f in result.findings] == [("good", "oak")]
    (error,) = result.errors
    assert message in str(error)
    assert "\n" not in str(error)


def test_a_rule_that_tries_to_write_writes_nothing() -> None:
    d, result = run(Policy("bad", writes))
    assert result.errors
    assert [r[0] for r in d.db.execute("SELECT id FROM school")] == ["oak"]


@pytest.mark.parametrize("evaluate_fn", [slow_python, slow_sql, slow_query])
def test_a_slow_rule_is_stopped_at_the_time_limit(evaluate_fn) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    _, result = run(Policy("bad", evaluate_fn), timeout=0.2)
    assert time.monotonic() - started < 2
    assert [f.policy for f in result.findings] == ["good"]
    (error,) = result.errors
    assert "took longer than 0.2 s" in str(error)


def test_queries_on_their_own_threads_fail_alone_and_stop_at_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("polterm.engine.QUERY_THREADS", 2)
    bad, slow = Policy("bad", query_of_a_bad_status), Policy("slow", slow_query)
    d = District(policies=["good", "bad", "slow"], plugins=[Policy("good", good), bad, slow])
    d.school(id="oak")
    target = sqlite3.connect(tmp_path / "d.db")
    d.db.conn.backup(target)
    target.close()
    started = time.monotonic()
    db = open_database(tmp_path / "d.db")
    result = evaluate(db, d.registry(), date(2025, 10, 1), timeout=0.2)
    assert time.monotonic() - started < 2
    assert [(f.policy, f.school_id) for f in result.findings] == [("good", "oak")]
    assert [e.message for e in result.errors] == [
        "rule rule: ValueError: returned status 'maybe'",
        "rule rule: PluginTimeout: took longer than 0.2 s",
    ]


def test_the_time_limit_comes_from_polterm_rule_timeout(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("POLTERM_RULE_TIMEOUT", "0.1")
    _, result = run(Policy("bad", slow_python), timeout=None)
    assert "took longer than 0.1 s" in str(result.errors[0])


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (RaisingPolicy(), "RuntimeError: no policy today"),
        (RaisingRegistration(), "polterm_register_rules registered str, not Rule"),
    ],
)
def test_a_plugin_whose_registration_fails_is_left_out_and_named(bad, message) -> None:  # type: ignore[no-untyped-def]
    d, result = run(bad)
    assert set(d.registry().policies) == {"good"}
    assert [f.policy for f in result.findings] == ["good"]
    assert any(message in str(e) for e in result.errors)


def busy_query(ctx: RuleContext) -> FindingQuery:
    return ctx.query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
        "SELECT 'counted' AS message FROM n WHERE i = 3000000",
        {},
        status="due",
    )


def quick_query(ctx: RuleContext) -> FindingQuery:
    return ctx.query("SELECT id AS school_id, 'quick' AS message FROM school", {}, status="due")


def on_file(policies: list[str], plugins: list[object], tmp_path: Path) -> tuple[District, Any]:
    """A district of one school with these policies, copied to a file (a pool's threads open
    the file; an in-memory district runs every query in the caller's thread)."""
    d = District(policies=policies, plugins=plugins)
    d.school(id="oak")
    target = sqlite3.connect(tmp_path / "d.db")
    d.db.conn.backup(target)
    target.close()
    return d, open_database(tmp_path / "d.db")


def test_the_callers_thread_runs_the_queries_no_thread_has_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("polterm.engine.QUERY_THREADS", 2)
    run = polterm.engine._run
    ran_on: dict[str, str] = {}

    def watched(db, asked):  # type: ignore[no-untyped-def]
        ran_on[asked.fixed["policy"]] = threading.current_thread().name
        return run(db, asked)

    monkeypatch.setattr("polterm.engine._run", watched)
    plugins = [Policy("a", busy_query), Policy("b", busy_query), Policy("c", quick_query)]
    d, db = on_file(["a", "b", "c"], plugins, tmp_path)
    result = evaluate(db, d.registry(), date(2025, 10, 1))
    assert [(f.policy, f.message) for f in result.findings] == [
        ("a", "counted"),
        ("b", "counted"),
        ("c", "quick"),
    ]
    # two busy queries hold both threads, so one of the three waits until the caller takes it
    assert threading.main_thread().name in ran_on.values()
