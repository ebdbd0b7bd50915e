"""Command palette: jump to a screen, a student by name, or a conference by number, and act:
a new conference for a student, a student's calendar, your own calendar."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from polterm.ui.screens import TOP_LEVEL
from polterm.ui.text import plain

MY_CALENDAR = "Export my calendar"


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
        from polterm.services.views import conference_hit, search_students

        if text.isdigit():
            label = await asyncio.to_thread(lambda: conference_hit(app.reader(), int(text)))  # type: ignore[attr-defined]
            if label is not None:  # only a conference the user may read, else nothing at all
                yield Hit(1.0, plain(label), partial(app.open_conference, int(text)))  # type: ignore[attr-defined]
        if len(text) >= 2:
            rows = await asyncio.to_thread(lambda: search_students(app.reader(), text))  # type: ignore[attr-defined]
            for r in rows:
                who = f"{r['given']} {r['family']} ({r['id']}"
                go = partial(app.open_student, r["id"])  # type: ignore[attr-defined]
                yield Hit(0.9, plain(f"{who}, grade {r['grade']})"), go, help="Open student")
                new = partial(app.new_conference, r["id"])  # type: ignore[attr-defined]
                yield Hit(0.8, plain(f"New conference for {who})"), new)
                export = partial(app.export_calendar, student_id=r["id"])  # type: ignore[attr-defined]
                yield Hit(0.7, plain(f"Export calendar for {who})"), export)

    def open_outbox(self) -> None:
        """E-mail to the families the person reaches (their school's, for the office)."""
        from polterm.ui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen())
