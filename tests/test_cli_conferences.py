"""Conferences from the command line: every field of `add`, `update` replacing lists,
kinds limited to the active policies, and the list and show commands scripts read."""

from __future__ import annotations

from datetime import date, timedelta

FULL = [
    "conference", "add", "--student", "s1", "--kind", "parent-principal",
    "--at", "2025-10-01T08:30", "--status", "held", "--modality", "video", "--remote-offered",
    "--initiated-by", "parent", "--staff", "t1", "--staff", "p1",
    "--attendee", "Max Rivera:g1", "--attendee", "Ria Neighbor", "--request", "r1",
    "--principal-approved", "--group-size", "individual", "--planning", "advance",
    "--location", "Room 4", "--duration", "45", "--notes", "Brought report card",
    "--format", "json",
]  # fmt: skip


def test_add_records_every_field_and_show_returns_them(district):
    conference_id = district(*FULL).json()["id"]
    shown = district("conference", "show", str(conference_id), "--format", "json").json()
    assert {k: shown[k] for k in ("student_id", "kind", "at", "status", "modality")} == {
        "student_id": "s1",
        "kind": "parent-principal",
        "at": "2025-10-01T08:30",
        "status": "held",
        "modality": "video",
    }
    assert shown["remote_offered"] is True and shown["principal_approved"] is True
    assert (shown["initiated_by"], shown["request_id"]) == ("parent", "r1")
    assert (shown["group_size"], shown["planning"]) == ("individual", "advance")
    assert (shown["location"], shown["duration_minutes"]) == ("Room 4", 45)
    assert shown["notes"] == "Brought report card"
    assert sorted(s["id"] for s in shown["staff"]) == ["p1", "t1"]
    assert shown["attendees"] == [
        {"name": "Max Rivera", "guardian_id": "g1"},
        {"name": "Ria Neighbor", "guardian_id": None},
    ]


