"""ICS calendars parsed back, CSV/JSON exports without contacts by default, the report."""

from __future__ import annotations

import csv
import io as stdio
import json
import tomllib
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.conftest import SEED, Polterm
from tests.io.roster import write_set


@pytest.fixture
def seeded(fresh: Polterm) -> Polterm:
    for args in SEED:
        run = fresh(*args)
        assert run.code == 0, (args, run.err)
    cancelled = ["conference", "add", "--student", "s1", "--kind", "parent-teacher",
                 "--at", "2025-09-17T15:00", "--staff", "t1", "--status", "cancelled"]  # fmt: skip
    assert fresh(*cancelled).code == 0
    return fresh


def _events(path: Path) -> list:  # type: ignore[type-arg]
    return Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_teacher_calendar_parses_with_stable_uids_and_cancelled_status(
    seeded: Polterm, tmp_path: Path
) -> None:
    out = tmp_path / "t1.ics"
    run = seeded("export", "ics", "--staff", "t1", "-o", str(out))
    assert run.code == 0, run.err
    cal = Calendar.from_ical(out.read_bytes())
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    events = cal.walk("VEVENT")
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert str(events[0]["summary"]) == "Conference: parent-teacher — Sam R."
    assert str(events[0]["dtstart"].dt.tzinfo) == "America/New_York"
    assert "max@example.org" not in out.read_text()
    uids = [str(e["uid"]) for e in events]
    assert uids[0].startswith("conference-1@testville.polterm")
    assert seeded("export", "ics", "--staff", "t1", "-o", str(out)).code == 0
    assert [str(e["uid"]) for e in _events(out)] == uids


def test_ics_of_an_unknown_staff_member_is_one_line_and_writes_nothing(
    seeded: Polterm, tmp_path: Path
) -> None:
    out = tmp_path / "x.ics"
    run = seeded("export", "ics", "--staff", "nobody", "-o", str(out))
    assert run.code == 2 and run.err == "Error: no staff member with id 'nobody'\n"
    assert not out.exists() and list(tmp_path.glob(".x.ics*")) == []


def test_students_export_leaves_out_contacts_unless_asked(seeded: Polterm) -> None:
    run = seeded("export", "students", "--school", "oak")
    rows = list(csv.DictReader(stdio.StringIO(run.out)))
    assert [r["id"] for r in rows] == ["s1"] and rows[0]["guardians"] == "Max Rivera"
    assert "555-0101" not in run.out and "max@example.org" not in run.out
    run = seeded("export", "students", "--with-contacts", "--format", "json")
    assert json.loads(run.out)[0]["guardian_contacts"] == ["Max Rivera <max@example.org> 555-0101"]


