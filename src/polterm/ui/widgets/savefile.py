"""Where to write a file the UI exports: asked, with a default shown; a file already there is
replaced only once the person confirms; the message names the full path written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static

from polterm.errors import PoltermError
from polterm.storage.db import database_file
from polterm.ui.widgets.dialog import FormDialog
from polterm.ui.widgets.footer import Footer

DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files beside the database


def safe_name(name: str) -> str:
    """A file name from ids and names: nothing but letters, digits, dot, dash and underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)


class SaveFileDialog(FormDialog):
    """`write(path)` writes the file (whole or not at all); dismisses True once written."""

    def __init__(self, title: str, default: str, write: Callable[[Path], None]) -> None:
        super().__init__("#path")
        self.title_text = title
        self.default = str(Path(default).expanduser().absolute())
        self.write = write
        self.confirmed: Path | None = None  # the existing file the person agreed to replace

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(escape(self.title_text), classes="title")
            yield Input(self.default, placeholder="File to write", id="path")
            yield Static("", id="confirm", classes="warnings")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def target(self) -> Path:
        return Path(self.query_one("#path", Input).value.strip()).expanduser().absolute()

    def refusal(self, path: Path) -> str | None:
        """Why `path` is no place for an export: a folder, or the district's database or one
        of its companion files (a replace would destroy every record)."""
        if path.is_dir():
            return f"{path} is a folder: name a file"
        db = database_file(self.app.session.db)  # type: ignore[attr-defined]
        if db:
            base = Path(db).resolve()
            kept = {base, *(base.with_name(base.name + end) for end in DATABASE_COMPANIONS)}
            if path.resolve() in kept:
                return f"{path} is the district's database: name another file"
        return None

    @on(Input.Changed, "#path")
    def path_changed(self) -> None:
        self.confirmed = None
        self.query_one("#confirm", Static).update("")

    @on(Input.Submitted, "#path")
    def submitted(self) -> None:
        self.save()

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(False)

    def save(self) -> None:
        path = self.target()
        refused = self.refusal(path)
        if refused:
            self.notify(escape(refused), severity="error", title="Not saved")
            return
        if path.exists() and self.confirmed != path:
            self.confirmed = path
            self.query_one("#confirm", Static).update(
                escape(f"{path} exists. Save again (ctrl+s or Enter) to replace it.")
            )
            return
        try:
            self.write(path)
        except (OSError, PoltermError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.notify(escape(f"{path}: {reason}"), severity="error", title="Not saved")
            return
        self.notify(escape(f"Saved to {path}"))
        self.dismiss(True)
