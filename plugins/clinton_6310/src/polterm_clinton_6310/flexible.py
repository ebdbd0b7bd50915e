"""Two flexible parent-teacher conferences for each student in each school year."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlite_utils import Database

from polterm.facts import SchoolYear, day_after, school_year_as_of, student_scope
from polterm.policy import Finding, Rule, RuleContext, Scope
from polterm_clinton_6310.info import FLEXIBLE, TWO_FLEXIBLE


def flexible_held(
    db: Database, year: SchoolYear, as_of: date, scope: Scope, fewer_than: int | None
) -> Iterator[tuple[str, str, int]]:
    """(student, school, flexible conferences held in the year up to as-of) for active students,
    only those with fewer than `fewer_than` when given; one query."""
    where, params = student_scope(scope, "s")
    # A correlated count over a covering index: one index seek per student, no join to build.
    held = """(SELECT count(*) FROM conference c WHERE c.student_id = s.id AND c.kind = :kind
               AND c.status = 'held' AND c.at >= :start AND c.at < :upto)"""
    short = f"AND {held} < :fewer" if fewer_than is not None else ""
    sql = f"SELECT s.id, s.school_id, {held} FROM student s WHERE s.active = 1 AND {where} {short}"
    upto = day_after(min(year.end, as_of))
    named = {
        **params,
        "kind": FLEXIBLE,
        "start": year.start.isoformat(),
        "upto": upto,
        "fewer": fewer_than,
    }
    yield from db.execute(sql, named)


def evaluate_two_flexible(ctx: RuleContext) -> Iterator[Finding]:
    """Such procedures shall require the District to conduct two flexible parent-teacher
    conferences for each school year. (Policy 6310)
    """
    year = school_year_as_of(ctx.db, ctx.as_of)
    if year is None:
        return
    required = int(ctx.settings["required"])
    status = "due" if year.running(ctx.as_of) else "overdue"
    due = year.end.isoformat()
    citation = ctx.rule.citation if ctx.rule else TWO_FLEXIBLE
    for student_id, school_id, held in flexible_held(ctx.db, year, ctx.as_of, ctx.scope, required):
        yield ctx.finding(
            status,
            f"{held} of {required} flexible conferences held in school year {year.name}",
            student_id=student_id,
            school_id=school_id,
            due=due,
            citation=citation,
        )


TWO_FLEXIBLE_CONFERENCES = Rule(
    id="two-flexible-conferences",
    title="Two flexible parent-teacher conferences each school year",
    citation=TWO_FLEXIBLE,
    evaluate=evaluate_two_flexible,
    settings={"required": 2},
)