def test_conferences_and_findings_export_to_a_file(seeded: Polterm, tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    assert seeded("export", "conferences", "--format", "json", "-o", str(out)).code == 0
    assert [c["status"] for c in json.loads(out.read_text())] == ["scheduled", "cancelled"]
    run = seeded("export", "findings", "--as-of", "2026-01-15")
    rows = list(csv.DictReader(stdio.StringIO(run.out)))
    assert rows and set(rows[0]) == {"policy", "rule", "status", "student_id", "conference_id",
                                     "school_id", "due", "message", "citation"}  # fmt: skip


def test_involvement_report_in_three_formats_and_submit(seeded: Polterm) -> None:
    args = ("report", "involvement", "--school", "oak", "--year", "2025-2026",
            "--as-of", "2026-06-30")  # fmt: skip
    md = seeded(*args).out
    assert md.startswith("# Parental involvement report — Oak Elementary (oak)")
    assert "## Involvement activities" in md and "Not yet submitted" in md
    data = json.loads(seeded(*args, "--format", "json").out)
    assert {s["policy"] for s in data["sections"]} >= {"core", "clinton_6310", "p1471"}
    assert tomllib.loads(seeded(*args, "--format", "toml").out)["year"] == "2025-2026"
    run = seeded(*args, "--submit", "--on", "2026-06-01", "--as", "bprincipal")
    assert run.code == 0, run.err
    assert seeded.rows("SELECT submitted_on, submitted_by FROM involvement_report") == [
        ("2026-06-01", "p1")
    ]
    assert "Submitted to the superintendent on 2026-06-01 by p1." in run.out


def test_student_calendar_and_one_line_errors(seeded: Polterm, tmp_path: Path) -> None:
    out = tmp_path / "s1.ics"
    assert seeded("export", "ics", "--student", "s1", "-o", str(out)).code == 0
    assert len(_events(out)) == 2
    both = seeded("export", "ics", "--student", "s1", "--staff", "t1", "-o", str(out))
    assert (both.code, both.err) == (2, "Error: give exactly one of --staff or --student\n")
    run = seeded("report", "involvement", "--school", "oak", "--year", "1999", "--submit")
    assert (run.code, run.err) == (2, "Error: --submit needs --on DATE\n")
    run = seeded("import", "oneroster", str(tmp_path / "none"))
    assert run.code == 2 and run.err.count("\n") == 1


def test_a_teacher_may_not_import_or_submit(seeded: Polterm, tmp_path: Path) -> None:
    seeded("staff", "add", "--id", "t9", "--name", "Ty", "--role", "teacher", "--username", "ty")
    before = seeded.dump()
    roster = write_set(tmp_path / "r", students=2)
    run = seeded("import", "oneroster", str(roster), "--as", "ty")
    assert run.code == 2
    run = seeded("report", "involvement", "--school", "oak", "--year", "2025-2026",
                 "--submit", "--on", "2026-06-01", "--as", "ty")  # fmt: skip
    assert run.code == 2
    assert seeded.dump() == before


def test_excel_csv_starts_with_a_bom_and_lists_put_one_id_per_line(
    seeded: Polterm, tmp_path: Path
) -> None:
    for sid in ("t,2", "t;3"):
        added = seeded("staff", "add", "--id", sid, "--name", "Zoë Ñúñez", "--role", "teacher")
        assert added.code == 0, added.err
    run = seeded("conference", "add", "--student", "s2", "--kind", "parent-teacher",
                 "--at", "2026-01-12T15:00", "--staff", "t,2", "--staff", "t;3")  # fmt: skip
    assert run.code == 0, run.err
    out = tmp_path / "c.csv"
    assert seeded("export", "conferences", "--excel", "-o", str(out)).code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[-1]["staff"].split("\n") == ["t,2", "t;3"]
    data = seeded("export", "conferences", "--format", "json").json()
    assert data[-1]["staff"] == ["t,2", "t;3"]
    plain = seeded("export", "conferences").out
    assert not plain.startswith("\ufeff")
    bad = seeded("export", "conferences", "--excel", "--format", "json")
    assert (bad.code, bad.err) == (2, "Error: --excel goes with --format csv\n")


def test_an_id_with_a_line_break_is_refused(seeded: Polterm) -> None:
    run = seeded("staff", "add", "--id", "t\n4", "--name", "Ty", "--role", "teacher")
    assert run.code == 2 and "holds a control character" in run.err


def test_emergency_contact_is_dated_by_on(seeded: Polterm) -> None:
    run = seeded("emergency-contact", "set", "--student", "s1", "--name", "Ann Rivera",
                 "--phone", "555-0199", "--on", "2025-09-08")  # fmt: skip
    assert run.code == 0, run.err
    assert seeded.rows("SELECT set_on FROM emergency_contact WHERE student_id = 's1'") == [
        ("2025-09-08",)
    ]
    bad = seeded("emergency-contact", "set", "--student", "s1", "--name", "A", "--phone", "5550",
                 "--on", "2025-13-01")  # fmt: skip
    assert bad.code == 2 and "--on '2025-13-01' is not a date" in bad.err


def test_a_contact_dated_september_counts_in_a_check_as_of_october(seeded: Polterm) -> None:
    def owed() -> list[str]:
        run = seeded("check", "--as-of", "2025-10-01", "--student", "s2", "--format", "json")
        return [f["rule"] for f in run.json()["findings"]]

    assert "emergency-contact-requested" in owed()
    typed = ["emergency-contact", "set", "--student", "s2", "--name", "Ann Chen", "--phone",
             "555-0199"]  # fmt: skip
    assert seeded(*typed).code == 0  # typed in today: not on file in October
    assert "emergency-contact-requested" in owed()
    assert seeded(*typed, "--on", "2025-09-08").code == 0
    assert "emergency-contact-requested" not in owed()
