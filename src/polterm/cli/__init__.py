"""The `polterm` command line: the scripting face of the service layer (see CONTRACT.md)."""

from __future__ import annotations

import importlib
import sqlite3
import sys

import click

from polterm import __version__
from polterm.cli.state import State, common_options, pass_state
from polterm.cli.stdout import held_until_success, release
from polterm.display import visible
from polterm.errors import PoltermError

# Each command's module and attribute, in the order a district needs them. A module is imported
# only when its command runs or `--help` lists it: opening the UI imports none of them.
COMMANDS = {
    "init": "setup:init",
    "demo": "demo:demo",
    "school": "schools:school",
    "period": "schools:period",
    "remote-period": "schools:remote_period",
    "involvement": "schools:involvement",
    "staff": "people:staff",
    "student": "people:student",
    "guardian": "people:guardian",
    "emergency-contact": "people:emergency_contact",
    "section": "sections:section",
    "enroll": "sections:enroll",
    "family": "sections:family",
    "event": "events:event",
    "interpreter": "events:interpreter",
    "conference": "conferences:conference",
    "document": "conferences:document",
    "attempt": "records:attempt",
    "escalation": "records:escalation",
    "welfare-check": "records:welfare_check",
    "request": "records:request",
    "progress-report": "records:progress_report",
    "approval-1806": "records:approval_1806",
    "backup": "maintenance:backup",
    "refresh": "maintenance:refresh",
    "audit": "audit:audit",
    "check": "policy:check",
    "rules": "policy:rules",
    "plugins": "policy:plugins",
    "new-policy": "policy:new_policy",
    "config": "policy:config_group",
    "import": "io:import_group",
    "export": "io:export_group",
    "report": "io:report_group",
    "mail": "mail:mail",
}


class PoltermGroup(click.Group):
    """Imports a command's module when the command is asked for (`llm` and Flask do the same);
    lists the built-in commands in the order above, then the ones plugins add."""

    plugin_commands_added = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands(ctx)
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            if cmd_name in COMMANDS:
                module, attribute = COMMANDS[cmd_name].split(":")
                command = getattr(importlib.import_module(f"polterm.cli.{module}"), attribute)
                self.add_command(command, cmd_name)
            else:
                self._add_plugin_commands(ctx)
        return self.commands.get(cmd_name)

    def _add_plugin_commands(self, ctx: click.Context) -> None:
        """Let each installed plugin add its own commands, once; one that fails is left out, not
        fatal. The plugins are those of the command's own registry, so they load only once."""
        if self.plugin_commands_added:
            return
        self.plugin_commands_added = True
        pm = ctx.find_root().ensure_object(State).registry.pm
        for impl in pm.hook.polterm_register_commands.get_hookimpls():
            try:
                impl.function(cli=self)
            except Exception as error:
                click.echo(
                    f"policy plugin {impl.plugin_name!r} could not add its commands: {error}",
                    err=True,
                )


@click.group(
    cls=PoltermGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@common_options
@click.version_option(__version__, prog_name="polterm")
@pass_state
@click.pass_context
def cli(ctx: click.Context, state: State) -> None:
    """Parent-teacher conferences and the district's conference policy, in one place.

    Run without a command to open the terminal UI.
    """
    if ctx.invoked_subcommand is None:
        from polterm.ui import run_ui

        release()
        run_ui(state)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors on stderr and CONTRACT.md's exit codes."""
    try:
        with held_until_success():
            code = cli.main(args=argv, prog_name="polterm", standalone_mode=False)
    except PoltermError as error:
        click.echo(f"Error: {visible(error.message)}", err=True)
        sys.exit(error.exit_code)
    except sqlite3.IntegrityError as error:  # a schema check a write path did not test first
        click.echo(f"Error: the database refused the change: {visible(str(error))}", err=True)
        sys.exit(PoltermError.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as error:
        message = " ".join(error.format_message().split())  # CONTRACT.md: one line
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        click.echo(f"Error: {message}{hint}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    if isinstance(code, int) and code:
        sys.exit(code)
