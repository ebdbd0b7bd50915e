"""The listing commands scripts use: schools, staff, students, a student, remote periods."""

from __future__ import annotations

from polterm.errors import PermissionDenied
from polterm.services import authz


def test_school_list_counts_active_students(district):
    schools = district("school", "list", "--format", "json").json()
    assert [(s["id"], s["level"], s["students"]) for s in schools] == [
        ("oak", "elementary", 1),
        ("pine", "high", 1),
    ]


def test_staff_list_filters_by_school_and_role(district):
    rows = district("staff", "list", "--school", "oak", "--format", "json").json()
    assert [s["id"] for s in rows] == ["t1", "p1"]
    rows = district("staff", "list", "--role", "principal", "--format", "json").json()
    assert [s["id"] for s in rows] == ["p1"]


def test_student_list_filters(district):
    def ids(*options: str) -> list[str]:
        return [s["id"] for s in district("student", "list", *options, "--format", "json").json()]

    assert ids() == ["s2", "s1"]  # by family name: Chen, Rivera
    assert ids("--school", "oak") == ["s1"]
    assert ids("--grade", "10") == ["s2"]
    assert ids("--teacher", "t1") == ["s1"]
    assert ids("--search", "riv") == ["s1"]
    assert ids("--search", "Lia Chen") == ["s2"]
    assert ids("--search", "nobody") == []


def test_student_show_has_guardians_contact_and_conferences(district):
    district("emergency-contact", "set", "--student", "s1", "--name", "Pat Aunt",
             "--phone", "555-0199")  # fmt: skip
    shown = district("student", "show", "s1", "--format", "json").json()
    assert (shown["given"], shown["family"], shown["grade"]) == ("Sam", "Rivera", "3")
    [guardian] = shown["guardians"]
    assert (guardian["id"], guardian["language"], guardian["interpreter"]) == ("g1", "es", True)
    assert shown["emergency_contact"]["name"] == "Pat Aunt"
    assert [c["kind"] for c in shown["conferences"]] == ["parent-teacher"]


def test_student_show_of_an_unknown_id_exits_2(district):
    result = district("student", "show", "ghost")
    assert result.code == 2 and "'ghost'" in result.err


def test_remote_period_list_shows_open_and_ended_periods(district):
    district("remote-period", "add", "--start", "2026-01-05", "--end", "2026-02-20",
             "--school", "pine")  # fmt: skip
    rows = district("remote-period", "list", "--format", "json").json()
    assert [(r["school_id"], r["start"], r["end"]) for r in rows] == [
        ("pine", "2026-01-05", "2026-02-20"),
        (None, "2025-10-01", None),
    ]
    assert rows[0]["days"] == 47


def test_emergency_contact_requested_keeps_a_contact_on_file(district):
    district("emergency-contact", "set", "--student", "s1", "--name", "Pat", "--phone", "555-0199")
    district("emergency-contact", "requested", "--student", "s1", "--on", "2025-09-01")
    contact = district("student", "show", "s1", "--format", "json").json()["emergency_contact"]
    assert (contact["name"], contact["requested_on"]) == ("Pat", "2025-09-01")


def test_student_show_hides_contact_details_from_those_who_may_not_read_them(district, monkeypatch):
    def no_contacts(session, action, **scope):
        if action == "contact.read":
            raise PermissionDenied("not for you")

    monkeypatch.setattr(authz, "check", no_contacts)
    district("emergency-contact", "set", "--student", "s1", "--name", "Pat", "--phone", "555-0199")
    result = district("student", "show", "s1", "--format", "json")
    assert "555-01" not in result.out and "@example.org" not in result.out
    assert result.json()["guardians"][0]["name"] == "Max Rivera"


def test_conference_show_hides_notes_from_those_who_may_not_read_them(district, monkeypatch):
    def no_notes(session, action, **scope):
        if action == "conference.notes.read":
            raise PermissionDenied("not for you")

    district("conference", "update", "1", "--problem", "Private matter", "--notes", "Sensitive")
    monkeypatch.setattr(authz, "check", no_notes)
    shown = district("conference", "show", "1", "--format", "json").json()
    assert "Private matter" not in str(shown) and "Sensitive" not in str(shown)
    assert shown["kind"] == "parent-teacher"
