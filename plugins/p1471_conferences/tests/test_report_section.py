"""The involvement report's P1471 part: parent requests and how fast they were arranged."""

from __future__ import annotations

from datetime import date

import polterm_p1471
from polterm.policy import ReportRequest, RuleContext
from polterm.testing import District


def test_report_section_counts_requests_and_days_to_the_conference(district: District) -> None:
    school = district.school()
    other_school = district.school()
    student = district.student(school=school)
    for rid, taken, conference_on in (
        ("r1", "2025-09-01", "2025-09-04"),  # 3 days
        ("r2", "2025-09-10", "2025-09-20"),  # 10 days
        ("r3", "2025-10-01", "2025-10-06"),  # 5 days
        ("r4", "2025-10-20", None),  # still open
    ):
        district.add(
            "parent_request", id=rid, student_id=student, requested_on=taken, with_whom="teacher"
        )
        if conference_on:
            district.conference(student, "parent-teacher", conference_on, request_id=rid)
    district.add(
        "parent_request",
        id="elsewhere",
        student_id=district.student(school=other_school),
        requested_on="2025-09-01",
        with_whom="teacher",
    )
    district.add(
        "parent_request",
        id="later",
        student_id=student,
        requested_on="2025-11-02",
        with_whom="teacher",
    )
    report = ReportRequest(
        school, "2025-2026", date(2025, 8, 27), date(2026, 6, 12), date(2025, 11, 1)
    )
    ctx = RuleContext(db=district.db, as_of=report.as_of, policy=polterm_p1471.POLICY)
    [section] = polterm_p1471.polterm_report_sections(report=report, ctx=ctx)
    assert section.policy == "p1471"
    assert section.facts == {"conference within 5 days of the request": 2}
    assert [row["id"] for row in section.tables["open requests"]] == ["r4"]
