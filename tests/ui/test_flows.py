"""Pilot tests: each flow driven by keys, checked on the screen and in the database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from polterm.ui.app import PoltermApp


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


def cells(app: PoltermApp, selector: str, column: int) -> list[str]:
    table = app.screen.query_one(selector, DataTable)
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def text_of(app: PoltermApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_dashboard_lists_the_open_request_and_todays_conference(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        assert "arrange-parent-request" in cells(app, "#findings", 4)
        assert cells(app, "#conferences", 1) == ["Alan Turing"]

    drive(app, steps)


def test_search_by_name_prefix_and_by_guardian_name_then_open_the_student(
    app: PoltermApp,
) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("s")
        await settle(pilot)
        assert cells(app, "#students", 0)[:2] == ["Dijkstra", "Hopper"]
        await pilot.press(*"tur")
        await pilot.pause(0.4)
        await settle(pilot)
        assert cells(app, "#students", 2) == ["S2"]
        app.screen.query_one("#search").value = "parent hop"
        await pilot.pause(0.4)
        await settle(pilot)
        assert cells(app, "#students", 2) == ["S3"]
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "Grace Hopper" in text_of(app, "#name")

    drive(app, steps)


def test_student_shows_interpreter_need_and_why_the_request_is_owed(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_student("S1")
        await settle(pilot)
        body = text_of(app, "#body")
        assert "needs an interpreter" in body
        assert "requested 2025-09-01" in body
        assert "Principals shall assist in arranging" in body
        assert "Board Policy P1471, item 1" in body

    drive(app, steps)


def test_scheduling_a_conference_for_the_request_clears_the_finding(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_student("S1")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#at").value = "2025-10-20T15:30"
        form.query_one("#staff").value = "t1"
        form.query_one("#attendees").value = "Parent Lovelace:G1"
        form.query_one("#request").value = "R1"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = app.session.db.execute(
            "SELECT kind, at, request_id FROM conference WHERE student_id = 'S1'"
        ).fetchone()
        assert row == ("parent-teacher", "2025-10-20T15:30", "R1")
        assert "Principals shall assist" not in text_of(app, "#body")
        await pilot.press("d")
        await settle(pilot)
        assert "arrange-parent-request" not in cells(app, "#findings", 4)

    drive(app, steps)


def test_form_warns_of_a_teacher_already_booked_before_saving(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_student("S3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#at").value = "2025-10-15T16:00"
        app.screen.query_one("#staff").value = "t1"
        await pilot.pause()
        assert "staff t1 already has conference 1" in text_of(app, "#warnings")

    drive(app, steps)


def test_conduct_ticks_the_checklist_records_the_plan_and_marks_held(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_student("S2")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
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
        app.open_student("S4")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
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
        app.open_student("S1")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
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
        assert ["p1471", "arrange-parent-request", "Board Policy P1471, item 1"] in [
            list(r[:3]) for r in rows
        ]
        assert any('"arrange_within_days": 5' in r[5] for r in rows)

    drive(app, steps)


def test_report_is_shown_and_saved_to_a_file(app: PoltermApp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "report.txt"

    async def steps(pilot: Pilot) -> None:
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#path").value = str(target)
        app.screen.query_one("#year").value = "2025-2026"
        app.screen.query_one("#school").value = "north"
        await settle(pilot)
        assert "Parental involvement report — North Elementary (north)" in text_of(app, "#report")
        await pilot.press("ctrl+s")
        await pilot.pause()

    drive(app, steps)
    assert "School year **2025-2026**" in target.read_text()


def test_help_lists_the_keys_of_the_screen(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.open_student("S1")
        await settle(pilot)
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
        await pilot.press("down", "enter")
        await settle(pilot)
        assert "Grace Hopper" in text_of(app, "#name")

    drive(app, steps)


def test_remote_period_is_added_then_ended_and_an_activity_listed(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
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
        app.screen.query_one("#school_id").value = "north"
        app.screen.query_one("#kind").value = "open-house"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app, "#involvement", 2) == ["open-house"]

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
        app.open_student("S3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#kind").value = "parent-principal"
        form.query_one("#initiated_by").value = "parent"
        form.query_one("#attendees").value = "Parent Turing:G2"
        await pilot.pause()
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
        table = app.screen.query_one("#students", DataTable)
        assert table.row_count == 100
        table.focus()
        await pilot.press("pagedown")
        await settle(pilot)
        assert table.row_count == 200

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


def test_enter_on_a_dashboard_finding_opens_its_student(app: PoltermApp) -> None:
    async def steps(pilot: Pilot) -> None:
        app.screen.query_one("#findings", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Ada Lovelace · S1" in text_of(app, "#name")

    drive(app, steps)
