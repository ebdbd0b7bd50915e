"""Pilot tests: each flow driven by keys, checked on the screen and in the database."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from polterm.services.session import Session
from polterm.services.views import StudentFilter, student_page
from polterm.ui.app import PoltermApp
from polterm.ui.widgets.lines import LineTable


def drive(app: PoltermApp, steps: Callable[[Pilot], Awaitable[None]]) -> None:
    """Run the app headless at 120x40 and play the steps (no async plugin needed)."""

    async def main() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await steps(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def at_student(pilot: Pilot, student_id: str, *keys: str) -> None:
    """Open a student's page, press keys there (a form's key), and let the workers finish."""
    pilot.app.open_student(student_id)  # type: ignore[attr-defined]
    await settle(pilot)
    if keys:
        await pilot.press(*keys)
        await settle(pilot)


def cells(app: PoltermApp, selector: str, column: int) -> list[str]:
    table = app.screen.query_one(selector)
    assert isinstance(table, DataTable | LineTable)
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def text_of(app: PoltermApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def until(pilot: Pilot, done: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run until `done()` (a modal's close and focus return take a few turns)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"still not done after {seconds} s")


async def choose(pilot: Pilot, field: str, text: str) -> None:
    """Open a pick field's picker, type, take the first match, and be back on the field."""
    app = pilot.app
    widget = app.screen.query_one(f"#{field}")
    widget.focus()
    await pilot.press("enter")
    await until(pilot, lambda: app.screen is not widget.screen)
    await pilot.press(*text, "enter")
    await until(pilot, lambda: app.focused is widget)
    await settle(pilot)


async def pick(pilot: Pilot, picker: str, text: str) -> None:
    """Type into a picker's search box and take the first match with Enter, as a person does."""
    pilot.app.screen.query_one(f"#{picker} Input", Input).focus()
    await pilot.press(*text, "enter")
    await settle(pilot)


def options(app: PoltermApp, picker: str) -> list[str]:
    """What a picker's list shows, chosen entries (✓) first."""
    results = app.screen.query_one(f"#{picker} OptionList", OptionList)
    return [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]


