"""The store's counts per rule and per school are kept with its findings, equal to counting them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from polterm.plugins import Registry
from polterm.policy import Scope
from polterm.services import finding_store
from tests import test_finding_store as store_tests
from tests.test_finding_store import AS_OF, session, whole

demo_file, demo = store_tests.demo_file, store_tests.demo  # the same generated district


def kept(db) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    return {(k, key): n for k, key, n in db.execute("SELECT * FROM finding_store_count")}


def grouped(db) -> dict[tuple[str, str], int]:  # type: ignore[no-untyped-def]
    """The counts as a GROUP BY of the stored findings gives them."""
    rules = db.execute("SELECT policy || '/' || rule, count(*) FROM finding_store GROUP BY 1")
    schools = db.execute("SELECT coalesce(school_id, '—'), count(*) FROM finding_store GROUP BY 1")
    return {
        **{("rule", key): n for key, n in rules},
        **{("school", key): n for key, n in schools},
    }


def test_counts_equal_a_group_by_after_whole_and_per_student_refreshes(
    demo: Path,
    installed_registry: Registry,
) -> None:
    whole(demo, installed_registry)
    it = session(demo, "root", installed_registry)
    assert kept(it.db) == grouped(it.db) and kept(it.db)
    owed = it.db.execute(
        "SELECT student_id FROM finding_store WHERE rule = 'two-flexible-conferences' LIMIT 2"
    ).fetchall()
    for (student,) in owed:
        it.insert(
            "conference",
            {"student_id": student, "kind": "flexible", "at": "2026-11-20T07:00",
             "status": "held", "modality": "in-person", "remote_offered": 1},
            student_id=student,
        )  # fmt: skip
    before = kept(it.db)
    assert finding_store.refresh(it.db, installed_registry, AS_OF, whole=False)
    assert kept(it.db) == grouped(it.db) != before


def test_the_district_wide_read_takes_the_kept_counts(
    demo: Path,
    installed_registry: Registry,
) -> None:
    whole(demo, installed_registry)
    it = session(demo, "root", installed_registry)
    with it.db.conn:
        it.db.execute("UPDATE finding_store_count SET n = n + 1000 WHERE kind = 'rule'")
    stored = finding_store.read(it.db, Scope(), AS_OF, 0)
    expected = Counter({key: n for (kind, key), n in kept(it.db).items() if kind == "rule"})
    assert stored.per_rule == expected and stored.total == sum(expected.values())
