"""Command palette: jump to a screen, a student by name, or a conference by number."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider

from polterm.ui.screens import TOP_LEVEL


class JumpProvider(Provider):
    """Students come from the same paged prefix search as the students screen (20 at most)."""

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        for name in TOP_LEVEL:
            score = matcher.match(f"Open {name}")
            if score > 0:
                yield Hit(score, matcher.highlight(f"Open {name}"), partial(app.action_open, name))  # type: ignore[attr-defined]
        score = matcher.match("Open e-mail outbox")
        if score > 0:
            yield Hit(score, matcher.highlight("Open e-mail outbox"), self.open_outbox)
        text = query.strip()
        if text.isdigit():
            yield Hit(1.0, f"Conference {text}", partial(app.open_conference, int(text)))  # type: ignore[attr-defined]
        if len(text) >= 2:
            from polterm.services.views import search_students

            rows = await asyncio.to_thread(lambda: search_students(app.reader(), text))  # type: ignore[attr-defined]
            for r in rows:
                label = f"{r['given']} {r['family']} ({r['id']}, grade {r['grade']})"
                yield Hit(0.9, label, partial(app.open_student, r["id"]), help="Open student")  # type: ignore[attr-defined]

    def open_outbox(self) -> None:
        """E-mail to the families the person reaches (their school's, for the office)."""
        from polterm.ui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen())
