"""One refusal for "does not exist or you may not see it": a refused id tells nobody whether
it exists, and a refusal about a conference never names its student."""

from __future__ import annotations

import pytest

from polterm.errors import PermissionDenied
from polterm.services import people, views
from polterm.services.views import StudentFilter
from tests.security.conftest import SAT_IN, STAFF, session_for
from tests.security.test_roles import EXPECTED

LIMITED = [s for s in STAFF if EXPECTED[s][1] != {"s1", "s2", "s3", "s4"}]
# commands that name one record, with the id slot as {}
SHOW = {
    "student": ["student", "show", "{}"],
    "conference": ["conference", "show", "{}"],
    "conference update": ["conference", "update", "{}", "--status", "held"],
    "document": ["document", "provided", "--conference", "{}", "--on", "2025-09-20"],
    "requests of a student": ["request", "list", "--student", "{}"],
    "contact attempt": ["attempt", "add", "--student", "{}", "--on", "2025-09-03",
                        "--method", "phone", "--outcome", "no-answer", "--purpose", "other"],
}  # fmt: skip


def _hidden(staff: str, command: str) -> tuple[str, str]:
    """A record out of the staff member's reach, and an id that names nothing."""
    other = "s1" if "s3" in EXPECTED[staff][1] else "s3"  # another class's or school's student
    if command.startswith(("conference", "document")):
        return other[1], "99"  # conference n is about student sn
    return other, "s9"


@pytest.mark.parametrize(("staff", "command"), [(s, c) for s in LIMITED for c in SHOW])
def test_a_missing_record_and_one_out_of_reach_get_the_same_refusal(as_it, staff, command):
    out_of_reach, missing = _hidden(staff, command)
    args = SHOW[command]
    seen = as_it(*[a.format(out_of_reach) for a in args], "--as", staff)
    absent = as_it(*[a.format(missing) for a in args], "--as", staff)
    assert seen.code == absent.code == 2 and seen.out == absent.out == ""
    assert seen.err.replace(out_of_reach, "ID") == absent.err.replace(missing, "ID"), (
        seen.err,
        absent.err,
    )
    assert "does not exist or you may not see it" in seen.err


@pytest.mark.parametrize("staff", ["t1", "tp", "o1", "p1"])
def test_refusals_about_a_conference_never_name_its_student(as_it, staff):
    conference = "3" if staff != "tp" else "1"  # another school's, or another class's
    for args in (
        ["conference", "show", conference],
        ["conference", "update", conference, "--notes", "x"],
        ["document", "provided", "--conference", conference, "--on", "2025-09-20"],
    ):
        result = as_it(*args, "--as", staff)
        assert result.code == 2, result.err
        for word in ("s1", "s3", "Kid", "Fam", "Parent"):
            assert word not in result.err, (args, result.err)


def test_sitting_in_on_a_conference_does_not_open_the_student_to_the_teacher(as_it):
    assert as_it("conference", "show", str(SAT_IN), "--as", "t1").code == 2
    assert as_it("student", "show", "s2", "--as", "t1").code == 2


@pytest.mark.parametrize("staff", ["t1", "t2", "tp"])
def test_a_teacher_reaches_no_student_without_a_teacher(world, staff):
    session = session_for(world, staff)
    assert "s4" not in {s["id"] for s in people.list_students(session)}
    assert "s4" not in {s["id"] for s in views.student_page(session, StudentFilter())}
    assert "s4" not in {s["id"] for s in views.search_students(session, "Kid")}
    with pytest.raises(PermissionDenied, match="'s4' does not exist or you may not see it"):
        people.show_student(session, "s4")


def test_a_request_out_of_reach_is_refused_like_one_that_does_not_exist(as_it):
    args = ["conference", "add", "--student", "s1", "--kind", "parent-teacher",
            "--at", "2025-10-01T09:00", "--as", "t1", "--request"]  # fmt: skip
    seen, absent = as_it(*args, "req2"), as_it(*args, "req9")
    assert seen.code == absent.code == 2
    assert seen.err.replace("req2", "ID") == absent.err.replace("req9", "ID")
    assert "does not exist or you may not see it" in seen.err and "s2" not in seen.err
