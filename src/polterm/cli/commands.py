"""Every command module of the CLI; each module's `register(cli)` adds its commands."""

from __future__ import annotations

import click

from polterm.cli import (
    audit,
    conferences,
    demo,
    io,
    maintenance,
    people,
    policy,
    records,
    schools,
    setup,
)


def register(cli: click.Group) -> None:
    for module in (
        setup,
        demo,
        schools,
        people,
        conferences,
        records,
        maintenance,
        audit,
        policy,
        io,
    ):
        module.register(cli)
