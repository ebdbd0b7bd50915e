"""Shared fixtures for polterm's own tests."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from polterm.cli import main
from polterm.plugins import Registry, build_registry
from polterm.policy import ConferenceKind

# The kinds RULES.md gives each seed policy; a stand-in fills any its plugin has not landed yet.
POLICY_KINDS = {
    "clinton_6310": ("flexible", "remote-learning"),
    "p1471": ("parent-teacher", "parent-student-teacher", "parent-principal"),
}


@dataclass
class Run:
    """What one `polterm` invocation printed and its exit code."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Polterm:
    """Runs `polterm --db PATH ARGS...` in-process through `main`, as a shell would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self, *args: str, db: bool = True) -> Run:
        argv = ["--db", str(self.path), *args] if db else list(args)
        with CliRunner().isolation() as (out, err, _):
            try:
                main(argv)
                code = 0
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else 1
            return Run(code, out.getvalue().decode(), err.getvalue().decode())

    def dump(self) -> list[str]:
        """Every table's contents, for "a failed command changed nothing"."""
        conn = sqlite3.connect(self.path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def first_open(path: Path, registry: Registry, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The dashboard as the UI's first open today reads it, with evaluating forbidden: only a
    store left filled by the command that built the database can answer."""
    from polterm.services import finding_store, views
    from polterm.services.identity import resolve_actor
    from polterm.services.session import Session
    from polterm.storage import open_database

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the first open evaluated the district")

    monkeypatch.setattr(finding_store, "evaluate", refused)
    monkeypatch.setattr(views, "evaluate", refused)
    db = open_database(path)
    return views.dashboard(Session(db, resolve_actor(db), registry), date.today())


@pytest.fixture(scope="session")
def installed_registry() -> Registry:
    """The installed policy plugins, loaded once for the whole run (loading costs ~0.2 s)."""
    registry = build_registry()
    for policy, kinds in POLICY_KINDS.items():
        loaded = registry.policies[policy]
        for kind in kinds:
            loaded.kinds.setdefault(kind, ConferenceKind(kind, kind))
    return registry


@pytest.fixture
def fresh(tmp_path: Path, installed_registry: Registry, monkeypatch: pytest.MonkeyPatch) -> Polterm:
    """A runner on a not-yet-created database in tmp_path, with the cached plugin registry."""
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: installed_registry)
    monkeypatch.delenv("POLTERM_DB", raising=False)
    return Polterm(tmp_path / "district.db")


SEED = [
    ["init", "--district", "Testville", "--policy", "clinton_6310", "--policy", "p1471",
     "--year", "2025-2026:2025-08-27:2026-06-12"],
    ["school", "add", "--id", "oak", "--name", "Oak Elementary", "--level", "elementary"],
    ["school", "add", "--id", "pine", "--name", "Pine High", "--level", "high"],
    ["staff", "add", "--id", "t1", "--name", "Ada Teacher", "--role", "teacher", "--school", "oak"],
    ["staff", "add", "--id", "p1", "--name", "Bo Principal", "--role", "principal",
     "--school", "oak", "--username", "bprincipal"],
    ["staff", "add", "--id", "it2", "--name", "Di Deputy", "--role", "it", "--username", "ddeputy"],
    ["student", "add", "--id", "s1", "--given", "Sam", "--family", "Rivera", "--grade", "3",
     "--school", "oak", "--teacher", "t1"],
    ["student", "add", "--id", "s2", "--given", "Lia", "--family", "Chen", "--grade", "10",
     "--school", "pine"],
    ["guardian", "add", "--id", "g1", "--student", "s1", "--name", "Max Rivera",
     "--phone", "555-0101", "--email", "max@example.org", "--language", "es", "--interpreter"],
    ["period", "add", "--id", "q1", "--school", "oak", "--start", "2025-08-27",
     "--end", "2025-11-07"],
    ["period", "add", "--id", "q2", "--school", "oak", "--start", "2025-11-10",
     "--end", "2026-01-30"],
    ["period", "add", "--id", "h1", "--school", "pine", "--start", "2025-08-27",
     "--end", "2026-01-30"],
    ["request", "add", "--id", "r1", "--student", "s1", "--on", "2025-09-02",
     "--with", "principal"],
    ["request", "add", "--id", "r2", "--student", "s2", "--on", "2025-09-03",
     "--with", "teacher"],
    ["conference", "add", "--student", "s1", "--kind", "parent-teacher",
     "--at", "2025-09-10T15:00", "--staff", "t1"],
    ["remote-period", "add", "--start", "2025-10-01"],
    ["approval-1806", "add", "--student", "s1", "--period", "q1", "--on", "2025-11-01"],
]  # fmt: skip


@pytest.fixture(scope="session")
def seeded_template(
    tmp_path_factory: pytest.TempPathFactory, installed_registry: Registry
) -> Iterator[Path]:
    """A small district built once through the CLI; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "district.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("polterm.cli.state.build_registry", lambda: installed_registry)
        mp.delenv("POLTERM_DB", raising=False)
        run = Polterm(path)
        for args in SEED:
            result = run(*args)
            assert result.code == 0, (args, result.err)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    yield path


@pytest.fixture
def district(fresh: Polterm, seeded_template: Path) -> Polterm:
    """A runner on a fresh copy of the seeded district (schools oak, pine; students s1, s2 ...)."""
    src = sqlite3.connect(seeded_template)
    dst = sqlite3.connect(fresh.path)
    src.backup(dst)
    src.close()
    dst.close()
    return fresh


@pytest.fixture
def plugins_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI asks the installed plugins for their commands again: it does so once a process,
    and a test that installs a plugin runs after others have asked."""
    from polterm.cli import cli

    monkeypatch.setattr(cli, "commands", dict(cli.commands))
    monkeypatch.setattr(cli, "plugin_commands_added", False)
