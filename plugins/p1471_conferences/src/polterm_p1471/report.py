"""P1471's part of the involvement report: how fast parents' requests were arranged."""

from __future__ import annotations

from datetime import date

from polterm.policy import ReportRequest, ReportSection, RuleContext
from polterm_p1471.info import POLICY
from polterm_p1471.query import rows
from polterm_p1471.requests import ARRANGE_PARENT_REQUEST
from polterm_p1471.settings import configured


def request_section(report: ReportRequest, ctx: RuleContext) -> ReportSection:
    """Item 1's own figures (arranged in time, who still waits); the core counts requests."""
    days = int(configured(ctx.db, ARRANGE_PARENT_REQUEST)["arrange_within_days"])
    until = min(report.end, report.as_of).isoformat()
    sql = """
        SELECT r.id, r.student_id, substr(r.requested_on, 1, 10) AS requested_on, r.with_whom,
               (SELECT min(substr(c.at, 1, 10)) FROM conference c WHERE c.request_id = r.id)
                   AS conference_on
        FROM parent_request r JOIN student s ON s.id = r.student_id
        WHERE s.school_id = :school AND substr(r.requested_on, 1, 10) BETWEEN :start AND :until
        ORDER BY requested_on, r.id"""
    found = list(
        rows(
            ctx.db,
            sql,
            {"school": report.school_id, "start": report.start.isoformat(), "until": until},
        )
    )
    waits = [
        (date.fromisoformat(r["conference_on"]) - date.fromisoformat(r["requested_on"])).days
        for r in found
        if r["conference_on"]
    ]
    still_open = [r for r in found if not r["conference_on"]]
    return ReportSection(
        title="Parent-initiated conference requests (P1471 item 1)",
        facts={f"conference within {days} days of the request": sum(w <= days for w in waits)},
        tables={
            "open requests": [
                {k: r[k] for k in ("id", "student_id", "requested_on", "with_whom")}
                for r in still_open
            ]
        },
        policy=POLICY.name,
    )