def test_dashboard_lists_the_open_request_and_todays_conference(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        assert "arrange-parent-request" in cells(app, "#findings", 4)
        assert cells(app, "#conferences", 1) == ["Alan Turing"]

    drive(app, steps)


def test_dashboard_counts_every_finding_by_rule_and_by_school(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        found = app.session.db.execute(
            "SELECT policy || '/' || rule, school_id FROM finding_store"
        ).fetchall()
        assert found and f"{len(found)} findings as of 2025-10-15" in text_of(app, "#counts")
        by_rule = Counter(rule for rule, _ in found)
        by_school = Counter(school for _, school in found)
        assert cells(app, "#by-rule", 1) == sorted(by_rule)
        assert cells(app, "#by-rule", 0) == [str(by_rule[r]) for r in sorted(by_rule)]
        assert cells(app, "#by-school", 1) == sorted(by_school)
        assert cells(app, "#by-school", 0) == [str(by_school[s]) for s in sorted(by_school)]
        table = app.screen.query_one("#by-rule", LineTable)
        table.focus()
        await pilot.press("enter")  # a count opens nothing
        await settle(pilot)
        assert app.screen is table.screen

    drive(app, steps)


def test_search_by_name_prefix_and_by_guardian_name_then_open_the_student(
    app: PoltermApp,
) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        assert cells(app, "#students", 0)[:2] == ["Dijkstra", "Hopper"]
        await pilot.press(*"tur")
        await settle(pilot)
        assert cells(app, "#students", 2) == ["S2"]
        app.screen.query_one("#search").value = "parent hop"
        await settle(pilot)
        assert cells(app, "#students", 2) == ["S3"]
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "Grace Hopper" in text_of(app, "#name")

    drive(app, steps)


def test_a_newer_key_abandons_the_query_it_replaces(
    app: PoltermApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query for "t" would count for half a minute; "u" interrupts it and shows its page."""
    from polterm.ui.screens import students

    def page(session: Session, wanted: StudentFilter, offset: int, limit: int) -> list[dict]:
        if wanted.search == "t":
            session.db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 1e8)"
                " SELECT count(*) FROM n"
            ).fetchone()
        return student_page(session, wanted, offset, limit)

    monkeypatch.setattr(students, "student_page", page)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause(0.2)
        started = time.monotonic()
        await pilot.press("u")
        await settle(pilot)
        assert time.monotonic() - started < 3
        assert cells(app, "#students", 2) == ["S2"]

    drive(app, steps)


def test_student_shows_interpreter_need_and_why_the_request_is_owed(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1")
        body = text_of(app, "#body")
        assert "needs an interpreter" in body
        assert "requested 2025-09-01" in body
        assert "Principals shall assist in arranging" in body
        assert "Board Policy P1471, item 1" in body

    drive(app, steps)


def test_scheduling_a_conference_for_the_request_clears_the_finding(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "n")
        form = app.screen
        form.query_one("#at").value = "2025-10-20T15:30"
        form.query_one("#request").value = "R1"
        await pick(pilot, "staff", "terry")
        await pick(pilot, "attendees", "parent lov")
        assert options(app, "staff")[0] == "✓ Terry Teach · teacher · north (t1)"
        assert options(app, "attendees")[0] == "✓ Parent Lovelace (G1) · guardian"
        await pilot.press("ctrl+s")
        await settle(pilot)
        db = app.session.db
        row = db.execute(
            "SELECT id, kind, at, request_id FROM conference WHERE student_id = 'S1'"
        ).fetchone()
        assert row[1:] == ("parent-teacher", "2025-10-20T15:30", "R1")
        assert db.execute(
            "SELECT staff_id FROM conference_staff WHERE conference_id = ?", [row[0]]
        ).fetchall() == [("t1",)]
        assert db.execute(
            "SELECT name, guardian_id FROM conference_attendee WHERE conference_id = ?", [row[0]]
        ).fetchall() == [("Parent Lovelace", "G1")]
        assert "Principals shall assist" not in text_of(app, "#body")
        await pilot.press("d")
        await settle(pilot)
        assert "arrange-parent-request" not in cells(app, "#findings", 4)

    drive(app, steps)


def test_form_warns_of_a_teacher_already_booked_before_saving(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S3", "n")
        app.screen.query_one("#at").value = "2025-10-15T16:00"
        await settle(pilot)
        assert "staff t1" not in text_of(app, "#warnings")
        await pick(pilot, "staff", "terry")
        assert "staff t1 already has conference 1" in text_of(app, "#warnings")

    drive(app, steps)


def test_conduct_ticks_the_checklist_records_the_plan_and_marks_held(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S2", "h")
        first = app.screen.query(".tick").first()
        first.value = True
        app.screen.query_one("#plan").text = "read nightly"
        app.screen.query_one("#held").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        status, plan, checklist = app.session.db.execute(
            "SELECT status, plan, checklist FROM conference WHERE id = 1"
        ).fetchone()
        assert (status, plan) == ("held", "read nightly")
        assert f'"{first.name}": true' in checklist
        assert cells(app, "#conferences", 3) == ["held"]

    drive(app, steps)


def test_office_takes_a_parents_call_and_logs_an_attempt(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S4", "c")
        app.screen.query_one("#with_whom").value = "principal"
        app.screen.query_one("#topic").value = "behaviour"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        for name, value in (("method", "phone"), ("outcome", "no-answer"), ("purpose", "other")):
            app.screen.query_one(f"#{name}").value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        db = app.session.db
        assert db.execute(
            "SELECT with_whom, topic FROM parent_request WHERE student_id = 'S4'"
        ).fetchall() == [("principal", "behaviour")]
        assert db.execute(
            "SELECT made_on, outcome FROM contact_attempt WHERE student_id = 'S4'"
        ).fetchall() == [("2025-10-15", "no-answer")]
        assert "2025-10-15 phone no-answer" in text_of(app, "#body")

    drive(app, steps)


def test_escalation_and_welfare_check_are_recorded(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "e")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        app.screen.query_one("#outcome").value = "family safe"
        await pilot.press("ctrl+s")
        await settle(pilot)
        db = app.session.db
        assert db.execute("SELECT count(*) FROM escalation").fetchone() == (1,)
        assert db.execute("SELECT outcome FROM welfare_check").fetchone() == ("family safe",)

    drive(app, steps)


def test_policies_screen_shows_rules_with_citations_and_settings(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("p")
        await settle(pilot)
        table = app.screen.query_one("#rules", DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        cited = "Board Policy P1471, item 1; Board Policy P1471, Conference with Parents"
        assert ["p1471", "arrange-parent-request"] in [list(r[:2]) for r in rows]
        assert any(r[2].startswith(cited) for r in rows)
        assert any('"arrange_within_days": 5' in r[5] for r in rows)

    drive(app, steps)


def test_the_reports_school_and_year_are_chosen_by_keys_in_fields_wide_enough_to_read(
    app: PoltermApp,
) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("r")
        await settle(pilot)
        assert all(app.screen.query_one(f"#{f}").size.width >= 20 for f in ("school", "year"))
        app.screen.query_one("#school").focus()
        await pilot.press("enter", "down", "enter", "tab", "enter", "down", "enter")
        await settle(pilot)
        report = app.screen.query_one("#report")
        assert "Parental involvement report — " in str(report.query_one("MarkdownH1").render())

    drive(app, steps)


def test_help_lists_the_keys_of_the_screen(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1")
        await pilot.press("question_mark")
        await pilot.pause()
        keys = text_of(app, "#keys")
        assert "New conference" in keys and "Students" in keys

    drive(app, steps)


def test_palette_jumps_to_a_student_by_name(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        await pilot.press(*"hopp")
        await pilot.pause(0.5)
        await pilot.press("enter")  # the first entry, highlighted; then its new conference…
        await settle(pilot)
        assert "Grace Hopper" in text_of(app, "#name")

    drive(app, steps)


def test_remote_period_is_added_then_ended_and_an_activity_listed(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#school_id", Select).value == ""  # the whole district
        app.screen.query_one("#start").value = "2025-10-01"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "#remote", 3) == ["ongoing"]
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#on").value = "2025-10-10"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "#remote", 3) == ["2025-10-10"]
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#kind").value = "open-house"
        await pilot.press("ctrl+s")  # no school chosen: not saved, and said so
        await settle(pilot)
        assert app.screen.query_one("#school_id", Select).is_blank()
        app.screen.query_one("#school_id", Select).value = "north"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "#involvement", 2) == ["open-house"]
        db = app.session.db
        assert db.execute("SELECT start, end, school_id FROM remote_period").fetchall() == [
            ("2025-10-01", "2025-10-10", None)  # the whole district
        ]
        assert db.execute("SELECT school_id, kind FROM involvement_activity").fetchall() == [
            ("north", "open-house")
        ]

    drive(app, steps)


def test_a_conference_saved_elsewhere_meanwhile_is_not_overwritten(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_conference(1)
        await settle(pilot)
        app.session.update("conference", 1, {"location": "Room 9"})
        app.screen.query_one("#at").value = "2025-10-16T09:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("was changed by" in m for m in messages)
        at = app.session.db.execute("SELECT at FROM conference WHERE id = 1").fetchone()
        assert at == ("2025-10-15T16:00",)

    drive(app, steps)


def test_students_with_open_findings_filter(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#open").value = True
        await settle(pilot)
        assert cells(app, "#students", 2) == ["S1"]

    drive(app, steps)


def test_form_shows_the_policys_warning_about_another_familys_guardian(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S3", "n")
        form = app.screen
        form.query_one("#kind").value = "parent-principal"
        form.query_one("#initiated_by").value = "parent"
        form.query_one("#attendees Input", Input).focus()
        await pilot.press(*"parent tur")
        await pilot.pause(0.3)
        await settle(pilot)
        assert options(app, "attendees") == [
            "parent tur (not a guardian)",
            "Parent Turing (G2) · another family's guardian",
        ]
        await pilot.press("down", "down", "enter")  # into the list, past the typed name
        await settle(pilot)
        assert "Attendee Parent Turing is a guardian of another student" in text_of(
            app, "#warnings"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.session.db.execute("SELECT count(*) FROM conference").fetchone() == (1,)

    drive(app, steps)


def test_palette_jumps_to_a_conference_by_number(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        await pilot.press("1")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Conference 1 for S2" in text_of(app, ".title")

    drive(app, steps)


def test_students_load_a_page_at_a_time(app: PoltermApp) -> None:
    app.session.db["student"].insert_all(
        {
            "id": f"P{i:03d}",
            "given": "Pat",
            "family": f"Zed{i:03d}",
            "grade": "2",
            "school_id": "north",
        }
        for i in range(250)
    )

    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        table = app.screen.query_one("#students", LineTable)
        assert table.row_count == 50  # a screenful of 40 rows and ten more
        table.focus()
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.row_count == 150  # then a hundred at a time
        assert len(set(table.row_keys)) == 150  # the next page starts where the first ended

    drive(app, steps)


def test_a_policy_configured_but_not_installed_ends_the_app_with_code_2(
    app: PoltermApp,
) -> None:
    app.session.db["district_policy"].insert({"policy": "missing_policy", "position": 9})

    async def main() -> None:
        async with app.run_test() as pilot:
            await pilot.pause()

    asyncio.run(main())
    assert app.return_code == 2


def test_the_dashboard_explains_the_finding_under_the_cursor(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        (first,) = app.dashboard_cache.findings  # type: ignore[union-attr]
        assert text_of(app, "#why") == f"{first.message} — {first.citation}"

    drive(app, steps)


def test_enter_on_a_dashboard_finding_opens_its_student(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.screen.query_one("#findings").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Ada Lovelace · S1" in text_of(app, "#name")

    drive(app, steps)


def test_a_form_paints_its_upper_part_first_and_saves_only_once_whole(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        from polterm.ui.screens.conference import ConferenceForm

        await at_student(pilot, "S1")
        form = ConferenceForm(student_id="S1")
        await app.push_screen(form)
        assert not form.ready and not form.query("#request")
        form.action_save()  # ctrl+s in the first instant: dropped, not an error
        await until(pilot, lambda: form.ready)
        assert app.screen is form
        assert form.query_one("#request", Input).border_title == "Linked parent request id"
        assert form.query_one("#staff Input", Input).border_title == "Staff attending: type a name"
        await settle(pilot)
        assert text_of(app, "#warnings")  # the first look at the warnings came once whole

    drive(app, steps)


def test_live_warnings_follow_the_attendees_picked_and_removed(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S3", "n")
        form = app.screen
        form.query_one("#kind").value = "parent-principal"
        form.query_one("#initiated_by").value = "parent"
        await pick(pilot, "staff", "terry")
        for name in ("Ann", "Bo", "Cy", "Di", "Ed"):
            await pick(pilot, "attendees", name)
        assert "take part" not in text_of(app, "#warnings")
        await pick(pilot, "attendees", "parent hop")
        assert "7 people take part in the conference (1 staff, 6 others)" in text_of(
            app, "#warnings"
        )
        assert options(app, "attendees")[:2] == ["✓ Ann (not a guardian)", "✓ Bo (not a guardian)"]
        await pilot.press("down", "enter")  # Enter on a chosen one removes it
        await settle(pilot)
        assert "✓ Ann (not a guardian)" not in options(app, "attendees")
        assert "take part" not in text_of(app, "#warnings")
        await pilot.press("ctrl+s")
        await settle(pilot)
        db = app.session.db
        (cid,) = db.execute("SELECT id FROM conference WHERE student_id = 'S3'").fetchone()
        assert db.execute(
            "SELECT name, guardian_id FROM conference_attendee WHERE conference_id = ? ORDER BY id",
            [cid],
        ).fetchall() == [
            ("Bo", None),
            ("Cy", None),
            ("Di", None),
            ("Ed", None),
            ("Parent Hopper", "G3"),
        ]
        assert cells(app, "#conferences", 2) == ["parent-principal"]

    drive(app, steps)


def test_editing_a_conference_changes_its_staff_and_attendees_by_picker(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_conference(1)
        await settle(pilot)
        assert options(app, "staff")[0] == "✓ Terry Teach · teacher · north (t1)"
        app.screen.query_one("#staff OptionList", OptionList).focus()
        await pilot.press("enter")  # the highlighted one: Terry, chosen
        await pick(pilot, "attendees", "parent tur")
        await pilot.press("ctrl+s")
        await settle(pilot)
        db = app.session.db
        assert (
            db.execute("SELECT staff_id FROM conference_staff WHERE conference_id = 1").fetchall()
            == []
        )
        assert db.execute(
            "SELECT name, guardian_id FROM conference_attendee WHERE conference_id = 1"
        ).fetchall() == [("Parent Turing", "G2")]
        app.open_conference(1)
        await settle(pilot)
        assert options(app, "attendees")[0] == "✓ Parent Turing (G2) · guardian"
        assert not options(app, "staff")[0].startswith("✓")

    drive(app, steps)


def test_a_picker_pages_its_list_from_the_database(app: PoltermApp) -> None:
    app.session.db["staff"].insert_all(
        {"id": f"x{i:03d}", "name": f"Xavier {i:03d}", "role": "teacher", "school_id": "north"}
        for i in range(120)
    )

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "n")
        app.screen.query_one("#staff Input", Input).focus()
        await pilot.press(*"xav")
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(options(app, "staff")) == 50
        await pilot.press("down", "end")
        await settle(pilot)
        assert len(options(app, "staff")) == 100
        assert options(app, "staff")[99] == "Xavier 099 · teacher · north (x099)"

    drive(app, steps)


def test_teacher_filter_is_a_picker_that_narrows_the_students(app: PoltermApp) -> None:
    app.session.db["staff"].insert({"id": "t2", "name": "Tess Other", "role": "teacher"})

    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        assert len(cells(app, "#students", 2)) == 5
        await choose(pilot, "teacher", "terry")
        assert "Terry Teach" in str(app.screen.query_one("#teacher").label)
        assert sorted(cells(app, "#students", 2)) == ["S1", "S2", "S3", "S4"]
        await pilot.press("backspace")
        await settle(pilot)
        assert str(app.screen.query_one("#teacher").label) == "Teacher: any"
        assert len(cells(app, "#students", 2)) == 5

    drive(app, steps)


def footer_keys(app: PoltermApp) -> list[str]:
    return [str(key.key_display) for key in app.screen.query("Footer FooterKey")]


def test_question_mark_is_help_outside_text_fields_and_f1_is_help_everywhere(
    app: PoltermApp,
) -> None:
    from polterm.ui.screens.help import HelpScreen

    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        assert app.focused is search
        assert "F1" in footer_keys(app) and "?" not in footer_keys(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert search.value == "?" and not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        app.screen.query_one("#students").focus()
        await pilot.pause()
        assert "?" in footer_keys(app) and "F1" not in footer_keys(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "F1" in text_of(app, "#keys")

    drive(app, steps)


def test_help_keys_work_in_a_form_and_list_its_keys(app: PoltermApp) -> None:
    from polterm.ui.screens.conference import ConferenceForm
    from polterm.ui.screens.help import HelpScreen

    async def steps(pilot: Pilot) -> None:
        app.open_conference(1)
        await settle(pilot)
        assert "F1" in footer_keys(app)  # the date field has focus
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Save" in text_of(app, "#keys")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConferenceForm)  # Escape closed the help, not the form
        app.screen.query_one("#remote").focus()
        await pilot.pause()
        assert "?" in footer_keys(app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)

    drive(app, steps)


def test_conduct_shows_the_escalation_steps_for_a_student_at_that_stage(
    remote_app: PoltermApp,
) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "h")
        steps_shown = app.screen.query_one("EscalationSteps")
        assert steps_shown.display
        text = text_of(app, "EscalationSteps .steps")
        assert "the teacher must report this to the principal or designee" in text
        assert "1. Three attempts to reach the parent" in text
        first = app.screen.query(".tick").first()  # the conference's own checklist still ticks
        first.value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        (checklist,) = app.session.db.execute(
            "SELECT checklist FROM conference WHERE student_id = 'S1'"
        ).fetchone()
        assert f'"{first.name}": true' in checklist
        assert "clinton-6310-escalation" not in checklist and "attempts" not in checklist

    drive(app, steps)


def test_conduct_hides_the_escalation_steps_when_nothing_is_owed(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S2", "h")
        assert not app.screen.query_one("EscalationSteps").display

    drive(app, steps)


def test_escalation_form_shows_the_step_and_reports_to_a_picked_principal(
    remote_app: PoltermApp,
) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1")
        assert "the teacher must report this" in text_of(app, "#body")
        await pilot.press("e")
        await settle(pilot)
        text = text_of(app, "EscalationSteps .steps")
        assert "▶ 3 attempts to reach the parent" in text
        assert "2. The teacher reported the inability to reach the parent" in text
        app.screen.query_one("#to_staff_id").focus()
        await pilot.press("enter")
        await settle(pilot)
        offered = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert offered == [  # only the principal and designees of the student's school
            "Dee Designee · designee · north (d1)",
            "Pam Principal · principal · north (p1)",
        ]
        await pilot.press("escape")
        await choose(pilot, "to_staff_id", "pam")
        assert "Pam Principal" in str(app.screen.query_one("#to_staff_id").label)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session.db.execute(
            "SELECT made_on, to_staff_id FROM escalation WHERE student_id = 'S1'"
        ).fetchall() == [("2025-10-15", "p1")]
        body = text_of(app, "#body")
        assert "the teacher must report this" not in body
        assert "must contact the emergency contact" in body

    drive(app, steps)


def test_welfare_check_form_shows_the_step_and_its_record_ends_the_action(
    remote_app: PoltermApp,
) -> None:
    app = remote_app

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S2", "w")
        text = text_of(app, "EscalationSteps .steps")
        assert "▶ The parent could not be reached" in text
        assert "4. The welfare-check outcome is recorded" in text
        app.screen.query_one("#outcome", Input).focus()
        await pilot.press(*"family safe", "ctrl+s")
        await settle(pilot)
        assert app.session.db.execute(
            "SELECT made_on, outcome FROM welfare_check WHERE student_id = 'S2'"
        ).fetchall() == [("2025-10-15", "family safe")]
        assert "must contact the emergency contact" not in text_of(app, "#body")

    drive(app, steps)


def test_after_a_write_the_cursor_stays_on_the_conference_it_was_on(app: PoltermApp) -> None:
    second = app.session.insert(  # dated today, after conference 1: it may be marked held
        "conference",
        {"student_id": "S2", "kind": "parent-teacher", "at": "2025-10-15T17:00"},
        student_id="S2",
    )

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S2")
        app.screen.query_one("#conferences").focus()
        await pilot.press("down", "h")
        await settle(pilot)
        app.screen.query_one("#held").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.session.db.execute(
            "SELECT id, status FROM conference WHERE student_id = 'S2' ORDER BY id"
        ).fetchall() == [(1, "scheduled"), (second, "held")]
        assert app.screen.selected_conference() == second  # h again conducts the same one
        assert cells(app, "#conferences", 3) == ["scheduled", "held"]

    drive(app, steps)


def test_a_screen_first_opened_after_a_theme_change_has_the_new_theme(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("p")  # the policies screen is built now, under the new theme
        await settle(pilot)
        light = app.screen.query_one("#rules").styles.background
        await pilot.press("d")
        await settle(pilot)
        assert app.screen.query_one("#findings").styles.background == light
        app.theme = "textual-dark"
        await settle(pilot)
        assert app.screen.query_one("#findings").styles.background != light

    drive(app, steps)


def test_a_form_follows_the_terminal_when_it_is_resized(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "n")
        form = app.screen
        wide = form.query_one(".dialog").size.width
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert form.size == (80, 24)
        assert form.query_one(".dialog").size.width < wide

    drive(app, steps)


def test_enter_before_the_first_page_arrives_takes_its_first_match(app: PoltermApp) -> None:
    """Typed, then Enter while the page for that text is still being read: it is taken as it
    comes, not dropped."""
    from polterm.ui.widgets.picker import PickerScreen

    release = threading.Event()

    def slow(session: Session, text: str, offset: int, limit: int) -> list[tuple[str, str]]:
        if text:
            release.wait(5)
        return [(f"{text}-1", f"first for {text}"), (f"{text}-2", "second")][:limit]

    chosen: list[tuple[str, str] | None] = []

    async def steps(pilot: Pilot) -> None:
        app.push_screen(PickerScreen("Pick", slow, "type"), chosen.append)
        await settle(pilot)
        await pilot.press(*"ada")
        await pilot.pause(0.3)  # past the debounce: the page for "ada" is being read
        await pilot.press("enter")
        release.set()
        await until(pilot, lambda: bool(chosen))
        assert chosen == [("ada-1", "first for ada")]

    drive(app, steps)
