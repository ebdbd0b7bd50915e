"""Administrative Regulation 6310: each principal's annual written report on involvement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from polterm.errors import PoltermError
from polterm.facts import SchoolYear, day_after, named_scope, school_years
from polterm.policy import Finding, Rule, RuleContext
from polterm_clinton_6310.info import PRINCIPAL_REPORT

MONTH_DAY = re.compile(r"(\d\d)-(\d\d)")


def report_due(year: SchoolYear, setting: str) -> date:
    """`year-end`, or a month-day (`06-30`) in the calendar year the school year ends."""
    if setting == "year-end":
        return year.end
    match = MONTH_DAY.fullmatch(str(setting))
    if not match:
        raise PoltermError(f"report_due {setting!r} is neither 'year-end' nor a month-day MM-DD")
    month, day = int(match[1]), int(match[2])
    try:
        return date(year.end.year, month, day)
    except ValueError:
        if (month, day) == (2, 29):
            return date(year.end.year, 2, 28)
        raise PoltermError(f"report_due {setting!r} is not a day of the year") from None


def evaluate_principal_report(ctx: RuleContext) -> Iterator[Finding]:
    """Principals shall, annually provide a written report to the Superintendent on parental
    involvement programs and efforts in their buildings. (Administrative Regulation 6310)
    """
    years = [y for y in school_years(ctx.db) if y.start <= ctx.as_of]
    if not years:
        return
    where, params = named_scope(ctx.scope.sql_school("sc"))
    sql = f"""
        SELECT sc.id FROM school sc
        WHERE {where} AND NOT EXISTS (
            SELECT 1 FROM involvement_report r
            WHERE r.school_id = sc.id AND r.year = :year AND r.submitted_on < :after)
        ORDER BY sc.id"""
    citation = ctx.rule.citation if ctx.rule else PRINCIPAL_REPORT
    for year in years:
        due = report_due(year, ctx.settings["report_due"])
        status = "due" if ctx.as_of <= due else "overdue"
        named = {**params, "year": year.name, "after": day_after(ctx.as_of)}
        for (school_id,) in ctx.db.execute(sql, named):
            yield ctx.finding(
                status,
                f"The principal's written report on parental involvement for {year.name} has "
                "not been given to the superintendent",
                school_id=school_id,
                due=due,
                citation=citation,
            )


PRINCIPAL_INVOLVEMENT_REPORT = Rule(
    id="principal-involvement-report",
    title="Each principal reports on parental involvement once a school year",
    citation=PRINCIPAL_REPORT,
    evaluate=evaluate_principal_report,
    settings={"report_due": "year-end"},
)
