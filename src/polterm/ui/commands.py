"""Command palette: jump to a screen, a student by name, or a conference by number, and act:
a new conference for a student, a student's calendar, your own calendar."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from polterm.errors import PoltermError
from polterm.ui.screens import TOP_LEVEL

MY_CALENDAR = "Export my calendar"


def conference_label(conference: dict[str, Any]) -> str:
    """The conference's number, student and date: its number alone says nothing."""
    when = conference["at"].replace("T", " ")
    return f"Conference {conference['id']} · {conference['student']} · {when}"


class JumpProvider(Provider):
    """Students come from the same paged prefix search as the students screen (20 at most)."""

    def actions(self) -> list[tuple[str, Any]]:
        app = self.app
        screens = [(f"Open {name}", partial(app.action_open, name)) for name in TOP_LEVEL]  # type: ignore[attr-defined]
        mine = partial(app.export_calendar, staff_id=app.session.actor.staff_id)  # type: ignore[attr-defined]
        return [*screens, ("Open e-mail outbox", self.open_outbox), (MY_CALENDAR, mine)]

    async def discover(self) -> Hits:
        for text, command in self.actions():
            yield DiscoveryHit(text, command)

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        for text, command in self.actions():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), command)
        text = query.strip()
        if text.isdigit():
            from polterm.services.conferences import get_conference

            try:
                found = await asyncio.to_thread(lambda: get_conference(app.reader(), text))  # type: ignore[attr-defined]
            except PoltermError:  # no such conference, or not the actor's to see
                found = None
            if found is not None:
                open_it = partial(app.open_conference, int(text))  # type: ignore[attr-defined]
                yield Hit(1.0, conference_label(found), open_it, help="Open conference")
        if len(text) >= 2:
            from polterm.services.views import search_students

            rows = await asyncio.to_thread(lambda: search_students(app.reader(), text))  # type: ignore[attr-defined]
            for r in rows:
                who = f"{r['given']} {r['family']} ({r['id']}"
                yield Hit(
                    0.9,
                    f"{who}, grade {r['grade']})",
                    partial(app.open_student, r["id"]),  # type: ignore[attr-defined]
                    help="Open student",
                )
                yield Hit(0.8, f"New conference for {who})", partial(app.new_conference, r["id"]))  # type: ignore[attr-defined]
                export = partial(app.export_calendar, student_id=r["id"])  # type: ignore[attr-defined]
                yield Hit(0.7, f"Export calendar for {who})", export)

    def open_outbox(self) -> None:
        """E-mail to the families the person reaches (their school's, for the office)."""
        from polterm.ui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen())
