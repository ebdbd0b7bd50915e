"""§ C: ask each student's parent for an emergency contact person."""

from __future__ import annotations

from collections.abc import Iterable

from polterm.facts import day_after, student_scope
from polterm.policy import Finding, Rule, RuleContext
from polterm_clinton_6310.info import SECTION_C

# An emergency contact is on file as of a date when it has a name put on file by then.
ON_FILE = "e.name IS NOT NULL AND (e.set_on IS NULL OR e.set_on < :after)"


def evaluate_emergency_contact(ctx: RuleContext) -> Iterable[Finding]:
    """In addition, the procedures shall require the District to: C. request from each
    student's parent the name and contact information of an emergency contact person who may
    be contacted if the student's parent cannot be reached to schedule a parent-teacher
    conference required during periods of District-provided remote learning. (Policy 6310 § C)

    The students are those EXCEPT the ones with a contact on file or asked for: with ORDER BY,
    SQLite merges the two id-ordered indexes instead of seeking a contact per student.
    """
    where, params = student_scope(ctx.scope, "s")
    sql = f"""
        SELECT s.id AS student_id, s.school_id, :message AS message FROM student s
        WHERE s.id IN (
            SELECT s.id FROM student s WHERE s.active = 1 AND {where}
            EXCEPT
            SELECT e.student_id FROM emergency_contact e
            WHERE ({ON_FILE}) OR e.requested_on < :after
            ORDER BY 1)"""
    named = {
        **params,
        "after": day_after(ctx.as_of),
        "message": "No emergency contact is on file and the parent has not been asked for one",
    }
    citation = ctx.rule.citation if ctx.rule else SECTION_C
    return ctx.query(sql, named, status="due", citation=citation)


EMERGENCY_CONTACT_REQUESTED = Rule(
    id="emergency-contact-requested",
    title="Each student's parent is asked for an emergency contact",
    citation=SECTION_C,
    evaluate=evaluate_emergency_contact,
)
