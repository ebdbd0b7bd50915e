"""conference-size: at most 6 people (staff present plus other attendees), item 3a."""

from __future__ import annotations

from polterm.testing import District

RULE = "conference-size"


def _conference(d: District, people: int, kind: str = "parent-principal", **fields) -> int:
    """A conference of `people` in all: two staff, the rest other attendees."""
    school = d.school()
    student = d.student(school=school)
    staff = [d.staff("principal", school), d.staff("teacher", school)]
    others = [(f"Attendee {i}", None) for i in range(people - len(staff))]
    fields.setdefault("initiated_by", "parent")
    return d.conference(student, kind, "2025-10-01", staff=staff, attendees=others, **fields)


def test_conference_size_exactly_6_is_within_the_limit(district: District) -> None:
    _conference(district, 6)
    assert district.check("2025-10-02", rule=RULE) == []


def test_conference_size_7_is_a_warning(district: District) -> None:
    cid = _conference(district, 7)
    [finding] = district.check("2025-10-02", rule=RULE)
    assert (finding.status, finding.conference_id, finding.due) == ("warning", cid, None)
    assert "7 people" in finding.message and "2 staff" in finding.message
    assert finding.citation.startswith("Board Policy P1471, item 3a")


def test_conference_size_scheduled_conference_ahead_is_warned_too(district: District) -> None:
    _conference(district, 7, status="scheduled")
    assert len(district.check("2025-09-01", rule=RULE)) == 1


def test_conference_size_cancelled_conference_is_not_warned(district: District) -> None:
    _conference(district, 7, status="cancelled")
    assert district.check("2025-10-02", rule=RULE) == []


def test_conference_size_default_scope_is_parent_initiated_principal_conferences(
    district: District,
) -> None:
    _conference(district, 7, initiated_by="principal")
    _conference(district, 7, kind="parent-teacher")
    assert district.check("2025-10-02", rule=RULE) == []


def test_conference_size_scope_all_covers_every_conference(district: District) -> None:
    cid = _conference(district, 7, kind="parent-teacher", initiated_by="teacher")
    district.setting("p1471", RULE, "scope", "all")
    assert [f.conference_id for f in district.check("2025-10-02", rule=RULE)] == [cid]


def test_conference_size_max_attendees_override(district: District) -> None:
    _conference(district, 6)
    district.setting("p1471", RULE, "max_attendees", 5)
    assert len(district.check("2025-10-02", rule=RULE)) == 1
    district.setting("p1471", RULE, "max_attendees", 6)
    assert district.check("2025-10-02", rule=RULE) == []


def test_conference_size_bad_scope_setting_is_an_error_of_both_rules_that_share_it(
    district: District,
) -> None:
    _conference(district, 7)
    district.setting("p1471", RULE, "scope", "everything")
    errors = [str(e) for e in district.evaluate("2025-10-02").errors]
    assert len(errors) == 2 and all("everything" in e and "scope" in e for e in errors)
    assert "conference-size" in errors[0] and "patron-privacy" in errors[1]
