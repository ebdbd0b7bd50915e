"""`check` answers from a current finding store exactly as an evaluation would, byte for byte;
`--fresh` and a store that is not current evaluate; `refresh` fills the store for cron."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from polterm.engine import evaluate_in_order
from polterm.plugins import Registry
from polterm.policy import Finding, Rule, RuleContext
from polterm.services import finding_store
from polterm.services.stored_check import StoredFindings
from tests import test_finding_store as store_tests
from tests.conftest import Polterm
from tests.test_check_cli import FakePolicy, broken, registry_of

AS_OF = date(2026, 11, 23)
FORMATS = ("json", "csv", "table")


demo_file = store_tests.demo_file  # the generated district the store tests use


@pytest.fixture
def demo(
    demo_file: Path, tmp_path: Path, installed_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> Polterm:
    """A runner on a copy of the demo."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_file, path)
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: installed_registry)
    return Polterm(path)


@pytest.fixture
def run(demo: Polterm, installed_registry: Registry) -> Polterm:
    """A runner on a copy of the demo whose store answers for AS_OF."""
    fill(demo, installed_registry)
    return demo


def fill(run: Polterm, registry: Registry, as_of: date = AS_OF) -> None:
    from polterm.storage import open_database

    db = open_database(run.path)
    assert finding_store.refresh(db, registry, as_of, whole=True)
    db.close()


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The evaluations `check` runs (each still runs)."""
    seen: list[Any] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("scope"))
        return evaluate_in_order(*args, **kwargs)

    monkeypatch.setattr("polterm.cli.policy.evaluate_in_order", counted)
    return seen


def check(run: Polterm, *args: str) -> str:
    result = run("check", "--as-of", AS_OF.isoformat(), *args)
    assert result.code in (0, 1) and result.err == "", result.err
    return result.out


def a_school(run: Polterm) -> str:
    return run.rows("SELECT school_id FROM student ORDER BY id LIMIT 1")[0][0]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("scope", ["district", "school", "teacher", "policy"])
def test_check_from_a_current_store_prints_what_an_evaluation_prints(
    run: Polterm, evaluations: list[Any], fmt: str, scope: str
) -> None:
    args = {
        "district": [],
        "school": ["--school", a_school(run)],
        "teacher": ["--as", "teacher1"],
        "policy": ["--policy", "p1471"],
    }[scope]
    stored = check(run, "--format", fmt, *args)
    assert evaluations == []  # read from the store
    fresh = check(run, "--format", fmt, "--fresh", *args)
    assert len(evaluations) == 1  # --fresh evaluated
    assert stored == fresh and stored.count("\n") > 3


def test_after_one_students_write_the_store_is_updated_and_answers(
    run: Polterm, evaluations: list[Any]
) -> None:
    before = check(run, "--format", "json")
    student, teacher = run.rows(
        "SELECT s.id, s.teacher_id FROM finding_store f JOIN student s ON s.id = f.student_id"
        " WHERE f.rule = 'two-flexible-conferences' AND s.teacher_id IS NOT NULL LIMIT 1"
    )[0]
    added = run(
        "conference", "add", "--student", student, "--kind", "flexible",
        "--at", "2026-11-20T07:00", "--staff", teacher,
    )  # fmt: skip
    assert added.code == 0, added.err
    after = check(run, "--format", "json")
    assert evaluations == [] and after != before
    assert after == check(run, "--format", "json", "--fresh")


def test_the_whole_district_is_read_in_rowid_ranges_while_the_rows_lie_in_order(
    run: Polterm, monkeypatch: pytest.MonkeyPatch
) -> None:
    ranged: list[bool] = []
    read = StoredFindings._json_in_rowid_ranges

    def watched(self: StoredFindings, line: str) -> Iterator[bytes]:
        ranged.append(True)
        return read(self, line)

    monkeypatch.setattr(StoredFindings, "_json_in_rowid_ranges", watched)
    in_order = "SELECT in_order FROM finding_store_state"
    assert run.rows(in_order) == [(1,)]  # a whole refresh wrote them in check's order
    assert check(run, "--format", "json") == check(run, "--format", "json", "--fresh")
    assert ranged == [True]
    check(run, "--format", "json", "--school", a_school(run))  # a school's: along the index
    assert ranged == [True]
    student = run.rows("SELECT student_id FROM finding_store WHERE student_id IS NOT NULL")[0][0]
    added = run("conference", "add", "--student", student, "--kind", "flexible",
                "--at", "2026-11-20T07:00")  # fmt: skip
    assert added.code == 0, added.err
    stored = check(run, "--format", "json")  # the student's rows rewritten at the table's end
    assert run.rows(in_order) == [(0,)] and ranged == [True]
    assert stored == check(run, "--format", "json", "--fresh")


def test_a_store_not_current_is_evaluated(run: Polterm, evaluations: list[Any]) -> None:
    assert run("remote-period", "add", "--start", "2026-11-16").code == 0  # school-wide
    for fmt in FORMATS:
        assert check(run, "--format", fmt) == check(run, "--format", fmt, "--fresh")
    assert len(evaluations) == 2 * len(FORMATS)
    other_day = run("check", "--as-of", "2026-11-24", "--format", "csv")
    assert other_day.code in (0, 1) and len(evaluations) == 2 * len(FORMATS) + 1


def test_a_setting_changed_outside_the_audit_log_makes_the_store_not_current(
    run: Polterm, evaluations: list[Any]
) -> None:
    conn = sqlite3.connect(run.path)
    with conn:
        conn.execute(
            "INSERT INTO policy_setting (policy, rule, key, value)"
            " VALUES ('p1471', 'conference-size', 'most', '1')"
        )
    conn.close()
    assert check(run, "--format", "csv") == check(run, "--format", "csv", "--fresh")
    assert len(evaluations) == 2


def test_fail_on_from_the_store(run: Polterm, evaluations: list[Any]) -> None:
    statuses = {row[0] for row in run.rows("SELECT DISTINCT status FROM finding_store")}
    for status in ("action", "overdue", "due", "warning"):
        code = run("check", "--as-of", AS_OF.isoformat(), "--fail-on", status).code
        assert code == (1 if status in statuses else 0)
    assert evaluations == []


def awkward(ctx: RuleContext) -> Iterator[Finding]:
    """Python-made findings whose text JSON must escape: each control character, quotes,
    backslashes, DEL, a line separator and non-ASCII."""
    text = "".join(map(chr, range(32))) + '"\\\x7f\u2028 Café “q” 😀'
    for sid, school in ctx.db.execute("SELECT id, school_id FROM student"):
        yield ctx.finding("warning", text + sid, student_id=sid, school_id=school, due=None)
        yield ctx.finding("due", "tie", student_id=sid, school_id=school, due="2025-10-02")
        yield ctx.finding("action", "tie 2", student_id=sid, school_id=school, due="2025-10-02")


def test_sqlite_writes_each_json_line_as_python_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = registry_of(FakePolicy("odd", Rule("text", "Text", "§1\t“x”", awkward)))
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: registry)
    run = Polterm(tmp_path / "d.db")
    for args in (
        ["init", "--district", "T", "--policy", "odd"],
        ["school", "add", "--id", "oak", "--name", "Oak", "--level", "elementary"],
        ["student", "add", "--id", "s1", "--given", "A", "--family", "B", "--grade", "3",
         "--school", "oak"],
        ["student", "add", "--id", "s0", "--given", "C", "--family", "D", "--grade", "3",
         "--school", "oak"],
    ):  # fmt: skip
        assert run(*args).code == 0
    fill(run, registry)
    for fmt in FORMATS:
        stored = check(run, "--format", fmt)
        assert stored == check(run, "--format", fmt, "--fresh") and "tie 2" in stored


def test_refresh_fills_the_store_for_today_and_says_what_it_holds(demo: Polterm) -> None:
    run = demo
    result = run("refresh", "--format", "json")
    assert result.code == 0, result.err
    doc = result.json()
    counts = dict(run.rows("SELECT policy || '/' || rule, count(*) FROM finding_store GROUP BY 1"))
    assert doc["as_of"] == date.today().isoformat() and doc["failing"] == []
    assert doc["rules"] == counts and doc["findings"] == sum(counts.values()) > 0
    assert run.rows("SELECT as_of FROM finding_store_state") == [(date.today().isoformat(),)]


def test_refresh_is_for_it_only(run: Polterm) -> None:
    result = run("--as", "teacher1", "refresh")
    assert result.code != 0 and "may not" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_refresh_has_help() -> None:
    result = Polterm(Path("unused.db"))("refresh", "--help", db=False)
    assert result.code == 0 and "cron" in result.out


def test_check_prints_the_lines_stored_with_the_findings(
    run: Polterm, evaluations: list[Any]
) -> None:
    fresh = check(run, "--format", "json", "--fresh")
    conn = sqlite3.connect(run.path)
    with conn:  # rows stored before lines were have none: theirs are made as they are read
        conn.execute("UPDATE finding_store SET line = NULL WHERE rowid % 2 = 0")
    conn.close()
    assert check(run, "--format", "json") == fresh
    with sqlite3.connect(run.path) as conn:
        conn.execute("UPDATE finding_store SET line = '{\"stored\": 1}' WHERE rowid = 1")
    conn.close()
    assert '{"stored": 1},' in check(run, "--format", "json").splitlines()
    assert len(evaluations) == 1


def test_a_failing_rule_exits_3_from_refresh_and_check_evaluates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, evaluations: list[Any]
) -> None:
    failing = FakePolicy("odd", Rule("text", "Text", "§1", awkward), Rule("bad", "B", "§2", broken))
    monkeypatch.setattr("polterm.cli.state.build_registry", lambda: registry_of(failing))
    run = Polterm(tmp_path / "d.db")
    assert run("init", "--district", "T", "--policy", "odd").code == 0
    result = run("refresh", "--format", "json")
    assert result.code == 3 and result.json()["failing"] == [result.err.strip()]
    assert "odd/bad fails since" in result.err
    checked = run("check", "--format", "json")  # today, as refresh filled it
    assert checked.code == 3 and "rule bad: RuntimeError: cannot count" in checked.err
    assert len(evaluations) == 1  # the store holds a failure: evaluated, not read
