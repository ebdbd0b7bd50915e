"""What every command shares: which database, who is acting, and opening both once."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import click
import platformdirs
from sqlite_utils import Database

from polterm import config
from polterm.engine import policy_migrations
from polterm.plugins import Registry, build_registry
from polterm.services.deployment import check_database, system_config
from polterm.services.identity import resolve_actor
from polterm.services.session import Session
from polterm.storage import open_database
from polterm.storage.db import migrate


def default_db_path() -> Path:
    """`$POLTERM_DB`, else the server's district database (/etc/polterm/polterm.toml), else
    `polterm.db` in the platform's user data dir."""
    env = os.environ.get("POLTERM_DB")
    if env:
        return Path(env)
    config = system_config()
    if config is not None:
        return config.database
    return Path(platformdirs.user_data_dir("polterm", appauthor=False)) / "polterm.db"


@dataclass
class State:
    """Options given before or after the command name land here; the last one given wins."""

    db_path: Path | None = None
    as_user: str | None = None
    _path: Path | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)
    _registry: Registry | None = field(default=None, repr=False)
    _session: Session | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        """The database to use; on a server, another than the district's only for its IT."""
        if self._path is None:
            path = self.db_path or default_db_path()
            check_database(path)
            self._path = path
        return self._path

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = build_registry()
        return self._registry

    def database(self, *, create: bool = False, policies: Iterable[str] = ()) -> Database:
        """Open and migrate the database, with the migrations of the policies the district uses
        or used (and of `policies`, which a new district is about to use): an installed
        plugin's tables stay out of districts that never enable it."""
        if self._db is None:
            db = open_database(self.path, create=create)
            migrate(db, policy_migrations(self.registry, [*config.ever_active(db), *policies]))
            self._db = db
        return self._db

    def session(self, *, create: bool = False) -> Session:
        """The acting person's session; refuses an OS user with no staff record."""
        if self._session is None:
            db = self.database(create=create)
            self._session = Session(db, resolve_actor(db, self.as_user), self.registry)
        return self._session


def _set_db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).db_path = Path(value)


def _set_as(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).as_user = value


def common_options(f):  # type: ignore[no-untyped-def]
    """`--db` and `--as`, accepted before the command name and after it."""
    f = click.option(
        "--as",
        "as_user",
        metavar="USERNAME",
        expose_value=False,
        callback=_set_as,
        help="IT staff: act for this user (recorded in the audit log).",
    )(f)
    return click.option(
        "--db",
        metavar="PATH",
        expose_value=False,
        callback=_set_db,
        help="Database file [default: $POLTERM_DB, else the one /etc/polterm/polterm.toml "
        "names, else the user data dir]; on a server with that file, IT staff only.",
    )(f)


pass_state = click.make_pass_decorator(State, ensure=True)
