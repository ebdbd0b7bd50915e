"""Two flexible parent-teacher conferences for each student in each school year."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlite_utils import Database

from polterm.facts import SchoolYear, day_after, school_year_as_of
from polterm.policy import Finding, Rule, RuleContext, Scope
from polterm_clinton_6310.held import held_sql
from polterm_clinton_6310.info import FLEXIBLE, TWO_FLEXIBLE


def flexible_held_sql(
    year: SchoolYear, as_of: date, scope: Scope, fewer: int | None = None
) -> tuple[str, dict[str, Any]]:
    """SQL of (id, school_id, held): active students and the flexible conferences they held
    in the year up to as-of; only those who held fewer than `fewer`, when given."""
    upto = day_after(min(year.end, as_of))
    return held_sql(scope, FLEXIBLE, year.start.isoformat(), upto, fewer)


def flexible_held(
    db: Database, year: SchoolYear, as_of: date, scope: Scope
) -> Iterator[tuple[str, str, int]]:
    """(student, school, flexible conferences held in the year up to as-of), active students."""
    yield from db.execute(*flexible_held_sql(year, as_of, scope))


def evaluate_two_flexible(ctx: RuleContext) -> Iterable[Finding]:
    """Such procedures shall require the District to conduct two flexible parent-teacher
    conferences for each school year. (Policy 6310)
    """
    year = school_year_as_of(ctx.db, ctx.as_of)
    if year is None:
        return []
    required = int(ctx.settings["required"])
    sql, params = flexible_held_sql(year, ctx.as_of, ctx.scope, required)
    return ctx.query(
        f"SELECT id AS student_id, school_id, held || :tail AS message FROM ({sql})",
        {**params, "tail": f" of {required} flexible conferences held in school year {year.name}"},
        status="due" if year.running(ctx.as_of) else "overdue",
        due=year.end,
        citation=ctx.rule.citation if ctx.rule else TWO_FLEXIBLE,
    )


TWO_FLEXIBLE_CONFERENCES = Rule(
    id="two-flexible-conferences",
    title="Two flexible parent-teacher conferences each school year",
    citation=TWO_FLEXIBLE,
    evaluate=evaluate_two_flexible,
    settings={"required": 2},
)
