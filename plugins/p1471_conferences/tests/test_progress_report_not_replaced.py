"""progress-report-not-replaced: a conference never replaces the Progress Report (item 6)."""

from __future__ import annotations

from polterm.testing import District

RULE = "progress-report-not-replaced"


def _pupil(d: District, level: str = "elementary", period_school: bool = True) -> tuple[str, str]:
    school = d.school(level=level)
    d.add(
        "period",
        id="q1",
        school_id=school if period_school else None,
        kind="grading",
        name="Q1",
        start="2025-08-27",
        end="2025-10-31",
    )
    return school, d.student(school=school)


def test_progress_report_not_replaced_missing_report_on_the_period_end_is_overdue(
    district: District,
) -> None:
    school, student = _pupil(district)
    [finding] = district.check("2025-10-31", rule=RULE)
    assert (finding.status, finding.due) == ("overdue", "2025-10-31")
    assert (finding.student_id, finding.school_id) == (student, school)
    assert "Q1" in finding.message and "conference" not in finding.message
    assert finding.citation.startswith("Board Policy P1471, item 6")


def test_progress_report_not_replaced_period_not_ended_yet(district: District) -> None:
    _pupil(district)
    assert district.check("2025-10-30", rule=RULE) == []


def test_progress_report_not_replaced_issued_report_satisfies_it(district: District) -> None:
    _, student = _pupil(district)
    district.add("progress_report", student_id=student, period_id="q1", issued_on="2025-11-03")
    assert district.check("2025-11-03", rule=RULE) == []
    assert len(district.check("2025-11-02", rule=RULE)) == 1  # issued after the as-of date


def test_progress_report_not_replaced_report_handed_over_at_a_conference(
    district: District,
) -> None:
    _, student = _pupil(district)
    cid = district.conference(student, "parent-teacher", "2025-11-05", initiated_by="teacher")
    district.add(
        "progress_report",
        student_id=student,
        period_id="q1",
        issued_on="2025-11-05",
        conference_id=cid,
    )
    assert district.check("2025-11-05", rule=RULE) == []


def test_progress_report_not_replaced_conference_held_without_report_says_so(
    district: District,
) -> None:
    _, student = _pupil(district)
    district.conference(student, "parent-teacher", "2025-10-15", initiated_by="teacher")
    [finding] = district.check("2025-11-01", rule=RULE)
    assert "conference was held on 2025-10-15" in finding.message


def test_progress_report_not_replaced_1806_approval(district: District) -> None:
    _, student = _pupil(district)
    district.add("approval_1806", student_id=student, period_id="q1", approved_on="2025-10-20")
    assert district.check("2025-11-01", rule=RULE) == []
    assert len(district.check("2025-10-31", rule=RULE)) == 0
    district.db["approval_1806"].update(1, {"approved_on": "2025-11-10"})
    assert len(district.check("2025-11-01", rule=RULE)) == 1  # approved after the as-of date


def test_progress_report_not_replaced_district_wide_period_covers_every_school(
    district: District,
) -> None:
    _pupil(district, period_school=False)
    assert len(district.check("2025-11-01", rule=RULE)) == 1


def test_progress_report_not_replaced_only_elementary_and_active_students(
    district: District,
) -> None:
    _pupil(district, level="middle", period_school=False)
    elementary = district.school()
    district.student(school=elementary, active=False)
    assert district.check("2025-11-01", rule=RULE) == []
