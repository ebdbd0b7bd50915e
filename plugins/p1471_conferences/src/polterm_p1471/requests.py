"""Item 1: parents call the office for a conference and the principal helps arrange it."""

from __future__ import annotations

from collections.abc import Iterator

from polterm.policy import Finding, Rule, RuleContext
from polterm_p1471.query import after, rows, scoped


def evaluate_arrange(ctx: RuleContext) -> Iterator[Finding]:
    """Parents are encouraged to initiate conferences with school personnel by calling the
    school office. Principals shall assist in arranging parent-initiated conferences with
    teachers and other staff members. (P1471 item 1)

    A request taken on or before the as-of date is open until a conference is linked to it
    (the link is not dated); it is due `arrange_within_days` calendar days after it was taken.
    """
    days = int(ctx.settings["arrange_within_days"])
    where, params = scoped(ctx.scope, "s")
    sql = f"""
        SELECT r.id, r.student_id, s.school_id, substr(r.requested_on, 1, 10) AS requested_on,
               r.with_whom, date(substr(r.requested_on, 1, 10), :shift) AS due,
               CAST(julianday(:as_of) - julianday(substr(r.requested_on, 1, 10)) AS INTEGER)
                   AS waited
        FROM parent_request r JOIN student s ON s.id = r.student_id
        WHERE r.requested_on < :after AND {where}
          AND NOT EXISTS (SELECT 1 FROM conference c WHERE c.request_id = r.id)"""
    as_of = ctx.as_of_iso
    named = {**params, "as_of": as_of, "after": after(ctx.as_of), "shift": f"+{days} days"}
    citation = ctx.citation()
    for row in rows(ctx.db, sql, named):
        waited = row["waited"]
        yield ctx.finding(
            "due" if as_of <= row["due"] else "overdue",
            f"The parent's request {row['id']} of {row['requested_on']} for a conference with "
            f"the {row['with_whom']} has no conference arranged {waited} "
            f"day{'' if waited == 1 else 's'} after it was taken ({days} days allowed)",
            student_id=row["student_id"],
            school_id=row["school_id"],
            due=row["due"],
            citation=citation,
        )


ARRANGE_PARENT_REQUEST = Rule(
    id="arrange-parent-request",
    title="A parent's request for a conference is arranged promptly",
    citation="Board Policy P1471, item 1",
    evaluate=evaluate_arrange,
    settings={"arrange_within_days": 5},
)
