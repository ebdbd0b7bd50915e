"""The skeleton holds: a district can be created and a small one evaluated."""

import polterm_clinton_6310
import polterm_p1471
from polterm.testing import District


def test_an_empty_district_has_no_findings():
    assert District().check("2025-10-01") == []


def test_a_test_district_evaluates_only_the_policies_it_names() -> None:
    plugins = [polterm_clinton_6310, polterm_p1471]
    d = District(policies=["p1471"], plugins=plugins)
    school = d.school()
    d.student(school=school)
    d.add("parent_request", id="R1", student_id="stu2", requested_on="2025-09-01",
          with_whom="teacher")  # fmt: skip
    assert {f.policy for f in d.check("2025-10-01")} == {"p1471"}
