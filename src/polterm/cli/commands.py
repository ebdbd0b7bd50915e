"""Every command module of the CLI; each module's `register(cli)` adds its commands."""

from __future__ import annotations

import click

from polterm.cli import (
    audit,
    conferences,
    maintenance,
    people,
    policy,
    records,
    schools,
    setup,
)


def register(cli: click.Group) -> None:
    for module in (setup, schools, people, conferences, records, maintenance, audit, policy):
        module.register(cli)
