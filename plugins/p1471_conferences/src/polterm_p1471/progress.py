"""Item 6: at elementary schools a conference supplements the Progress Report, never replaces it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from polterm.policy import Finding, Rule, RuleContext
from polterm_p1471.query import after, rows, scoped


def evaluate_progress(ctx: RuleContext) -> Iterator[Finding]:
    """A conference may be used to clarify and supplement the Progress Report; it does not
    replace the report form except when approved in accordance with BOE Policy 1806 - Report
    to Parents on Student Progress. The Progress Report may be given to the parent at the
    time of conference. (P1471 item 6)

    "Active in the period" is read as the student's record being active (`student.active`):
    the district keeps no enrolment dates, so a student who left is not asked for reports.
    """
    for schools, periods in _period_sets(ctx):
        yield from _missing(ctx, schools, periods)


def _period_sets(ctx: RuleContext) -> list[tuple[list[str], list[str]]]:
    """Elementary schools grouped by the grading periods ended by as-of that apply to them.

    Usually one group: district-wide periods. Grouping lets one query per group count each
    student's reports against exactly the periods of their school.
    """
    sql = """
        SELECT sc.id AS school_id, p.id AS period_id
        FROM school sc JOIN period p ON p.school_id IS NULL OR p.school_id = sc.id
        WHERE sc.level = 'elementary' AND p.kind = 'grading' AND p.end < :after
        ORDER BY sc.id, p.id"""
    by_school: dict[str, list[str]] = defaultdict(list)
    for row in rows(ctx.db, sql, {"after": after(ctx.as_of)}):
        by_school[row["school_id"]].append(row["period_id"])
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for school, periods in by_school.items():
        groups[tuple(periods)].append(school)
    return [(schools, list(periods)) for periods, schools in groups.items()]


def _missing(ctx: RuleContext, schools: list[str], periods: list[str]) -> Iterator[Finding]:
    """One covering-index probe per student finds those short of a report; only they are
    then checked period by period (1806 approvals, the conference held in the period)."""
    where, params = scoped(ctx.scope, "s")
    named: dict[str, Any] = {**params, "after": after(ctx.as_of), "needed": len(periods)}
    named.update({f"school{i}": school for i, school in enumerate(schools)})
    named.update({f"period{i}": period for i, period in enumerate(periods)})
    school_list = ", ".join(f":school{i}" for i in range(len(schools)))
    period_list = ", ".join(f":period{i}" for i in range(len(periods)))
    sql = f"""
        WITH short AS MATERIALIZED (
            SELECT s.id, s.school_id FROM student s
            WHERE s.active = 1 AND s.school_id IN ({school_list}) AND {where}
              AND (SELECT count(DISTINCT r.period_id) FROM progress_report r
                   WHERE r.student_id = s.id AND +r.period_id IN ({period_list})
                     AND r.issued_on < :after) < :needed)
        SELECT short.id AS student_id, short.school_id, p.id AS period_id,
               coalesce(p.name, p.id) AS period, p.end,
               (SELECT max(substr(c.at, 1, 10)) FROM conference c
                WHERE c.student_id = short.id AND c.status = 'held'
                  AND c.at >= p.start AND c.at < date(p.end, '+1 day')) AS conference_on
        FROM short JOIN period p ON p.id IN ({period_list})
        WHERE NOT EXISTS (SELECT 1 FROM progress_report r
                          WHERE r.student_id = short.id AND r.period_id = p.id
                            AND r.issued_on < :after)
          AND NOT EXISTS (SELECT 1 FROM approval_1806 a
                          WHERE a.student_id = short.id AND a.period_id = p.id
                            AND a.approved_on < :after)"""
    for row in rows(ctx.db, sql, named):
        held = (
            f"; a conference was held on {row['conference_on']} but does not replace the report"
            if row["conference_on"]
            else ""
        )
        yield ctx.finding(
            "overdue",
            f"No Progress Report issued for grading period {row['period']} "
            f"(ended {row['end']}){held}",
            student_id=row["student_id"],
            school_id=row["school_id"],
            due=row["end"],
        )


PROGRESS_REPORT_NOT_REPLACED = Rule(
    id="progress-report-not-replaced",
    title="A conference does not replace the Progress Report",
    citation="Board Policy P1471, item 6; BOE Policy 1806",
    evaluate=evaluate_progress,
)
