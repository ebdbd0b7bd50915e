"""§ B: a remote-learning conference after three weeks of remote learning, then every six months."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from polterm.facts import day_after, student_scope
from polterm.policy import Finding, Rule, RuleContext, Scope
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


def unmet(
    db: Database,
    as_of: date,
    scope: Scope,
    period: RemotePeriod,
    reqs: list[Requirement],
    only: str = "",
    only_params: dict[str, Any] | None = None,
) -> Iterator[Unmet]:
    """Active students the period covers with a requirement unmet, in one query.

    Requirement k is met by k held remote-learning conferences dated within [start, due_k] and
    on or before as-of. `only` narrows the students further (a SQL condition over alias `s`).
    """
    where, params = student_scope(scope, "s")
    bounds = {f"u{r.k}": day_after(min(r.due, as_of)) for r in reqs}
    # One correlated count per requirement over a covering index: index seeks, no join to build.
    held = {
        r.k: f"""(SELECT count(*) FROM conference c WHERE c.student_id = s.id
                  AND c.kind = :kind AND c.status = 'held' AND c.at >= :start AND c.at < :u{r.k})"""
        for r in reqs
    }
    short = " OR ".join(f"{held[r.k]} < {r.k}" for r in reqs)
    school = "AND s.school_id = :school" if period.school_id is not None else ""
    sql = f"""
        SELECT s.id, s.school_id, {", ".join(held.values())} FROM student s
        WHERE s.active = 1 {school} AND {where} {f"AND {only}" if only else ""} AND ({short})"""
    named = {
        **params,
        **bounds,
        **(only_params or {}),
        "kind": REMOTE_LEARNING,
        "start": period.start.isoformat(),
        "school": period.school_id,
    }
    for row in db.execute(sql, named):
        held = row[2:]
        missing = tuple((r, n or 0) for r, n in zip(reqs, held, strict=True) if (n or 0) < r.k)
        yield Unmet(row[0], row[1], missing)


def evaluate_remote_learning(ctx: RuleContext) -> Iterator[Finding]:
    """In addition, the procedures shall require the District to: B. conduct one parent-teacher
    conference, in addition to the two flexible parent-teacher conferences described above,
    during periods when the District provides remote learning for more than three consecutive
    weeks, and one additional parent-teacher conference every six months thereafter for the
    duration of such period of remote learning. (Policy 6310 § B)
    """
    citation = ctx.rule.citation if ctx.rule else SECTION_B
    for period, reqs in period_requirements(ctx.db, ctx.as_of, dict(ctx.settings)):
        began = period.start.isoformat()
        for student in unmet(ctx.db, ctx.as_of, ctx.scope, period, reqs):
            for req, held in student.missing:
                yield ctx.finding(
                    "due" if ctx.as_of <= req.due else "overdue",
                    f"{held} of {req.k} remote-learning conferences held for the remote "
                    f"learning that began {began}",
                    student_id=student.student_id,
                    school_id=student.school_id,
                    due=req.due,
                    citation=citation,
                )


REMOTE_LEARNING_CONFERENCE = Rule(
    id="remote-learning-conference",
    title="A conference after three weeks of remote learning, then every six months",
    citation=SECTION_B,
    evaluate=evaluate_remote_learning,
    settings={"threshold_days": 21, "cadence_months": 6},
)
