"""§ B: a remote-learning conference after three weeks of remote learning, then every six months."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from polterm.facts import day_after
from polterm.policy import Finding, Rule, RuleContext, Scope
from polterm_clinton_6310.held import held_by, held_sql
from polterm_clinton_6310.info import REMOTE_LEARNING, SECTION_B
from polterm_clinton_6310.periods import RemotePeriod, Requirement, remote_periods, requirements
from polterm_clinton_6310.settings import configured


@dataclass(frozen=True)
class Unmet:
    """A covered active student and the requirements of one period they have not met."""

    student_id: str
    school_id: str
    missing: tuple[tuple[Requirement, int], ...]  # (requirement, conferences held for it)


def period_requirements(
    db: Database, as_of: date, settings: dict[str, Any] | None = None
) -> list[tuple[RemotePeriod, list[Requirement]]]:
    """Each period that has requirements as of the date, with them (district's settings)."""
    settings = settings or configured(db, REMOTE_LEARNING_CONFERENCE)
    out = []
    for period in remote_periods(db):
        found = requirements(
            period, as_of, int(settings["threshold_days"]), int(settings["cadence_months"])
        )
        if found:
            out.append((period, found))
    return out


def requirement_sql(
    as_of: date, scope: Scope, req: Requirement, tag: str = "", only: str | None = None
) -> tuple[str, dict[str, Any]]:
    """SQL of (id, school_id, held) for the active students the period covers who held fewer
    than k remote-learning conferences within [start, due_k] and on or before as-of; `only`
    narrows them further (a SQL condition over alias `s`), `tag` keeps parameter names of
    several such queries apart.

    Over every student of the district, requirement 1 (the usual one) is a merge: the students
    EXCEPT those with a held conference, both sides id-ordered indexes read whole, instead of
    a seek per student (see `held_sql`), which the other cases keep.
    """
    start, upto = req.period.start.isoformat(), day_after(min(req.due, as_of))
    if req.k == 1 and only is None and req.period.school_id is None and scope == Scope():
        sql = f"""
            SELECT s.id, s.school_id, 0 AS held FROM student s WHERE s.id IN (
                SELECT id FROM student WHERE active = 1
                EXCEPT
                SELECT c.student_id FROM conference c
                    INDEXED BY clinton_6310_conference_counted WHERE {held_by(tag)}
                ORDER BY 1)"""
        return sql, {f"kind{tag}": REMOTE_LEARNING, f"start{tag}": start, f"upto{tag}": upto}
    school = f"s.school_id = :school{tag}" if req.period.school_id is not None else "1"
    narrowed = f"{school} AND {only or 1}"
    sql, named = held_sql(scope, REMOTE_LEARNING, start, upto, req.k, narrowed, tag)
    return sql, {**named, f"school{tag}": req.period.school_id}


def unmet(
    db: Database, as_of: date, scope: Scope, period: RemotePeriod, reqs: list[Requirement]
) -> list[Unmet]:
    """Active students the period covers with a requirement unmet, and what they miss."""
    missing: dict[str, list[tuple[Requirement, int]]] = {}
    schools: dict[str, str] = {}
    for req in reqs:
        for student_id, school_id, held in db.execute(*requirement_sql(as_of, scope, req)):
            missing.setdefault(student_id, []).append((req, held))
            schools[student_id] = school_id
    return [Unmet(sid, schools[sid], tuple(reqs_of)) for sid, reqs_of in missing.items()]


def evaluate_remote_learning(ctx: RuleContext) -> Iterable[Finding]:
    """In addition, the procedures shall require the District to: B. conduct one parent-teacher
    conference, in addition to the two flexible parent-teacher conferences described above,
    during periods when the District provides remote learning for more than three consecutive
    weeks, and one additional parent-teacher conference every six months thereafter for the
    duration of such period of remote learning. (Policy 6310 § B)
    """
    parts, named = [], {}
    for period, reqs in period_requirements(ctx.db, ctx.as_of, dict(ctx.settings)):
        for req in reqs:
            tag = f"_{len(parts)}"
            sql, params = requirement_sql(ctx.as_of, ctx.scope, req, tag)
            parts.append(
                f"""SELECT id AS student_id, school_id, :due{tag} AS due, :status{tag} AS status,
                           held || :tail{tag} AS message FROM ({sql})"""
            )
            named.update(params)
            named[f"due{tag}"] = req.due.isoformat()
            named[f"status{tag}"] = "due" if ctx.as_of <= req.due else "overdue"
            named[f"tail{tag}"] = (
                f" of {req.k} remote-learning conferences held for the remote learning that "
                f"began {period.start.isoformat()}"
            )
    if not parts:
        return []
    citation = ctx.rule.citation if ctx.rule else SECTION_B
    return ctx.query(" UNION ALL ".join(parts), named, citation=citation)


REMOTE_LEARNING_CONFERENCE = Rule(
    id="remote-learning-conference",
    title="A conference after three weeks of remote learning, then every six months",
    citation=SECTION_B,
    evaluate=evaluate_remote_learning,
    settings={"threshold_days": 21, "cadence_months": 6},
)
