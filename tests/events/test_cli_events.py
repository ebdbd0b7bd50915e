"""The `section`, `enroll`, `event` and `interpreter` commands of CONTRACT.md: they record what
they are given; bad input exits 2 with one line naming the bad value and changes nothing."""

from __future__ import annotations

import sqlite3

import pytest

from tests.events.checker import violations

BAD = [
    (["section", "add", "--id", "bio", "--school", "pine", "--title", "Again"], "'bio'"),
    (["section", "add", "--id", "x", "--school", "nope", "--title", "X"], "'nope'"),
    (["section", "add", "--id", "x", "--school", "pine", "--title", "X", "--teacher", "t1"],
     "'t1'"),
    (["enroll", "--section", "bio", "--student", "s1"], "'s1'"),
    (["enroll", "--section", "ghost", "--student", "s2"], "'ghost'"),
    (["event", "add", "--id", "x", "--name", "X", "--kind", "tea", "--day",
      "2025-11-10:16:00-18:00"], "'tea'"),
    (["event", "add", "--id", "x", "--name", "X", "--kind", "flexible", "--day",
      "2025-11-10:18:00-16:00"], "2025-11-10:18:00-16:00"),
    (["event", "add", "--id", "x", "--name", "X", "--kind", "flexible", "--day",
      "2025-11-10:16:00-18:00", "--break", "5pm"], "'5pm'"),
    (["event", "add", "--id", "x", "--name", "X", "--kind", "flexible", "--day",
      "2025-11-10:16:00-18:00", "--modality", "pigeon"], "'pigeon'"),
    (["event", "add", "--id", "x", "--name", "X", "--kind", "flexible", "--day",
      "2025-11-10:16:00-18:00", "--slot", "0"], "--slot 0"),
    (["event", "unavailable", "--event", "fall", "--staff", "h1", "--day", "2025-11-12"],
     "'2025-11-12'"),
    (["event", "request", "--event", "fall", "--student", "s2", "--prefer", "noon"], "'noon'"),
    (["event", "request", "--event", "fall", "--student", "s2", "--priority", "7"], "7"),
    (["interpreter", "add", "--id", "i2", "--name", "X", "--language", "Spanish"], "'Spanish'"),
    (["interpreter", "available", "--id", "i1", "--event", "fall", "--day", "2025-11-10",
      "--from", "17:00", "--to", "16:00"], "16:00"),
    (["event", "plan", "ghost"], "'ghost'"),
    (["event", "plan", "fall", "--time-limit", "0"], "--time-limit 0"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "named"), BAD, ids=[" ".join(a[:3]) for a, _ in BAD])
def test_bad_input_exits_2_naming_the_value_and_changes_nothing(planned, args, named):
    before = planned.dump()
    result = planned(*args)
    assert result.code == 2, result.err
    assert named in result.err and len(result.err.strip().splitlines()) == 1
    assert planned.dump() == before


def test_event_list_prints_the_contract_shape(planned):
    assert planned("event", "list", "--format", "json").json() == [
        {"id": "fall", "name": "Fall conferences", "kind": "flexible",
         "days": ["2025-11-10:16:00-18:00"], "schools": ["oak", "pine"]}
    ]  # fmt: skip


