"""Period kinds and the calendar helpers rules use: which semester, the first or last quarter."""

from __future__ import annotations

from datetime import date

import pytest

from polterm import periods
from polterm.policy import PolicyInfo, RuleContext
from polterm.testing import District

from .conftest import Polterm


@pytest.fixture
def d() -> District:
    """Two semesters for every school; Oak also has its own quarters, Elm has trimesters."""
    d = District()
    d.school(id="oak")
    d.school(id="elm")
    for i, (start, end) in enumerate([("2025-08-27", "2026-01-23"), ("2026-01-26", "2026-06-12")]):
        d.add("period", id=f"s{i + 1}", kind="semester", start=start, end=end)
    quarters = [("2025-08-27", "2025-10-31"), ("2025-11-03", "2026-01-23"),
                ("2026-01-26", "2026-04-02"), ("2026-04-13", "2026-06-12")]  # fmt: skip
    for i, (start, end) in enumerate(quarters):
        d.add("period", id=f"q{i + 1}", school_id="oak", kind="quarter", start=start, end=end)
    d.add("period", id="oak-s1", school_id="oak", kind="semester", start="2025-08-27",
          end="2026-01-16")  # fmt: skip
    for i, (start, end) in enumerate([("2025-08-27", "2025-11-21"), ("2025-12-01", "2026-03-06"),
                                      ("2026-03-09", "2026-06-12")]):  # fmt: skip
        d.add("period", id=f"t{i + 1}", school_id="elm", kind="trimester", start=start, end=end)
    return d


def test_which_semester_contains_a_day_uses_a_schools_own_periods_first(d: District) -> None:
    day = date(2026, 1, 20)
    assert periods.containing(d.db, "semester", day, "elm").id == "s1"  # the district's
    assert periods.containing(d.db, "semester", day, "oak") is None  # its own ended 01-16
    assert periods.containing(d.db, "semester", date(2026, 3, 2), "elm").id == "s2"


def test_the_first_and_last_quarter_of_the_school_year(d: District) -> None:
    day = date(2025, 9, 15)
    assert periods.nth_of_year(d.db, "quarter", 1, day, "oak").end == date(2025, 10, 31)
    assert periods.nth_of_year(d.db, "quarter", -1, day, "oak").id == "q4"
    assert periods.nth_of_year(d.db, "quarter", 5, day, "oak") is None
    assert periods.nth_of_year(d.db, "quarter", 1, day, "elm") is None  # elm has trimesters
    assert periods.nth_of_year(d.db, "trimester", -1, day, "elm").id == "t3"
    assert periods.nth_of_year(d.db, "quarter", 1, date(2027, 1, 1), "oak") is None  # no year


def test_a_rule_asks_its_context(d: District) -> None:
    ctx = RuleContext(db=d.db, as_of=date(2026, 2, 2), policy=PolicyInfo("x", "X", "X"))
    assert ctx.period("semester", "elm").id == "s2"
    assert ctx.nth_period("quarter", 1, "oak").id == "q1"
    with pytest.raises(ValueError, match="'season'"):
        ctx.period("season")


def test_period_add_takes_every_kind_and_refuses_others(district: Polterm) -> None:
    for kind in periods.PERIOD_KINDS:
        dates = ("--start", "2025-08-27", "--end", "2025-12-19")
        result = district("period", "add", "--id", f"p-{kind}", "--kind", kind, *dates)
        assert result.code == 0, result.err
    bad = district("period", "add", "--id", "x", "--kind", "season", "--start", "2025-08-27",
                   "--end", "2025-12-19")  # fmt: skip
    assert bad.code == 2 and "'season'" in bad.err
