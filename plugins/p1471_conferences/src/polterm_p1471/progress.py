"""Item 6: at elementary schools a conference supplements the Progress Report, never replaces it."""

from __future__ import annotations

from collections.abc import Iterator

from polterm.policy import Finding, Rule, RuleContext
from polterm_p1471.query import rows, scoped


def evaluate_progress(ctx: RuleContext) -> Iterator[Finding]:
    """A conference may be used to clarify and supplement the Progress Report; it does not
    replace the report form except when approved in accordance with BOE Policy 1806 - Report
    to Parents on Student Progress. The Progress Report may be given to the parent at the
    time of conference. (P1471 item 6)

    "Active in the period" is read as the student's record being active (`student.active`):
    the district keeps no enrolment dates, so a student who left is not asked for reports.
    """
    where, params = scoped(ctx.scope, "s")
    sql = f"""
        SELECT s.id AS student_id, s.school_id, p.id AS period_id,
               coalesce(p.name, p.id) AS period, p.end,
               (SELECT max(substr(c.at, 1, 10)) FROM conference c
                WHERE c.student_id = s.id AND c.status = 'held'
                  AND substr(c.at, 1, 10) BETWEEN p.start AND p.end) AS conference_on
        FROM period p
        JOIN school sc ON sc.level = 'elementary' AND (p.school_id IS NULL OR p.school_id = sc.id)
        JOIN student s ON s.school_id = sc.id AND s.active = 1
        WHERE p.kind = 'grading' AND p.end <= :as_of AND {where}
          AND NOT EXISTS (SELECT 1 FROM progress_report r
                          WHERE r.student_id = s.id AND r.period_id = p.id
                            AND substr(r.issued_on, 1, 10) <= :as_of)
          AND NOT EXISTS (SELECT 1 FROM approval_1806 a
                          WHERE a.student_id = s.id AND a.period_id = p.id
                            AND substr(a.approved_on, 1, 10) <= :as_of)"""
    for row in rows(ctx.db, sql, {**params, "as_of": ctx.as_of_iso}):
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
