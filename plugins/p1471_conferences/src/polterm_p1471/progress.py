"""Item 6: at elementary schools a conference supplements the Progress Report, never replaces it."""

from __future__ import annotations

from collections.abc import Iterable

from polterm.policy import Finding, Rule, RuleContext, Scope
from polterm_p1471.query import after, scoped


def evaluate_progress(ctx: RuleContext) -> Iterable[Finding]:
    """A conference may be used to clarify and supplement the Progress Report; it does not
    replace the report form except when approved in accordance with BOE Policy 1806 - Report
    to Parents on Student Progress. The Progress Report may be given to the parent at the
    time of conference. (P1471 item 6)

    "Active in the period" is read as the student's record being active (`student.active`):
    the district keeps no enrolment dates, so a student who left is not asked for reports.

    One pass over the students in table order: each student of an elementary school is paired
    with the grading periods of their school that ended by as-of (a small table SQLite indexes
    in memory), and each pair costs one seek in the (student, period, issued) index.
    """
    where, params = scoped(ctx.scope, "s")
    # About every student, read the table as it lies (students come in id order, so each seek
    # lands next to the last): an index in (school, id) order is smaller but scatters them.
    walk = "NOT INDEXED" if ctx.scope == Scope() else ""
    sql = f"""
        WITH ended AS MATERIALIZED (
            SELECT sc.id AS school_id, p.id, coalesce(p.name, p.id) AS name, p.start, p.end
            FROM school sc JOIN period p ON p.school_id IS NULL OR p.school_id = sc.id
            WHERE sc.level = 'elementary' AND p.kind = 'grading' AND p.end < :after)
        SELECT s.id AS student_id, s.school_id, p.end AS due,
               'No Progress Report issued for grading period ' || p.name
               || ' (ended ' || p.end || ')'
               || coalesce('; a conference was held on ' || (
                      SELECT max(substr(c.at, 1, 10)) FROM conference c
                      WHERE c.student_id = s.id AND c.status = 'held'
                        AND c.at >= p.start AND c.at < date(p.end, '+1 day'))
                   || ' but does not replace the report', '') AS message
        FROM student s {walk} CROSS JOIN ended p ON p.school_id = s.school_id
        WHERE s.active = 1 AND {where}
          AND NOT EXISTS (SELECT 1 FROM progress_report r
                          WHERE r.student_id = s.id AND r.period_id = p.id
                            AND r.issued_on < :after)
          AND NOT EXISTS (SELECT 1 FROM approval_1806 a
                          WHERE a.student_id = s.id AND a.period_id = p.id
                            AND a.approved_on < :after)"""
    return ctx.query(sql, {**params, "after": after(ctx.as_of)}, status="overdue")


PROGRESS_REPORT_NOT_REPLACED = Rule(
    id="progress-report-not-replaced",
    title="A conference does not replace the Progress Report",
    citation="Board Policy P1471, item 6; BOE Policy 1806",
    evaluate=evaluate_progress,
)
