"""`event preferences`: families' preferences from a CSV file, all checked before any is kept."""

from __future__ import annotations

import pytest

GOOD = (
    "\ufeffstudent_id,household,prefer,modality,double,note\r\n"
    's1,,early,phone,no,=HYPERLINK("x")\r\n'
    ",guardian:g2,2025-11-10,,yes,\r\n"
)

BAD = [
    ("ghost,,early,,\n", "3: student_id 'ghost' is not an active student"),
    ("s1,,noon,,\n", "3: prefer 'noon' is not early, late or a day"),
    ("s1,,2025-11-11,,\n", "3: prefer 2025-11-11 is not a day of the event"),
    ("s1,,,pigeon,\n", "3: modality 'pigeon' is not a modality"),
    ("s1,,,,maybe\n", "3: double 'maybe' is not yes, no or blank"),
    (",,early,,\n", "3: give either student_id or household"),
    ("s1,guardian:g1,early,,\n", "3: give either student_id or household"),
    (",guardian:nobody,early,,\n", "3: household 'guardian:nobody' has no child"),
    ("s2,,late,,\n", "3: student 's2' already has preferences on line 2"),
    ("s1,,ear\x1bly,,\n", "3: prefer 'ear\\x1bly' holds the control character U+001B"),
]


def preferences(tmp_path, text: str):
    path = tmp_path / "prefs.csv"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_a_good_file_sets_each_students_general_request(planned, tmp_path):
    path = preferences(tmp_path, GOOD)
    result = planned("event", "preferences", "--event", "fall", str(path), "--format", "json")
    assert result.code == 0, result.err
    assert result.json() == {
        "event": "fall", "file": str(path), "students": 2, "requests_added": 1,
        "requests_updated": 1, "dry_run": False,
    }  # fmt: skip
    assert planned.rows(
        "SELECT student_id, staff_id, prefer, modality, double FROM event_request ORDER BY id"
    ) == [("s2", None, "2025-11-10", None, 1), ("s1", None, "early", "phone", 0)]
    audited = planned.rows(
        "SELECT action, student_id FROM audit_log WHERE table_name = 'event_request' ORDER BY id"
    )
    assert audited[-2:] == [("insert", "s1"), ("update", "s2")]


def test_a_dry_run_checks_and_counts_but_writes_nothing(planned, tmp_path):
    before = planned.dump()
    path = preferences(tmp_path, GOOD)
    result = planned("event", "preferences", "--event", "fall", str(path), "--dry-run",
                     "--format", "json")  # fmt: skip
    assert result.code == 0, result.err
    assert result.json()["requests_added"] == 1 and result.json()["dry_run"] is True
    assert planned.dump() == before


@pytest.mark.parametrize(("row", "said"), BAD, ids=[said.split(":")[1][1:20] for _, said in BAD])
def test_one_bad_row_refuses_the_whole_file_naming_line_and_value(planned, tmp_path, row, said):
    path = preferences(tmp_path, "student_id,household,prefer,modality,double\ns2,,late,,\n" + row)
    before = planned.dump()
    result = planned("event", "preferences", "--event", "fall", str(path))
    assert result.code == 2
    assert f"{path}:{said}" in result.err and len(result.err.strip().splitlines()) == 1
    assert "\x1b" not in result.err
    assert planned.dump() == before


def test_a_file_without_a_key_column_or_beyond_reach_is_refused(planned, tmp_path):
    path = preferences(tmp_path, "student,prefer\ns1,early\n")
    result = planned("event", "preferences", "--event", "fall", str(path))
    assert result.code == 2 and f"{path}:1: the header names neither" in result.err
    missing = planned("event", "preferences", "--event", "fall", str(tmp_path / "none.csv"))
    assert missing.code == 2 and "cannot be read" in missing.err


def test_the_plan_honours_imported_preferences(planned, tmp_path):
    # s2 asked for late on the phone; the file says early now, and a phone call for s1
    path = preferences(tmp_path, "student_id,prefer,modality\ns2,early,\ns1,,phone\n")
    assert planned("event", "preferences", "--event", "fall", str(path)).code == 0
    assert planned("event", "plan", "fall", "--time-limit", "3").code == 0
    rows = dict(planned.rows("SELECT student_id, at FROM conference c JOIN event_meeting m "
                             "ON m.conference_id = c.id"))  # fmt: skip
    assert "2025-11-10T16:30" <= rows["s2"] < "2025-11-10T17:00"  # h1 is away until 16:30
    modality = "SELECT modality FROM conference WHERE student_id = 's1' AND id IN "
    assert planned.rows(modality + "(SELECT conference_id FROM event_meeting)") == [("phone",)]
