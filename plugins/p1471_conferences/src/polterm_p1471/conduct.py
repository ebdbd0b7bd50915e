"""Item 3: the conditions of a parent-initiated conference with the principal, as recorded."""

from __future__ import annotations

from collections.abc import Iterator

from polterm.policy import ConferenceDraft, Finding, Rule, RuleContext, Setting
from polterm_p1471.attendance import (
    SAVED,
    SCOPES,
    Source,
    draft_source,
    other_patrons,
    oversized,
)
from polterm_p1471.query import after, rows, scoped
from polterm_p1471.settings import DEFAULT_SCOPE, conference_scope, configured

SCOPE = Setting(DEFAULT_SCOPE, choices=SCOPES)  # which conferences item 3a's guidance covers
ITEM_3A = (
    "Permitting the parent to be accompanied by others whom the parent has asked to attend; "
    "however, the total number in the conference should be kept at a reasonable level and the "
    "rights of privacy and confidentiality may make it necessary to exclude another patron of "
    "that school as a participant."
)
SUPPORTERS = ("parent", "school", "student")


def _size_findings(
    ctx: RuleContext, source: Source, draft_id: int | None = None
) -> Iterator[Finding]:
    where, params = scoped(ctx.scope, "s")
    limit = int(configured(ctx.db, CONFERENCE_SIZE)["max_attendees"])
    scope = conference_scope(ctx.db, CONFERENCE_SIZE.id)
    for row in oversized(ctx.db, source, scope, limit, after(ctx.as_of), where, params):
        total = row["staff"] + row["others"]
        yield ctx.finding(
            "warning",
            f"{total} people take part in the conference ({row['staff']} staff, "
            f"{row['others']} others): keep it to {limit} or fewer",
            student_id=row["student_id"],
            school_id=row["school_id"],
            conference_id=row["conference_id"] if source is SAVED else draft_id,
            rule=CONFERENCE_SIZE.id,
            citation=ctx.citation(CONFERENCE_SIZE.citation),
        )


def _privacy_findings(
    ctx: RuleContext, source: Source, draft_id: int | None = None
) -> Iterator[Finding]:
    where, params = scoped(ctx.scope, "s")
    scope = conference_scope(ctx.db, PATRON_PRIVACY.id)
    for row in other_patrons(ctx.db, source, scope, after(ctx.as_of), where, params):
        yield ctx.finding(
            "warning",
            f"Attendee {row['name']} is a guardian of another student of this school and not "
            "of this student: exclude them or record the principal's approval",
            student_id=row["student_id"],
            school_id=row["school_id"],
            conference_id=row["conference_id"] if source is SAVED else draft_id,
            rule=PATRON_PRIVACY.id,
            citation=ctx.citation(PATRON_PRIVACY.citation),
        )


def evaluate_size(ctx: RuleContext) -> Iterator[Finding]:
    """The total number of people (staff present plus other attendees) is at most
    `max_attendees` in every conference of the rule's scope, scheduled or held."""
    return _size_findings(ctx, SAVED)


def evaluate_privacy(ctx: RuleContext) -> Iterator[Finding]:
    """No attendee of a conference in scope is a guardian of another student of the same
    school who is not also this student's guardian, unless the principal approved it."""
    return _privacy_findings(ctx, SAVED)


RECORDED = {
    "problem": "the problem as defined",
    "solutions": "the solutions examined",
    "plan": "the plan of action",
}


def evaluate_record(ctx: RuleContext) -> Iterator[Finding]:
    """A held parent-principal conference initiated by the parent records the problem as
    defined, the solutions examined, the plan of action and who supports it."""
    where, params = scoped(ctx.scope, "s")
    blank = {key: f"trim(coalesce(c.{key}, '')) = '' AS no_{key}" for key in RECORDED}
    support = "',' || replace(lower(coalesce(c.support, '')), ' ', '') || ','"
    unsupported = {
        party: f"instr({support}, ',{party},') = 0 AS no_{party}" for party in SUPPORTERS
    }
    flags = [*blank.values(), *unsupported.values()]
    sql = f"""
        SELECT * FROM (
            SELECT c.id, c.student_id, s.school_id, {", ".join(flags)}
            FROM conference c JOIN student s ON s.id = c.student_id
            WHERE c.kind = 'parent-principal' AND c.initiated_by = 'parent'
              AND c.status = 'held' AND c.at < :after AND {where})
        WHERE {" OR ".join(f"no_{key}" for key in [*RECORDED, *SUPPORTERS])}"""
    citation = ctx.citation()
    for row in rows(ctx.db, sql, {**params, "after": after(ctx.as_of)}):
        missing = [label for key, label in RECORDED.items() if row[f"no_{key}"]]
        unsupported_by = [party for party in SUPPORTERS if row[f"no_{party}"]]
        if unsupported_by:
            missing.append(f"the support of the {_and(unsupported_by)}")
        yield ctx.finding(
            "warning",
            f"The conference record lacks {'; '.join(missing)}",
            student_id=row["student_id"],
            school_id=row["school_id"],
            conference_id=row["id"],
            citation=citation,
        )


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def draft_warnings(conference: ConferenceDraft, ctx: RuleContext) -> list[Finding]:
    """The item 3a warnings a form shows while the conference is being entered."""
    source = draft_source(conference)
    return [
        *_size_findings(ctx, source, conference.id),
        *_privacy_findings(ctx, source, conference.id),
    ]


CONFERENCE_SIZE = Rule(
    id="conference-size",
    title="A reasonable number of people in the conference",
    citation="Board Policy P1471, item 3a",
    evaluate=evaluate_size,
    settings={"max_attendees": Setting(6, min=1), "scope": SCOPE},
    text="The total number in the conference should be kept at a reasonable level. "
    f"(P1471 item 3a: {ITEM_3A})",
)
PATRON_PRIVACY = Rule(
    id="patron-privacy",
    title="No other patron of the school takes part without the principal's approval",
    citation="Board Policy P1471, item 3a",
    evaluate=evaluate_privacy,
    settings={"scope": SCOPE},
    text="The rights of privacy and confidentiality may make it necessary to exclude another "
    f"patron of that school as a participant. (P1471 item 3a: {ITEM_3A})",
)
PROBLEM_RESOLUTION_RECORD = Rule(
    id="problem-resolution-record",
    title="The problem, solutions, plan and everyone's support are recorded",
    citation="Board Policy P1471, items 2, 3c and 3e",
    evaluate=evaluate_record,
    text="It is the principal's responsibility to provide a structure for such conferences so "
    "that problem resolution can be attained. (item 2) Allowing sufficient dialogue for the "
    "problem to be well defined and proposed solutions examined. (item 3c) Attempting to gain "
    "full support by parent, school, and student regarding any solution or plan of action. "
    "(item 3e)",
)