def test_event_plan_json_has_the_contract_keys_and_writes_checked_conferences(planned):
    result = planned("event", "plan", "fall", "--format", "json", "--time-limit", "3")
    assert result.code == 0, result.err
    data = result.json()
    assert {"event", "requested", "placed", "unplaced", "family_wait_minutes",
            "visits_per_family", "solver", "baseline"} <= set(data)  # fmt: skip
    assert set(data["solver"]) == {"status", "objective", "bound", "gap", "seconds"}
    assert set(data["baseline"]) == {"placed", "family_wait_minutes", "visits_per_family"}
    assert data["requested"] == 2 and data["placed"] == 2  # s1 with t1, s2 with h1
    rows = planned.rows(
        "SELECT c.student_id, c.at, c.kind, c.request_id, c.remote_offered, a.guardian_id, "
        "m.interpreter_id FROM conference c JOIN event_meeting m ON m.conference_id = c.id "
        "JOIN conference_attendee a ON a.conference_id = c.id ORDER BY c.student_id"
    )
    # s1's parent asked for an interpreter (es); s2 prefers late, and h1 is away until 16:30
    assert rows[0][0] == "s1" and rows[0][5] == "g1" and rows[0][6] == "i1"
    assert rows[0][3] == "r1"  # the open P1471 request is linked, so arranged
    assert rows[1][0] == "s2" and rows[1][1] >= "2025-11-10T17:00" and rows[1][4] == 1
    conn = sqlite3.connect(planned.path)
    assert violations(conn, "fall") == []
    ids = {i for (i,) in planned.rows("SELECT conference_id FROM event_meeting")}
    check = planned("check", "--as-of", "2025-11-10", "--format", "json").json()
    warned = {f["conference_id"] for f in check["findings"] if f["rule"] == "remote-option-offered"}
    assert len(ids) == 2 and not ids & warned
    assert not [f for f in check["findings"] if f["rule"] == "arrange-parent-request"
                and f["student_id"] == "s1"]  # fmt: skip


def test_a_dry_run_writes_nothing(planned):
    before = planned.dump()
    result = planned("event", "plan", "fall", "--dry-run", "--time-limit", "2")
    assert result.code == 0 and "Dry run" in result.out and "Solver:" in result.out
    assert planned.dump() == before


def test_office_staff_move_a_guardian_into_another_household(planned):
    assert (
        planned("guardian", "add", "--id", "g3", "--student", "s2", "--name", "Ola Chen").code == 0
    )
    before = {f["household"] for f in planned("family", "list", "--format", "json").json()}
    assert {"guardian:g2", "guardian:g3"} <= before
    result = planned("family", "set", "--guardian", "g3", "--household", "guardian:g2")
    assert result.code == 0, result.err
    families = planned("family", "list", "--student", "s2", "--format", "json").json()
    assert families == [
        {"household": "guardian:g2", "guardians": ["Kim Chen (g2)", "Ola Chen (g3)"],
         "students": ["s2"]}
    ]  # fmt: skip
    assert planned("family", "set", "--guardian", "g404", "--household", "H").code == 2


def test_a_meeting_booked_by_hand_is_checked_and_kept_by_the_plan(planned):
    before = planned.dump()
    refused = planned("event", "book", "--event", "fall", "--student", "s2", "--staff", "h1",
                      "--at", "2025-11-10T16:10")  # fmt: skip
    assert refused.code == 2 and "teacher full" in refused.err and planned.dump() == before
    booked = planned("event", "book", "--event", "fall", "--student", "s2", "--staff", "h1",
                     "--at", "2025-11-10T17:40", "--format", "json")  # fmt: skip
    assert booked.code == 0, booked.err
    conference = booked.json()["id"]
    assert planned("event", "plan", "fall", "--reshuffle", "--time-limit", "2").code == 0
    shown = planned("event", "show", "fall", "--student", "s2", "--format", "json").json()
    assert [(m["id"], m["at"], m["booked"]) for m in shown] == [
        (conference, "2025-11-10T17:40", "hand")]  # fmt: skip
    again = planned("event", "book", "--event", "fall", "--student", "s2", "--staff", "h1",
                    "--at", "2025-11-10T17:50")  # fmt: skip
    assert again.code == 2 and "already booked" in again.err


BOOK = ["event", "book", "--event", "fall", "--format", "json"]


def test_a_double_meeting_by_hand_takes_two_slots_in_a_row_or_is_refused(planned):
    before = planned.dump()
    # oak's 20-minute slots: 16:40 is followed by the break, so a double does not fit there
    refused = planned(*BOOK, "--student", "s1", "--staff", "t1", "--at", "2025-11-10T16:40",
                      "--double")  # fmt: skip
    assert refused.code == 2 and "no room in the day" in refused.err and planned.dump() == before
    booked = planned(*BOOK, "--student", "s1", "--staff", "t1", "--at", "2025-11-10T16:00",
                     "--double")  # fmt: skip
    assert booked.code == 0, booked.err
    assert planned.rows(
        "SELECT c.duration_minutes, m.interpreter_id, m.planned FROM conference c "
        "JOIN event_meeting m ON m.conference_id = c.id WHERE c.id = ?", (booked.json()["id"],)
    ) == [(40, "i1", 0)]  # fmt: skip


