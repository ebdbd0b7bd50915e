"""Policy 6310's part of the involvement report: conferences, § B figures, escalations."""

from __future__ import annotations

from datetime import date

import polterm_clinton_6310
from polterm.policy import ReportRequest, RuleContext
from polterm.testing import District


def test_report_section_figures_for_one_school_and_year(district: District) -> None:
    school, elsewhere = district.school(), district.school()
    a, b = district.student(school=school), district.student(school=school)
    district.student(school=school, active=False)
    district.conference(a, "flexible", "2025-10-01", modality="video")
    district.conference(a, "flexible", "2026-02-01")
    district.conference(b, "flexible", "2025-10-02", modality="video")
    district.conference(b, "flexible", "2025-10-03", status="scheduled")
    district.conference(district.student(school=elsewhere), "flexible", "2025-10-01")
    district.add("remote_period", start="2025-09-01", end="2025-12-31")
    district.conference(a, "remote-learning", "2025-11-01", modality="phone")
    district.add("escalation", student_id=b, made_on="2025-10-20")
    district.add("welfare_check", student_id=b, made_on="2025-10-22", outcome="well")
    request = ReportRequest(
        school, "2025-2026", date(2025, 8, 27), date(2026, 6, 12), as_of=date(2026, 3, 1)
    )
    ctx = RuleContext(db=district.db, as_of=request.as_of, policy=polterm_clinton_6310.POLICY)
    [section] = polterm_clinton_6310.polterm_report_sections(request, ctx)
    assert section.policy == "clinton_6310"
    assert section.facts == {
        "active students": 2,
        "students with 2 flexible conferences held": 1,
        "share of students with 2 flexible conferences held": 50.0,
        "remote-learning conferences required": 2,
        "remote-learning conferences held": 1,
        "remote-learning conferences overdue": 1,
        "escalations to the principal": 1,
        "welfare checks recorded": 1,
    }
    assert section.tables == {}  # meetings by kind and modality are the core report's
