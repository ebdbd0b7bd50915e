"""The server's own settings, which no user can change: /etc/polterm/polterm.toml.

When it exists it names the district's database. Then only IT staff of that district may
open another database (`--db`, `$POLTERM_DB`), so nobody can become IT of a file of their
own; only the account it names as `first_it` may create that database with `init` (before
then the file holds no staff at all, so nobody else could be told apart from IT); and
everyone else may write files (exports, scaffolds) only under its `output_dir`, when it
names one, and otherwise only to standard output. `$POLTERM_SYSTEM_CONFIG` points at
another file (for tests).

    database = "/srv/polterm/polterm.db"
    first_it = "itadmin"                   # who may run `init` on it
    output_dir = "/srv/polterm/exports"    # optional
"""

from __future__ import annotations

import os
import sqlite3
import tomllib
from dataclasses import dataclass
from pathlib import Path

from polterm.errors import PermissionDenied, PoltermError
from polterm.services.identity import resolve_actor
from polterm.services.session import os_user
from polterm.storage.db import read_only

SYSTEM_CONFIG = Path("/etc/polterm/polterm.toml")


@dataclass(frozen=True)
class SystemConfig:
    """What the server's administrator decided: the district database, where files may go."""

    path: Path
    database: Path
    output_dir: Path | None = None
    first_it: str | None = None

    def is_district(self, path: Path) -> bool:
        """Whether `path` names the district's database (by any name)."""
        return path.resolve() == self.database.resolve()


def system_config() -> SystemConfig | None:
    """The server's configuration, or None on a machine that has none (a laptop, a test)."""
    path = Path(os.environ.get("POLTERM_SYSTEM_CONFIG") or SYSTEM_CONFIG)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise PoltermError(f"cannot read {path}: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PoltermError(f"{path}: {error}") from None
    database, output_dir = data.get("database"), data.get("output_dir")
    first_it = data.get("first_it")
    if not isinstance(database, str) or not database:
        raise PoltermError(f"{path}: `database` must name the district's database file")
    if output_dir is not None and (not isinstance(output_dir, str) or not output_dir):
        raise PoltermError(f"{path}: `output_dir` must be a directory's path")
    if first_it is not None and (not isinstance(first_it, str) or not first_it):
        raise PoltermError(f"{path}: `first_it` must name an OS account")
    return SystemConfig(path, Path(database), Path(output_dir) if output_dir else None, first_it)


def check_district_init(path: Path) -> None:
    """Refuse `init` of the server's district database to all but the account the server's
    configuration names: until then any member of the database's group could become IT."""
    config = system_config()
    if config is None or not config.is_district(path):
        return
    if config.first_it is None or os_user() != config.first_it:
        named = f"`first_it` ({config.first_it})" if config.first_it else "`first_it`"
        raise PermissionDenied(
            f"{path}: on this server only the account {named} in {config.path} may create "
            "the district's database"
        )


def check_database(path: Path) -> None:
    """Refuse a database other than the district's to anyone but the district's IT staff."""
    config = system_config()
    if config is None or config.is_district(path) or _is_it(config):
        return
    raise PermissionDenied(
        f"{path}: on this server only IT staff may use a database other than "
        f"{config.database} (set in {config.path})"
    )


def check_output(path: Path) -> None:
    """Refuse to write `path` (a file or a directory to create) where the server forbids it."""
    config = system_config()
    if config is None or _is_it(config):
        return
    allowed = config.output_dir
    if allowed is not None and path.absolute().parent.resolve().is_relative_to(allowed.resolve()):
        return
    rule = f"files outside {allowed}" if allowed else "files (print to standard output instead)"
    raise PermissionDenied(f"cannot write {path}: on this server only IT staff may write {rule}")


def _is_it(config: SystemConfig) -> bool:
    """Whether the OS user (never someone acted for) is IT staff in the district's database."""
    try:
        with read_only(config.database) as db:
            return resolve_actor(db).role == "it"
    except (PoltermError, sqlite3.Error):
        return False
