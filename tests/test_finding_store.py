"""The finding store answers exactly as the engine would, for every role, after any change."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from polterm.engine import evaluate
from polterm.plugins import Registry
from polterm.policy import Finding
from polterm.services import authz, finding_store, views
from polterm.services.finding_store import STATUS_ORDER
from polterm.services.identity import resolve_actor
from polterm.services.session import Session
from polterm.storage import open_database
from tests.conftest import Polterm, first_open

AS_OF = date(2026, 11, 23)
ROLES = ("root", "superintendent1", "principal1", "designee1", "office1", "teacher1")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated district with findings of every rule, built once."""
    path = tmp_path_factory.mktemp("store") / "demo.db"
    assert Polterm(path)("demo", "--no-tui", "--students", "600").code == 0
    conn = sqlite3.connect(path)  # the store's rows into the file itself, which tests copy
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    return path


def session(path: Path, user: str, registry: Registry) -> Session:
    db = open_database(path)
    return Session(db, resolve_actor(db, user=user), registry)


def engine_answer(s: Session, as_of: date = AS_OF) -> list[Finding]:
    """What the engine itself says the actor sees, in the dashboard's order."""
    found = evaluate(s.db, s.registry, as_of, scope=authz.visible_scope(s)).findings
    return sorted(found, key=lambda f: (STATUS_ORDER[f.status], f.due or "", f.sort_key()))


def stored_answer(s: Session, as_of: date = AS_OF) -> list[Finding]:
    return views.stored_findings(s, as_of, limit=10**7).findings


def open_students(s: Session) -> set[str]:
    """The students list's "has open findings" filter, every page of it."""
    return {r["id"] for r in views.student_page(s, views.StudentFilter(open_on=AS_OF), 0, 10**7)}


def listed(s: Session, found: list[Finding]) -> set[str]:
    """The students of some findings that the students list shows (those still enrolled)."""
    active = {r[0] for r in s.db.execute("SELECT id FROM student WHERE active = 1")}
    return {f.student_id for f in found if f.student_id in active}


def whole(path: Path, registry: Registry, as_of: date = AS_OF) -> None:
    """Fill the store as an IT session opening the dashboard would."""
    it = session(path, "root", registry)
    assert finding_store.refresh(it.db, registry, as_of, whole=True)


def test_demo_leaves_the_store_filled_so_the_first_open_does_not_evaluate(
    demo: Path, installed_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = first_open(demo, installed_registry, monkeypatch)
    assert board.total > 0 and board.findings


@pytest.mark.parametrize("user", ROLES)
def test_the_store_answers_as_the_engine_for_each_role(
    demo: Path, installed_registry: Registry, user: str
) -> None:
    whole(demo, installed_registry)
    s = session(demo, user, installed_registry)
    expected = engine_answer(s)
    stored = views.stored_findings(s, AS_OF, limit=10**7)
    assert stored.findings == expected and stored.total == len(expected) > 0
    assert stored.per_school == Counter(f.school_id or "—" for f in expected)
    assert stored.per_rule == Counter(f"{f.policy}/{f.rule}" for f in expected)
    assert open_students(s) == listed(s, expected)


def test_blocks_stored_a_few_rows_at_a_time_answer_as_the_engine(
    demo: Path, installed_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(finding_store, "INSERT_CHUNK_BYTES", 300)  # a row or two a statement
    whole(demo, installed_registry)
    it = session(demo, "root", installed_registry)
    assert stored_answer(it) == engine_answer(it)


def test_a_whole_refresh_leaves_no_write_ahead_log_for_the_next_open_to_read(
    demo: Path, installed_registry: Registry
) -> None:
    whole(demo, installed_registry)
    assert demo.with_name(demo.name + "-wal").stat().st_size == 0


def test_the_dashboard_holds_only_its_first_rows_but_counts_all(
    demo: Path, installed_registry: Registry
) -> None:
    s = session(demo, "root", installed_registry)
    board = views.dashboard(s, AS_OF)
    expected = engine_answer(s)
    assert board.findings == expected[: views.DASHBOARD_ROWS]
    assert board.total == sum(board.per_rule.values()) == len(expected)


def test_a_change_to_one_students_records_reevaluates_that_student(
    demo: Path, installed_registry: Registry
) -> None:
    whole(demo, installed_registry)
    it = session(demo, "root", installed_registry)
    owed = next(f for f in stored_answer(it) if f.rule == "two-flexible-conferences")
    since = it.db.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    it.insert(
        "conference",
        {"student_id": owed.student_id, "kind": "flexible", "at": "2026-11-20T07:00",
         "status": "held", "modality": "in-person", "remote_offered": 1},
        student_id=owed.student_id,
    )  # fmt: skip
    assert finding_store.changed_students(it.db, since) == {owed.student_id}
    teacher = session(demo, "teacher1", installed_registry)
    assert finding_store.refresh(teacher.db, installed_registry, AS_OF, whole=False)
    assert stored_answer(it) == engine_answer(it)
    assert owed not in stored_answer(it)


def test_a_school_wide_change_needs_a_whole_evaluation(
    demo: Path, installed_registry: Registry
) -> None:
    whole(demo, installed_registry)
    it = session(demo, "root", installed_registry)
    since = it.db.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    it.insert("remote_period", {"start": "2026-11-16", "school_id": None})
    assert finding_store.changed_students(it.db, since) is None
    assert not finding_store.refresh(it.db, installed_registry, AS_OF, whole=False)
    teacher = session(demo, "teacher1", installed_registry)
    assert stored_answer(teacher) == engine_answer(teacher)  # evaluated, not read stale
    assert stored_answer(it) == engine_answer(it)  # IT refreshes the whole store


def test_a_new_day_needs_a_whole_evaluation(demo: Path, installed_registry: Registry) -> None:
    whole(demo, installed_registry)
    it = session(demo, "root", installed_registry)
    tomorrow = AS_OF + timedelta(days=1)
    assert not finding_store.refresh(it.db, installed_registry, tomorrow, whole=False)
    assert stored_answer(it, tomorrow) == engine_answer(it, tomorrow)


def test_a_read_only_database_is_evaluated_not_stored(
    demo: Path, installed_registry: Registry
) -> None:
    writable = session(demo, "root", installed_registry)
    expected = engine_answer(writable)
    reader = Database(sqlite3.connect(f"file:{demo}?mode=ro", uri=True))
    s = Session(reader, writable.actor, installed_registry)
    assert stored_answer(s) == expected
    assert open_students(s) == listed(s, expected)
    state = reader.execute("SELECT as_of FROM finding_store_state").fetchone()
    assert state != (AS_OF.isoformat(),)  # kept as the demo left it (for its own day)


def test_a_read_only_database_is_evaluated_once_not_first_for_a_store_it_cannot_keep(
    demo: Path, installed_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    writable = session(demo, "root", installed_registry)
    whole(demo, installed_registry)
    writable.insert("remote_period", {"start": "2026-11-16", "school_id": None})  # store behind
    reader = Database(sqlite3.connect(f"file:{demo}?mode=ro", uri=True))
    s = Session(reader, writable.actor, installed_registry)
    evaluations: list[object] = []
    real = finding_store.evaluate
    monkeypatch.setattr(
        finding_store, "evaluate", lambda *a, **k: evaluations.append(a) or real(*a, **k)
    )
    assert stored_answer(s) == engine_answer(writable)
    assert evaluations == [] and not reader.conn.in_transaction
