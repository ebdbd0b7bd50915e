"""Rules on each remote-learning or flexible conference record: § A's remote option and the
resource document given before a § B conference."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from polterm.facts import day_after, student_scope
from polterm.policy import ConferenceDraft, Finding, Rule, RuleContext, Scope
from polterm_clinton_6310.info import FLEXIBLE, REMOTE_LEARNING, RESOURCE_DOCUMENT, SECTION_A

REMOTE_MODALITIES = ("phone", "video", "other")
# A conference counts while scheduled or held; one dated after as-of counts as scheduled.
LIVE = "(c.status IN ('scheduled', 'held') OR c.at >= :after)"
OPTION_MESSAGE = (
    "The parent was not offered to attend this {kind} conference by telephone, video or "
    "another platform"
)


def evaluate_remote_option(ctx: RuleContext) -> Iterable[Finding]:
    """In addition, the procedures shall require the District to: A. offer parents the option
    of attending parent-teacher conferences by telephonic, video, or other conferencing
    platform. (Policy 6310 § A)
    """
    where, params = student_scope(ctx.scope, "s")
    before, after = OPTION_MESSAGE.split("{kind}")
    sql = f"""
        SELECT c.id AS conference_id, c.student_id, s.school_id,
               :before || c.kind || :after_kind AS message
        FROM conference c JOIN student s ON s.id = c.student_id
        WHERE c.remote_offered = 0 AND c.modality = 'in-person'
          AND c.kind IN (:flexible, :remote) AND {LIVE} AND {where}"""
    named = {
        **params,
        "flexible": FLEXIBLE,
        "remote": REMOTE_LEARNING,
        "after": day_after(ctx.as_of),
        "before": before,
        "after_kind": after,
    }
    citation = ctx.rule.citation if ctx.rule else SECTION_A
    return ctx.query(sql, named, status="warning", citation=citation)


def draft_warnings(conference: ConferenceDraft, ctx: RuleContext) -> list[Finding]:
    """The § A warning on a conference being typed in, before it is saved."""
    if (
        conference.kind not in (FLEXIBLE, REMOTE_LEARNING)
        or conference.status not in ("scheduled", "held")
        or conference.remote_offered
        or conference.modality in REMOTE_MODALITIES
    ):
        return []
    return [
        ctx.finding(
            "warning",
            OPTION_MESSAGE.format(kind=conference.kind),
            student_id=conference.student_id,
            school_id=conference.school_id,
            conference_id=conference.id,
            rule=REMOTE_OPTION_OFFERED.id,
            citation=REMOTE_OPTION_OFFERED.citation,
        )
    ]


def evaluate_resource_document(ctx: RuleContext) -> Iterable[Finding]:
    """On or after January 1, 2022, the procedures must also require a teacher conducting a
    parent-teacher conference that is required in section (B) above to provide a copy of the
    document, to be developed by the Department of Education, to provide information concerning
    educational, safety, mental health, and food insecurity resources and programs available for
    students and their families, to the parent prior to the parent-teacher conference.
    (Policy 6310)
    """
    where, params = student_scope(ctx.scope, "s")
    # About every student, walk the remote-learning conferences in id order (each document
    # seek then lands next to the last); a narrower scope starts from its students instead.
    walk = "INDEXED BY clinton_6310_remote_learning_by_id" if ctx.scope == Scope() else ""
    # overdue once the conference is held or its date has passed; due while still ahead
    sql = f"""
        SELECT conference_id, student_id, school_id, due,
               CASE WHEN late THEN 'overdue' ELSE 'due' END AS status,
               'The resource document ' || CASE WHEN late THEN 'was not given'
                   ELSE 'has not yet been given' END
               || ' to the parent before this remote-learning conference on ' || due AS message
        FROM (
            SELECT c.id AS conference_id, c.student_id, s.school_id,
                   substr(c.at, 1, 10) AS due,
                   (c.status = 'held' AND c.at < :after) OR substr(c.at, 1, 10) < :as_of AS late
            FROM conference c {walk} JOIN student s ON s.id = c.student_id
            WHERE c.kind = 'remote-learning' AND c.at >= :effective AND {LIVE} AND {where}
              AND NOT EXISTS (
                  SELECT 1 FROM resource_document d
                  WHERE d.conference_id = c.id AND d.provided_on < :after
                    AND substr(d.provided_on, 1, 10) <= substr(c.at, 1, 10)))"""
    effective = (RESOURCE_DOCUMENT_RULE.effective_from or date(2022, 1, 1)).isoformat()
    named = {
        **params,
        "effective": effective,
        "after": day_after(ctx.as_of),
        "as_of": ctx.as_of_iso,
    }
    citation = ctx.rule.citation if ctx.rule else RESOURCE_DOCUMENT
    return ctx.query(sql, named, citation=citation)


REMOTE_OPTION_OFFERED = Rule(
    id="remote-option-offered",
    title="Parents are offered to attend by telephone, video or another platform",
    citation=SECTION_A,
    evaluate=evaluate_remote_option,
)

RESOURCE_DOCUMENT_RULE = Rule(
    id="resource-document",
    title="The resource document is given to the parent before a § B conference",
    citation=RESOURCE_DOCUMENT,
    evaluate=evaluate_resource_document,
    effective_from=date(2022, 1, 1),
)
