"""Policy 6310's part of the involvement report: conferences, § B requirements, escalations."""

from __future__ import annotations

from polterm.facts import SchoolYear, day_after
from polterm.policy import ReportRequest, ReportSection, RuleContext, Scope
from polterm_clinton_6310.flexible import TWO_FLEXIBLE_CONFERENCES, flexible_held
from polterm_clinton_6310.info import POLICY, REMOTE_LEARNING
from polterm_clinton_6310.remote_learning import period_requirements, unmet
from polterm_clinton_6310.settings import configured


def conference_section(report: ReportRequest, ctx: RuleContext) -> ReportSection:
    """The policy's own figures of the school's year; the core report already counts meetings."""
    year = SchoolYear(report.year, report.start, report.end)
    as_of = min(report.as_of, report.end)
    scope = Scope(school_id=report.school_id)
    bounds = {
        "school": report.school_id,
        "start": report.start.isoformat(),
        "upto": day_after(as_of),
    }
    remote_held = ctx.db.execute(
        """SELECT count(*) FROM conference c JOIN student s ON s.id = c.student_id
           WHERE s.school_id = :school AND c.status = 'held' AND c.kind = :kind
             AND c.at >= :start AND c.at < :upto""",
        {**bounds, "kind": REMOTE_LEARNING},
    ).fetchone()[0]
    required = int(configured(ctx.db, TWO_FLEXIBLE_CONFERENCES)["required"])
    counts = [n for _, _, n in flexible_held(ctx.db, year, as_of, scope)]
    with_two = sum(n >= required for n in counts)
    remote = _remote_requirements(ctx, report, scope)
    events = dict(
        ctx.db.execute(
            """SELECT 'escalations', count(*) FROM escalation e JOIN student s
                   ON s.id = e.student_id
               WHERE s.school_id = :school AND e.made_on >= :start AND e.made_on < :upto
               UNION ALL
               SELECT 'welfare checks', count(*) FROM welfare_check w JOIN student s
                   ON s.id = w.student_id
               WHERE s.school_id = :school AND w.made_on >= :start AND w.made_on < :upto""",
            bounds,
        ).fetchall()
    )
    return ReportSection(
        title="Parent-teacher conferences (Policy 6310)",
        facts={
            "active students": len(counts),
            f"students with {required} flexible conferences held": with_two,
            f"share of students with {required} flexible conferences held": (
                round(100 * with_two / len(counts), 1) if counts else None
            ),
            "remote-learning conferences required": remote["required"],
            "remote-learning conferences held": remote_held,
            "remote-learning conferences overdue": remote["overdue"],
            "escalations to the principal": events["escalations"],
            "welfare checks recorded": events["welfare checks"],
        },
        policy=POLICY.name,
    )


def _remote_requirements(ctx: RuleContext, report: ReportRequest, scope: Scope) -> dict[str, int]:
    """§ B requirements that arose in the year (t_k inside it), per student, and how many of
    them are overdue as of the report's date."""
    as_of = report.as_of
    out = {"required": 0, "overdue": 0}
    students = ctx.db.execute(
        "SELECT count(*) FROM student WHERE active = 1 AND school_id = ?", [report.school_id]
    ).fetchone()[0]
    for period, reqs in period_requirements(ctx.db, as_of):
        if not period.covers_school(report.school_id):
            continue
        in_year = [r for r in reqs if report.start <= r.t <= report.end]
        if not in_year:
            continue
        out["required"] += students * len(in_year)
        for student in unmet(ctx.db, as_of, scope, period, in_year):
            out["overdue"] += sum(as_of > r.due for r, _ in student.missing)
    return out
