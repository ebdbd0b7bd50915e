"""Every data-entry command of CONTRACT.md: it records what it is given, audited; bad input
exits 2 with one line naming the bad value and leaves the database exactly as it was."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from polterm.cli import cli

# (command, the table it writes, a SQL check that the new record is there)
SUCCESS = [
    (["school", "add", "--id", "elm", "--name", "Elm Middle", "--level", "middle"],
     "SELECT count(*) FROM school WHERE id = 'elm' AND level = 'middle'"),
    (["staff", "add", "--id", "o1", "--name", "Cy Office", "--role", "office",
      "--school", "pine", "--username", "cyoffice"],
     "SELECT count(*) FROM staff WHERE id = 'o1' AND username = 'cyoffice'"),
    (["student", "add", "--id", "s9", "--given", "Ana", "--family", "Diaz", "--grade", "K",
      "--school", "oak", "--teacher", "t1"],
     "SELECT count(*) FROM student WHERE id = 's9' AND grade = 'K' AND teacher_id = 't1'"),
    (["guardian", "add", "--id", "g9", "--student", "s1", "--student", "s2", "--name", "Jo Kim"],
     "SELECT count(*) = 2 FROM guardianship WHERE guardian_id = 'g9'"),
    (["emergency-contact", "set", "--student", "s1", "--name", "Pat Aunt", "--phone", "555-0199"],
     "SELECT count(*) FROM emergency_contact WHERE student_id = 's1' AND name = 'Pat Aunt'"),
    (["emergency-contact", "requested", "--student", "s2", "--on", "2025-09-01"],
     "SELECT count(*) FROM emergency_contact WHERE student_id = 's2' "
     "AND requested_on = '2025-09-01'"),
    (["period", "add", "--id", "q3", "--school", "oak", "--kind", "grading",
      "--start", "2026-02-01", "--end", "2026-04-10"],
     "SELECT count(*) FROM period WHERE id = 'q3'"),
    (["conference", "add", "--student", "s2", "--kind", "parent-principal",
      "--at", "2025-10-01T08:30", "--initiated-by", "parent", "--request", "r2",
      "--staff", "p1"],
     "SELECT count(*) FROM conference WHERE student_id = 's2' AND request_id = 'r2'"),
    (["conference", "update", "1", "--status", "held", "--problem", "Homework"],
     "SELECT count(*) FROM conference WHERE id = 1 AND status = 'held' AND version = 2"),
    (["document", "provided", "--conference", "1", "--on", "2025-09-09"],
     "SELECT count(*) FROM resource_document WHERE conference_id = 1"),
    (["remote-period", "add", "--start", "2026-01-05", "--end", "2026-02-20", "--school", "pine"],
     "SELECT count(*) FROM remote_period WHERE school_id = 'pine'"),
    (["remote-period", "end", "1", "--on", "2025-12-19"],
     "SELECT count(*) FROM remote_period WHERE id = 1 AND end = '2025-12-19'"),
    (["attempt", "add", "--student", "s1", "--on", "2025-10-02", "--method", "phone",
      "--outcome", "no-answer", "--purpose", "remote-learning-conference"],
     "SELECT count(*) FROM contact_attempt WHERE student_id = 's1' AND outcome = 'no-answer'"),
    (["escalation", "add", "--student", "s1", "--on", "2025-10-20", "--to", "p1"],
     "SELECT count(*) FROM escalation WHERE student_id = 's1' AND to_staff_id = 'p1'"),
    (["welfare-check", "add", "--student", "s1", "--on", "2025-10-21", "--outcome", "All well"],
     "SELECT count(*) FROM welfare_check WHERE student_id = 's1'"),
    (["request", "add", "--id", "r9", "--student", "s1", "--on", "2025-10-03",
      "--with", "teacher", "--topic", "Reading", "--caller", "Max", "--guardian", "g1",
      "--wanted", "t1"],
     "SELECT count(*) FROM parent_request WHERE id = 'r9' AND wanted_staff_id = 't1'"),
    (["progress-report", "add", "--student", "s1", "--period", "q1", "--on", "2025-11-07",
      "--conference", "1"],
     "SELECT count(*) FROM progress_report WHERE student_id = 's1' AND conference_id = 1"),
    (["approval-1806", "add", "--student", "s1", "--period", "q2", "--on", "2026-01-15"],
     "SELECT count(*) FROM approval_1806 WHERE period_id = 'q2'"),
    (["involvement", "add", "--school", "oak", "--on", "2025-10-15", "--kind", "open-house",
      "--attendance", "42", "--note", "Fall open house"],
     "SELECT count(*) FROM involvement_activity WHERE school_id = 'oak' AND attendance = 42"),
]  # fmt: skip

# (command, text the one-line error must contain)
BAD_INPUT = [
    (["school", "add", "--id", "oak", "--name", "Again", "--level", "high"], "'oak'"),
    (["school", "add", "--id", "elm", "--name", "Elm", "--level", "castle"], "'castle'"),
    (["school", "add", "--id", "elm", "--name", "Elm"], "'--level'"),
    (["staff", "add", "--id", "t1", "--name", "Dup", "--role", "teacher"], "'t1'"),
    (["staff", "add", "--id", "x1", "--name", "X", "--role", "teacher", "--school", "nope"],
     "'nope'"),
    (["staff", "add", "--id", "x1", "--name", "X", "--role", "janitor"], "'janitor'"),
    (["staff", "add", "--id", "x1", "--name", "X", "--role", "teacher",
      "--username", "bprincipal"], "'bprincipal'"),
    (["student", "add", "--id", "s1", "--given", "A", "--family", "B", "--grade", "3",
      "--school", "oak"], "'s1'"),
    (["student", "add", "--id", "s9", "--given", "A", "--family", "B", "--grade", "3",
      "--school", "nope"], "'nope'"),
    (["student", "add", "--id", "s9", "--given", "A", "--family", "B", "--grade", "13",
      "--school", "oak"], "'13'"),
    (["student", "add", "--id", "s9", "--given", "A", "--family", "B", "--grade", "3",
      "--school", "oak", "--teacher", "ghost"], "'ghost'"),
    (["student", "add", "--id", "s9", "--family", "B", "--grade", "3", "--school", "oak"],
     "'--given'"),
    (["guardian", "add", "--id", "g1", "--student", "s1", "--name", "Dup"], "'g1'"),
    (["guardian", "add", "--id", "g9", "--student", "s1", "--student", "ghost", "--name", "X"],
     "'ghost'"),
    (["guardian", "add", "--id", "g9", "--student", "s1", "--name", "X", "--language", "Spanish!"],
     "'Spanish!'"),
    (["guardian", "add", "--id", "g9", "--name", "X"], "'--student'"),
    (["emergency-contact", "set", "--student", "ghost", "--name", "P", "--phone", "555-0100"],
     "'ghost'"),
    (["emergency-contact", "set", "--student", "s1", "--name", "P"], "'--phone'"),
    (["emergency-contact", "requested", "--student", "s1", "--on", "2025-02-30"],
     "'2025-02-30'"),
    (["period", "add", "--id", "q1", "--school", "oak", "--start", "2026-02-01",
      "--end", "2026-03-01"], "'q1'"),
    (["period", "add", "--id", "q9", "--school", "oak", "--start", "01/02/2026",
      "--end", "2026-03-01"], "'01/02/2026'"),
    (["period", "add", "--id", "q9", "--school", "nope", "--start", "2026-02-01",
      "--end", "2026-03-01"], "'nope'"),
    (["period", "add", "--id", "q9", "--school", "oak", "--start", "2026-03-01",
      "--end", "2026-02-01"], "2026-02-01"),
    (["conference", "add", "--student", "ghost", "--kind", "parent-teacher",
      "--at", "2025-10-01T08:30"], "'ghost'"),
    (["conference", "add", "--student", "s1", "--kind", "parent-teacher",
      "--at", "2025-10-01 8:30"], "'2025-10-01 8:30'"),
    (["conference", "add", "--student", "s1", "--kind", "tea-party",
      "--at", "2025-10-01T08:30"], "'tea-party'"),
    (["conference", "add", "--student", "s1", "--kind", "parent-teacher",
      "--at", "2025-10-01T08:30", "--status", "postponed"], "'postponed'"),
    (["conference", "add", "--student", "s1", "--kind", "parent-teacher",
      "--at", "2025-10-01T08:30", "--staff", "ghost"], "'ghost'"),
    (["conference", "add", "--student", "s1", "--kind", "parent-teacher",
      "--at", "2025-10-01T08:30", "--attendee", "Max Rivera:g404"], "'g404'"),
    (["conference", "add", "--student", "s1", "--kind", "parent-teacher",
      "--at", "2025-10-01T08:30", "--request", "r2"], "'r2'"),
    (["conference", "add", "--student", "s1", "--kind", "parent-teacher"], "'--at'"),
    (["conference", "update", "99", "--status", "held"], "'99'"),
    (["conference", "update", "1"], "at least one option"),
    (["conference", "update", "1", "--at", "tomorrow"], "'tomorrow'"),
    (["conference", "update", "1", "--support", "parent,village"], "'village'"),
    (["conference", "update", "1", "--staff", "t1", "--staff", "ghost"], "'ghost'"),
    (["document", "provided", "--conference", "42", "--on", "2025-09-09"], "'42'"),
    (["document", "provided", "--conference", "1", "--on", "yesterday"], "'yesterday'"),
    (["remote-period", "add", "--start", "2026-13-01"], "'2026-13-01'"),
    (["remote-period", "add", "--start", "2026-01-05", "--school", "nope"], "'nope'"),
    (["remote-period", "end", "7", "--on", "2025-12-19"], "'7'"),
    (["remote-period", "end", "1", "--on", "2025-09-01"], "2025-09-01"),
    (["attempt", "add", "--student", "ghost", "--on", "2025-10-02", "--method", "phone",
      "--outcome", "reached", "--purpose", "other"], "'ghost'"),
    (["attempt", "add", "--student", "s1", "--on", "2025-10-32", "--method", "phone",
      "--outcome", "reached", "--purpose", "other"], "'2025-10-32'"),
    (["attempt", "add", "--student", "s1", "--on", "2025-10-02", "--method", "pigeon",
      "--outcome", "reached", "--purpose", "other"], "'pigeon'"),
    (["attempt", "add", "--student", "s1", "--on", "2025-10-02", "--method", "phone",
      "--outcome", "reached"], "'--purpose'"),
    (["escalation", "add", "--student", "ghost", "--on", "2025-10-20"], "'ghost'"),
    (["escalation", "add", "--student", "s1", "--on", "2025-10-20", "--to", "nobody"],
     "'nobody'"),
    (["escalation", "add", "--student", "s1", "--on", "20-10-2025"], "'20-10-2025'"),
    (["welfare-check", "add", "--student", "ghost", "--on", "2025-10-21", "--outcome", "ok"],
     "'ghost'"),
    (["welfare-check", "add", "--student", "s1", "--on", "2025-10-21"], "'--outcome'"),
    (["request", "add", "--id", "r1", "--student", "s1", "--on", "2025-10-03",
      "--with", "teacher"], "'r1'"),
    (["request", "add", "--id", "r9", "--student", "ghost", "--on", "2025-10-03",
      "--with", "teacher"], "'ghost'"),
    (["request", "add", "--id", "r9", "--student", "s1", "--on", "2025-10-03",
      "--with", "janitor"], "'janitor'"),
    (["request", "add", "--id", "r9", "--student", "s1", "--on", "2025-10-03",
      "--with", "teacher", "--wanted", "nobody"], "'nobody'"),
    (["progress-report", "add", "--student", "s1", "--period", "q404", "--on", "2025-11-07"],
     "'q404'"),
    (["progress-report", "add", "--student", "s1", "--period", "h1", "--on", "2025-11-07"],
     "'h1'"),
    (["progress-report", "add", "--student", "s1", "--period", "q1", "--on", "2025-11-07",
      "--conference", "abc"], "'abc'"),
    (["approval-1806", "add", "--student", "s1", "--period", "q1", "--on", "2025-11-02"],
     "'q1'"),
    (["approval-1806", "add", "--student", "ghost", "--period", "q2", "--on", "2025-11-02"],
     "'ghost'"),
    (["involvement", "add", "--school", "nope", "--on", "2025-10-15", "--kind", "drop-in"],
     "'nope'"),
    (["involvement", "add", "--school", "oak", "--on", "2025-10-15", "--kind", "party"],
     "'party'"),
    (["involvement", "add", "--school", "oak", "--on", "2025-10-15", "--kind", "drop-in",
      "--attendance", "many"], "'many'"),
]  # fmt: skip


def _id(case: tuple) -> str:
    return " ".join(case[0][:2]) + " " + case[1].strip("'")[:20]


@pytest.mark.parametrize(("args", "check"), SUCCESS, ids=[" ".join(c[0][:2]) for c in SUCCESS])
def test_a_data_entry_command_records_what_it_is_given(district, args, check):
    result = district(*args)
    assert (result.code, result.err) == (0, "")
    assert district.rows(check) == [(1,)]


@pytest.mark.parametrize(("args", "check"), SUCCESS, ids=[" ".join(c[0][:2]) for c in SUCCESS])
def test_every_write_is_in_the_audit_log(district, args, check):
    tables = [t for (t,) in district.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
    before = {t: district.rows(f"SELECT * FROM [{t}]") for t in tables if t != "audit_log"}
    audited = district.rows("SELECT count(*) FROM audit_log")[0][0]
    assert district(*args).code == 0
    changed = {t for t, rows in before.items() if district.rows(f"SELECT * FROM [{t}]") != rows}
    logged = {
        t for (t,) in district.rows("SELECT table_name FROM audit_log WHERE id > ?", (audited,))
    }
    assert changed and changed == logged
    actors = district.rows("SELECT DISTINCT actor FROM audit_log WHERE id > ?", (audited,))
    assert len(actors) == 1


@pytest.mark.parametrize(("args", "check"), SUCCESS, ids=[" ".join(c[0][:2]) for c in SUCCESS])
def test_json_output_is_one_document_and_nothing_else(district, args, check):
    result = district(*args, "--format", "json")
    assert (result.code, result.err) == (0, "")
    assert isinstance(result.json(), dict) and "id" in result.json()


@pytest.mark.parametrize(("args", "named"), BAD_INPUT, ids=[_id(c) for c in BAD_INPUT])
def test_bad_input_exits_2_with_one_line_and_changes_nothing(district, args, named):
    before = district.dump()
    result = district(*args)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("Error: ") and result.err.count("\n") == 1, result.err
    assert named in result.err
    assert district.dump() == before


def test_contact_details_are_never_echoed_in_errors(district):
    result = district(
        "guardian", "add", "--id", "g9", "--student", "s1", "--name", "X",
        "--email", "not-an-address", "--phone", "call me",
    )  # fmt: skip
    assert result.code == 2
    assert "not-an-address" not in result.err and "call me" not in result.err
    assert "--phone" in result.err or "--email" in result.err


def test_a_command_that_adds_prints_the_new_id(district):
    result = district(
        "conference", "add", "--student", "s1", "--kind", "parent-teacher",
        "--at", "2025-10-01T08:30",
    )  # fmt: skip
    assert result.out.strip() == "2"
    json_run = district(
        "conference", "add", "--student", "s1", "--kind", "parent-teacher",
        "--at", "2025-10-02T08:30", "--format", "json",
    )  # fmt: skip
    assert json_run.json() == {"id": 3}


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_and_as_are_accepted_before_and_after_the_command_name(district, where):
    options = ["--db", str(district.path), "--as", "ddeputy"]
    command = ["school", "add", "--id", "elm", "--name", "Elm", "--level", "middle"]
    args = options + command if where == "before" else command + options
    assert district(*args, db=False).code == 0
    [(actor, os_user)] = district.rows(
        "SELECT actor, os_user FROM audit_log WHERE table_name = 'school' AND record_id = 'elm'"
    )
    assert actor == "it2" and os_user != "ddeputy"


def _commands() -> list[list[str]]:
    out = []
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        subcommands = getattr(command, "commands", None)
        out += [[name, sub] for sub in subcommands] if subcommands else [[name]]
    return out


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_has_help(fresh, command):
    result = fresh(*command, "--help", db=False)
    assert result.code == 0 and "Usage: polterm" in result.out


def test_the_installed_command_exits_2_with_one_line(district):
    """The real process, not the in-process runner: exit status and stderr as a shell sees them."""
    before = district.dump()
    command = [sys.executable, "-c", "from polterm.cli import main; main()"]
    args = ["--db", str(district.path), "student", "add", "--id", "s9", "--given", "A",
            "--family", "B", "--grade", "3", "--school", "atlantis"]  # fmt: skip
    result = subprocess.run([*command, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "Error: no school with id 'atlantis'\n"
    assert district.dump() == before


def test_the_command_line_names_a_bad_field_by_its_option(district):
    result = district(
        *("attempt", "add", "--student", "s1", "--on", "2025-10-32", "--method", "phone"),
        *("--outcome", "reached", "--purpose", "other"),
    )
    assert result.err == "Error: --on '2025-10-32' is not a date (YYYY-MM-DD)\n"
    result = district("remote-period", "add", "--start", "2026-01-05", "--end", "2026-01-01")
    assert result.err == "Error: --end 2026-01-01 is before --start 2026-01-05\n"
