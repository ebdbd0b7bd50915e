"""patron-privacy: no guardian of another family of the school attends, unless approved (3a)."""

from __future__ import annotations

from polterm.testing import District

RULE = "patron-privacy"


def _family(d: District) -> tuple[str, str, str]:
    """A student at an elementary school, with a parent-initiated principal conference."""
    school = d.school()
    student = d.student(school=school)
    d.guardian(student, name="Parent One")
    return school, student, d.staff("principal", school)


def _meet(d: District, student: str, principal: str, attendee: str, **fields) -> int:
    fields.setdefault("initiated_by", "parent")
    return d.conference(
        student,
        "parent-principal",
        "2025-10-01",
        staff=[principal],
        attendees=[("Visitor", attendee)],
        **fields,
    )


def test_patron_privacy_guardian_of_a_sibling_at_the_same_school_is_no_warning(
    district: District,
) -> None:
    school, student, principal = _family(district)
    sibling = district.student(school=school)
    parent = district.guardian(student, sibling)
    _meet(district, student, principal, parent)
    assert district.check("2025-10-02", rule=RULE) == []


def test_patron_privacy_guardian_of_an_unrelated_student_of_the_school_is_a_warning(
    district: District,
) -> None:
    school, student, principal = _family(district)
    neighbour = district.guardian(district.student(school=school))
    cid = _meet(district, student, principal, neighbour)
    [finding] = district.check("2025-10-02", rule=RULE)
    assert (finding.status, finding.conference_id) == ("warning", cid)
    assert (finding.student_id, finding.school_id) == (student, school)
    assert "Visitor" in finding.message


def test_patron_privacy_guardian_of_a_student_at_another_school_is_no_warning(
    district: District,
) -> None:
    _, student, principal = _family(district)
    elsewhere = district.guardian(district.student(school=district.school()))
    _meet(district, student, principal, elsewhere)
    assert district.check("2025-10-02", rule=RULE) == []


def test_patron_privacy_principal_approval_clears_the_warning(district: District) -> None:
    school, student, principal = _family(district)
    neighbour = district.guardian(district.student(school=school))
    _meet(district, student, principal, neighbour, principal_approved=1)
    assert district.check("2025-10-02", rule=RULE) == []


def test_patron_privacy_default_scope_leaves_teacher_conferences_alone(
    district: District,
) -> None:
    school, student, principal = _family(district)
    neighbour = district.guardian(district.student(school=school))
    _meet(district, student, principal, neighbour, initiated_by="teacher")
    assert district.check("2025-10-02", rule=RULE) == []


def test_patron_privacy_follows_the_scope_set_for_conference_size(district: District) -> None:
    school, student, principal = _family(district)
    neighbour = district.guardian(district.student(school=school))
    _meet(district, student, principal, neighbour, initiated_by="teacher")
    district.setting("p1471", "conference-size", "scope", "all")
    assert len(district.check("2025-10-02", rule=RULE)) == 1
    district.setting("p1471", RULE, "scope", "parent-principal")
    assert district.check("2025-10-02", rule=RULE) == []
