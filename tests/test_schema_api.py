"""The core tables and columns rules may read are a documented, stable part of the plugin API:
each exists, and the shipped plugins' and the scaffold's rules read nothing else of polterm's."""

from __future__ import annotations

import contextlib
import importlib
import re
import sqlite3
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pluggy
import pytest
from sqlite_utils import Database

import polterm_clinton_6310
import polterm_p1471
from polterm import engine, hookspecs
from polterm.plugins import build_registry
from polterm.query_worker import authorize_reads
from polterm.scaffold import scaffold
from polterm.storage import open_database
from polterm.storage.db import migrate

from .conftest import Polterm

GUIDE = Path(__file__).parents[1] / "docs/writing-a-policy.md"
DAYS = ("2026-09-15", "2026-11-23", "2027-02-01", "2027-06-30")


def documented() -> dict[str, set[str]]:
    """The guide's table of what a rule may read: {table: columns}."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## 12. ") : text.index("## 13. ")]
    rows = re.findall(r"^\| `(\w+)` \| (.+) \|$", section, re.M)
    return {table: set(re.findall(r"`(\w+)`", columns)) for table, columns in rows}


def test_every_documented_table_and_column_exists() -> None:
    tables = documented()
    assert len(tables) >= 20
    db = open_database(None)
    for table, columns in tables.items():
        assert columns <= {c.name for c in db[table].columns}, table


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[tuple[str, str]]]:
    """Every (table, column) a rule reads, recorded by the engine's own read-only guard."""
    seen: set[tuple[str, str]] = set()
    guard = engine.read_only

    @contextlib.contextmanager
    def recording(db: Database) -> Iterator[None]:
        with guard(db):  # its own authorizer, replaced by one that also records

            def authorize(action: int, arg1: str, arg2: str, *rest: object) -> int:
                if action == sqlite3.SQLITE_READ:
                    seen.add((arg1, arg2))
                return engine_ok(action, arg2)

            db.conn.set_authorizer(authorize)
            yield

    monkeypatch.setattr(engine, "read_only", recording)
    yield seen


def engine_ok(action: int, arg2: str | None) -> int:
    """The engine's own answer: reading and nothing else."""
    return authorize_reads(action, None, arg2, None, None)


def test_the_shipped_plugins_and_the_scaffolds_rules_read_only_the_documented_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: set[tuple[str, str]]
) -> None:
    path = tmp_path / "demo.db"
    assert Polterm(path)("demo", "--no-tui", "--students", "150", "--seed", "2").code == 0
    scaffold("schema_probe", tmp_path / "probe")
    monkeypatch.syspath_prepend(str(tmp_path / "probe/src"))
    probe = importlib.import_module("polterm_schema_probe")
    monkeypatch.delitem(sys.modules, "polterm_schema_probe")
    pm = pluggy.PluginManager("polterm")
    pm.add_hookspecs(hookspecs)
    for plugin in (polterm_clinton_6310, polterm_p1471, probe):
        pm.register(plugin)
    registry = build_registry(pm)
    db = open_database(path)
    core = set(db.table_names())
    migrate(db, engine.policy_migrations(registry, registry.policies))
    own = set(db.table_names()) - core
    for day in DAYS:
        result = engine.evaluate(
            db, registry, date.fromisoformat(day), policies=list(registry.policies)
        )
        assert result.errors == [] and result.findings
    allowed = documented()
    read_tables = {table for table, _ in reads}
    assert {"student", "conference", "schema_probe_waiver"} <= read_tables  # it did look
    undocumented = {
        (table, column)
        for table, column in reads
        if table not in own and column not in allowed.get(table, set())
    }
    assert undocumented == set()