def test_update_changes_only_what_is_given_and_replaces_the_lists(district):
    conference_id = str(district(*FULL).json()["id"])
    result = district(
        "conference", "update", conference_id, "--staff", "p1", "--attendee", "Max Rivera:g1",
        "--problem", "Bus arrives late", "--solutions", "Earlier route; escort",
        "--plan", "Try the earlier route for a month", "--support", "school,parent",
        "--no-remote-offered", "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.json() == {"id": int(conference_id), "version": 2}
    shown = district("conference", "show", conference_id, "--format", "json").json()
    assert [s["id"] for s in shown["staff"]] == ["p1"]
    assert shown["attendees"] == [{"name": "Max Rivera", "guardian_id": "g1"}]
    assert shown["support"] == ["parent", "school"]
    assert shown["plan"] == "Try the earlier route for a month"
    assert shown["remote_offered"] is False
    assert (shown["modality"], shown["notes"], shown["request_id"]) == (
        "video",
        "Brought report card",
        "r1",
    )


def test_an_empty_staff_option_empties_the_list(district):
    assert district("conference", "update", "1", "--staff", "").code == 0
    assert district("conference", "show", "1", "--format", "json").json()["staff"] == []


def test_update_refuses_a_stale_version(district):
    assert district("conference", "update", "1", "--status", "held").code == 0
    before = district.dump()
    stale = district(
        "conference", "update", "1", "--status", "cancelled", "--expected-version", "1"
    )
    assert stale.code == 2 and "changed by" in stale.err
    assert district.dump() == before


def test_a_kind_of_a_policy_the_district_has_not_switched_on_is_refused(fresh):
    assert fresh("init", "--district", "P only", "--policy", "p1471").code == 0
    for args in (
        ["school", "add", "--id", "oak", "--name", "Oak", "--level", "elementary"],
        ["student", "add", "--id", "s1", "--given", "A", "--family", "B", "--grade", "2",
         "--school", "oak"],
    ):  # fmt: skip
        assert fresh(*args).code == 0
    at = ["--student", "s1", "--at", "2025-10-01T08:30"]
    refused = fresh("conference", "add", "--kind", "flexible", *at)
    assert refused.code == 2 and "'flexible'" in refused.err and "parent-teacher" in refused.err
    assert fresh("conference", "add", "--kind", "parent-teacher", *at).code == 0


def test_both_policies_kinds_are_accepted_when_both_are_active(district):
    for day, kind in enumerate(("flexible", "remote-learning", "parent-student-teacher"), 1):
        result = district(
            "conference", "add", "--student", "s2", "--kind", kind, "--at", f"2025-10-0{day}T08:30"
        )
        assert result.code == 0, result.err


def test_conference_list_filters_by_student_staff_and_dates(district):
    district(*FULL)
    district("conference", "add", "--student", "s2", "--kind", "parent-teacher",
             "--at", "2025-12-01T09:00")  # fmt: skip

    def ids(*options: str) -> list[int]:
        return [
            c["id"] for c in district("conference", "list", *options, "--format", "json").json()
        ]

    assert ids() == [1, 2, 3]
    assert ids("--student", "s1") == [1, 2]
    assert ids("--staff", "p1") == [2]
    assert ids("--from", "2025-09-15", "--to", "2025-12-01") == [2, 3]
    assert ids("--to", "2025-09-10") == [1]


def test_the_table_lists_what_the_json_does(district):
    table = district("conference", "list").out.splitlines()
    assert table[0].split() == ["id", "at", "student_id", "student", "kind", "status", "modality"]
    assert table[1].split()[:3] == ["1", "2025-09-10T15:00", "s1"]


def test_a_linked_request_shows_as_arranged(district):
    district(*FULL)
    requests = {r["id"]: r for r in district("request", "list", "--format", "json").json()}
    assert (requests["r1"]["conference_id"], requests["r2"]["conference_id"]) == (2, None)
    open_ones = district("request", "list", "--open", "--format", "json").json()
    assert [r["id"] for r in open_ones] == ["r2"]


def test_document_provided_shows_on_the_conference(district):
    assert district("document", "provided", "--conference", "1", "--on", "2025-09-08").code == 0
    shown = district("conference", "show", "1", "--format", "json").json()
    assert shown["documents_provided"] == ["2025-09-08"]


def test_a_conference_dated_after_today_cannot_be_marked_held(district):
    ahead = (date.today() + timedelta(days=7)).isoformat()
    at = ["--student", "s1", "--kind", "parent-teacher", "--at", f"{ahead}T15:00"]
    before = district.dump()
    refused = district("conference", "add", *at, "--status", "held")
    assert refused.code == 2
    assert f"--status held: the conference is dated {ahead}, after today" in refused.err
    assert district.dump() == before
    new = str(district("conference", "add", *at, "--format", "json").json()["id"])
    refused = district("conference", "update", new, "--status", "held")
    assert refused.code == 2 and f"dated {ahead}" in refused.err
    today = date.today().isoformat()
    moved = district("conference", "update", new, "--status", "held", "--at", f"{today}T08:00")
    assert moved.code == 0, moved.err  # held on its day: today


def test_a_conference_with_no_staff_is_saved_with_a_warning(district):
    at = ["--student", "s1", "--kind", "parent-teacher", "--at", "2025-10-01T08:30"]
    run = district("conference", "add", *at, "--format", "json")
    assert run.code == 0 and run.json() == {"id": 2}
    assert run.err == (
        "Warning (conference 2): No staff member is named: nobody from the school is down to "
        "meet the parent (--staff ID)\n"
    )
    staffed = [*at[:-1], "2025-10-02T08:30", "--staff", "t1"]
    assert district("conference", "add", *staffed).err == ""
    emptied = district("conference", "update", "1", "--staff", "")
    assert emptied.code == 0 and "Warning (conference 1): No staff member" in emptied.err
