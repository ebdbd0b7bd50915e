"""Pilot tests of the mail screens: a student's outbox with preview and resend, and the
office's call list on Today."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from polterm.policy import ConferenceDraft
from polterm.services import mail_settings
from polterm.services.conferences import schedule_conference
from polterm.services.session import Actor, Session
from polterm.ui.app import PoltermApp
from tests.ui.conftest import TODAY
from tests.ui.test_flows import at_student, cells, drive, settle

OFFICE = Actor("o1", "Olive Office", "office", "north", "olive")


def _mail_on(session: Session) -> None:
    """E-mail set up, G1 (Spanish) with an address, and a conference for S1 and S2 ahead."""
    mail_settings.configure(
        session, host="127.0.0.1", port=2525, security="none", from_address="office@example.org"
    )
    session.db.execute("UPDATE guardian SET email = 'g1@example.org' WHERE id = 'G1'")
    for student, at in (("S1", "2030-09-10T15:00"), ("S2", "2030-09-11T15:00")):
        schedule_conference(
            session, ConferenceDraft(student, "parent-principal", at, staff_ids=("t1",))
        )


def test_the_student_outbox_previews_a_message_and_resends_a_bounced_one(
    session: Session,
) -> None:
    _mail_on(session)
    session.db.execute("UPDATE mail_outbox SET status = 'bounced' WHERE guardian_id = 'G1'")
    app = PoltermApp(session, today=TODAY)

    async def steps(pilot: Pilot) -> None:
        await at_student(pilot, "S1", "o")
        assert cells(app, "#outbox", 1) == ["bounced"]
        preview = str(app.screen.query_one("#preview", Static).render())
        assert "Invitación a una conferencia" in preview and "METHOD:REQUEST" in preview
        await pilot.press("r")
        await settle(pilot)
        assert cells(app, "#outbox", 1) == ["queued"]

    drive(app, steps)
    assert session.db.execute(
        "SELECT status FROM mail_outbox WHERE guardian_id = 'G1'"
    ).fetchall() == [("queued",)]


def test_office_staff_see_the_families_to_phone_on_today(session: Session) -> None:
    _mail_on(session)
    session.db["staff"].insert(
        {"id": "o1", "name": "Olive Office", "role": "office", "school_id": "north"}
    )
    office = PoltermApp(Session(session.db, OFFICE, session.registry), today=TODAY)

    async def steps(pilot: Pilot) -> None:
        assert cells(office, "#calls", 3) == ["Parent Turing"]
        assert office.screen.query_one("#calls").display

    drive(office, steps)
    it = PoltermApp(session, today=TODAY)

    async def hidden(pilot: Pilot) -> None:
        assert not it.screen.query_one("#calls").display

    drive(it, hidden)


def test_the_palette_opens_the_outbox_of_the_office_school_only(session: Session) -> None:
    _mail_on(session)
    session.db.execute("UPDATE guardian SET email = 'g5@example.org'")
    schedule_conference(session, ConferenceDraft("S5", "parent-principal", "2030-09-12T15:00"))
    session.db["staff"].insert(
        {"id": "o1", "name": "Olive Office", "role": "office", "school_id": "north"}
    )
    office = PoltermApp(Session(session.db, OFFICE, session.registry), today=TODAY)

    async def steps(pilot: Pilot) -> None:
        await pilot.press("ctrl+p", *"e-mail outbox")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(cells(office, "#outbox", 4)) == ["S1", "S2"]  # not South High's S5

    drive(office, steps)
