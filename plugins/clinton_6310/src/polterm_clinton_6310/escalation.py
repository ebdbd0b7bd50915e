"""When the parent cannot be reached for a § B conference: the report to the principal, then
the principal's call to the emergency contact person."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from polterm.facts import day_after, student_scope
from polterm.policy import Finding, Rule, RuleContext
from polterm_clinton_6310.contacts import ON_FILE
from polterm_clinton_6310.info import THREE_ATTEMPTS, WELFARE_CHECK
from polterm_clinton_6310.periods import RemotePeriod, Requirement, periods_of, remote_periods
from polterm_clinton_6310.remote_learning import period_requirements, requirement_sql

PURPOSE = "remote-learning-conference"
CHUNK = 500  # student ids per IN (...) list, well under SQLite's variable limit


def evaluate_escalation(ctx: RuleContext) -> Iterator[Finding]:
    """If, after making three attempts, a teacher is unable to make contact with a student's
    parent in order to schedule a parent-teacher conference required in section (B) above, the
    teacher shall report such inability to the school principal or designee. (Policy 6310)
    """
    most = int(ctx.settings["max_attempts"])
    after = day_after(ctx.as_of)
    periods = remote_periods(ctx.db)
    citation = ctx.rule.citation if ctx.rule else THREE_ATTEMPTS
    for period, reqs in period_requirements(ctx.db, ctx.as_of):
        owing = _failing_and_unmet(ctx, period, reqs, most, after)
        escalated = _escalated(
            ctx, [student_id for student_id, *_ in owing], period, periods, after
        )
        for student_id, failed, since, school_id in owing:
            if student_id in escalated:
                continue
            yield ctx.finding(
                "action",
                f"{failed} attempts to reach the parent to schedule a remote-learning "
                f"conference for the remote learning that began {period.start} failed (since "
                f"{since}): the teacher must report this to the principal or designee",
                student_id=student_id,
                school_id=school_id,
                citation=citation,
            )


def _failing_and_unmet(
    ctx: RuleContext, period: RemotePeriod, reqs: list[Requirement], most: int, after: str
) -> list[tuple[str, int, str, str]]:
    """(student, failed attempts, first failed date, school) of the students with `most` or
    more failed attempts who owe the period a conference, in one query: the failing students
    are found once, and only they are counted against the requirements (by primary key)."""
    failing, named = _failing_sql(ctx, period, most, after)
    owing = []
    for i, req in enumerate(reqs):
        sql, params = requirement_sql(
            ctx.as_of, ctx.scope, req, f"_{i}", "s.id IN (SELECT student_id FROM failing)"
        )
        owing.append(f"SELECT id FROM ({sql})")
        named.update(params)
    sql = f"""
        WITH failing(student_id, failed, since) AS MATERIALIZED ({failing})
        SELECT f.student_id, f.failed, f.since, s.school_id
        FROM failing f JOIN student s ON s.id = f.student_id
        WHERE f.student_id IN ({" UNION ALL ".join(owing)})"""
    return ctx.db.execute(sql, named).fetchall()


def _failing_sql(
    ctx: RuleContext, period: RemotePeriod, most: int, after: str
) -> tuple[str, dict[str, Any]]:
    """Students with `most` or more failed attempts since the period began and since their last
    successful one: (student_id, failed attempts, first failed date)."""
    where, params = student_scope(ctx.scope, "a_s")
    school = "AND a_s.school_id = :school" if period.school_id is not None else ""
    sql = f"""
        SELECT a.student_id, count(*), min(substr(a.made_on, 1, 10))
        FROM contact_attempt a JOIN student a_s ON a_s.id = a.student_id
        WHERE a.purpose = :purpose AND a.outcome <> 'reached'
          AND a.made_on >= :start AND a.made_on < :after
          AND a_s.active = 1 {school} AND {where}
          AND NOT EXISTS (
              SELECT 1 FROM contact_attempt r
              WHERE r.student_id = a.student_id AND r.purpose = :purpose
                AND r.outcome = 'reached' AND r.made_on < :after
                AND (r.made_on > a.made_on OR (r.made_on = a.made_on AND r.id > a.id)))
        GROUP BY a.student_id HAVING count(*) >= :most"""
    named = {
        **params,
        "purpose": PURPOSE,
        "start": period.start.isoformat(),
        "after": after,
        "school": period.school_id,
        "most": most,
    }
    return sql, named


def _escalated(
    ctx: RuleContext,
    students: list[str],
    period: RemotePeriod,
    periods: list[RemotePeriod],
    after: str,
) -> set[str]:
    """Those of the students with an escalation on or before as-of belonging to the period."""
    found: set[str] = set()
    for i in range(0, len(students), CHUNK):
        chunk = students[i : i + CHUNK]
        sql = f"""
            SELECT e.student_id, s.school_id, substr(e.made_on, 1, 10)
            FROM escalation e JOIN student s ON s.id = e.student_id
            WHERE e.student_id IN ({",".join("?" * len(chunk))}) AND e.made_on < ?"""
        found.update(
            sid
            for sid, school, day in ctx.db.execute(sql, [*chunk, after])
            if period in periods_of(date.fromisoformat(day), school, periods)
        )
    return found


def evaluate_welfare_check(ctx: RuleContext) -> Iterator[Finding]:
    """Such principal or designee shall contact any emergency contact person designated by the
    student's parent to ascertain such student's and family's health and safety. (Policy 6310)

    A welfare check answers every escalation of the student dated on or before it that no
    earlier check answered, whatever remote-learning period either falls in: the action stays
    while an escalation is dated after the student's latest check (both on or before as-of).
    """
    where, params = student_scope(ctx.scope, "s")
    sql = f"""
        SELECT x.student_id, s.school_id, min(substr(x.made_on, 1, 10)),
               EXISTS (SELECT 1 FROM emergency_contact e WHERE e.student_id = s.id AND {ON_FILE})
        FROM escalation x JOIN student s ON s.id = x.student_id
        WHERE x.made_on < :after AND {where}
          AND substr(x.made_on, 1, 10) > coalesce(
              (SELECT max(substr(w.made_on, 1, 10)) FROM welfare_check w
               WHERE w.student_id = x.student_id AND w.made_on < :after), '')
        GROUP BY x.student_id
        ORDER BY x.student_id"""
    named = {**params, "after": day_after(ctx.as_of)}
    periods = remote_periods(ctx.db)
    citation = ctx.rule.citation if ctx.rule else WELFARE_CHECK
    for student_id, school_id, first, contact in ctx.db.execute(sql, named):
        tail = "" if contact else "; no emergency contact is on file"
        during = periods_of(date.fromisoformat(first), school_id, periods)
        began = f" for the remote learning that began {during[0].start}" if during else ""
        yield ctx.finding(
            "action",
            f"The parent could not be reached{began} (reported to the principal on "
            f"{first}): the principal or designee must contact the emergency contact about "
            f"the student's and family's health and safety{tail}",
            student_id=student_id,
            school_id=school_id,
            citation=citation,
        )


UNREACHABLE_PARENT_ESCALATION = Rule(
    id="unreachable-parent-escalation",
    title="After three failed attempts, the teacher reports to the principal",
    citation=THREE_ATTEMPTS,
    evaluate=evaluate_escalation,
    settings={"max_attempts": 3},
    acted_by=("teacher",),
)

EMERGENCY_CONTACT_WELFARE_CHECK = Rule(
    id="emergency-contact-welfare-check",
    title="The principal contacts the emergency contact about health and safety",
    citation=WELFARE_CHECK,
    evaluate=evaluate_welfare_check,
    acted_by=("principal", "designee"),
)