def test_the_interpreter_chosen_by_hand_is_checked_as_typed(planned):
    for args in (
        ["interpreter", "add", "--id", "i2", "--name", "Fred Fr", "--language", "fr"],
        ["interpreter", "add", "--id", "i3", "--name", "Eva Es", "--language", "es"],
        ["interpreter", "available", "--id", "i3", "--event", "fall", "--day", "2025-11-10",
         "--from", "17:00", "--to", "18:00"],
        ["guardian", "add", "--id", "g5", "--student", "s2", "--name", "Rosa Chen",
         "--language", "es", "--interpreter"],
        ["family", "set", "--guardian", "g5", "--household", "guardian:g2"],
    ):  # fmt: skip
        assert planned(*args).code == 0, args
    s1 = ["--student", "s1", "--staff", "t1", "--at", "2025-11-10T16:00"]
    before = planned.dump()
    for interpreter, why in (
        ("i2", "interpreter 'i2' speaks fr, not es"),
        ("i3", "interpreter 'i3' is not available then"),
        ("i404", "'i404'"),
    ):
        refused = planned(*BOOK, *s1, "--interpreter", interpreter)
        assert refused.code == 2 and why in refused.err, refused.err
    assert planned.dump() == before
    assert planned(*BOOK, *s1, "--interpreter", "i1", "--double").code == 0
    s2 = ["--student", "s2", "--staff", "h1", "--at", "2025-11-10T16:30"]
    busy = planned(*BOOK, *s2, "--interpreter", "i1")
    assert busy.code == 2 and "interpreter 'i1' interprets another meeting then" in busy.err
    later = planned(*BOOK, "--student", "s2", "--staff", "h1", "--at", "2025-11-10T17:30",
                    "--interpreter", "i3")  # fmt: skip
    assert later.code == 0, later.err
    assert planned.rows("SELECT interpreter_id FROM event_meeting ORDER BY conference_id") == [
        ("i1",), ("i3",)]  # fmt: skip


def test_no_interpreter_is_booked_for_a_family_that_needs_none(planned):
    refused = planned(*BOOK, "--student", "s2", "--staff", "h1", "--at", "2025-11-10T17:30",
                      "--interpreter", "i1")  # fmt: skip
    assert refused.code == 2 and "household 'guardian:g2' needs no interpreter" in refused.err


def test_planned_meetings_recorded_held_lower_the_flexible_conferences_owed(planned):
    def held_counts() -> dict[str, str]:
        check = planned("check", "--as-of", "2025-11-11", "--format", "json").json()
        return {
            f["student_id"]: f["message"].split(" of ")[0]
            for f in check["findings"]
            if f["rule"] == "two-flexible-conferences"
        }

    assert held_counts() == {"s1": "0", "s2": "0"}
    assert planned("event", "plan", "fall", "--time-limit", "3").code == 0
    assert held_counts() == {"s1": "0", "s2": "0"}  # scheduled is not held
    for (conference,) in planned.rows("SELECT conference_id FROM event_meeting"):
        held = planned("conference", "update", str(conference), "--status", "held")
        assert held.code == 0, held.err
    assert held_counts() == {"s1": "1", "s2": "1"}


@pytest.mark.parametrize("share", [0.6, 0.0])
def test_the_plan_names_the_schools_whose_construction_ran_out_of_time(
    planned, monkeypatch, share
):
    monkeypatch.setattr("polterm.planning.run.BLOCKS_SHARE", share)
    data = planned("event", "plan", "fall", "--dry-run", "--format", "json").json()
    assert {r["school"]: r["hurried"] for r in data["schools"]} == {
        "oak": share == 0, "pine": share == 0
    }
    table = planned("event", "plan", "fall", "--dry-run", "--time-limit", "3").out
    assert ("Out of time in the block construction at oak, pine" in table) == (share == 0)
