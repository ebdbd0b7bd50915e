"""The `polterm` command line: the scripting face of the service layer (see CONTRACT.md)."""

from __future__ import annotations

import sys

import click

from polterm import __version__
from polterm.cli.state import State, common_options, pass_state
from polterm.errors import PoltermError


class PoltermGroup(click.Group):
    """Shows commands in the order they were added, which is the order a district needs them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


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

        run_ui(state)


def _register() -> None:
    """Attach every command module; each adds its own commands to `cli`."""
    from polterm.cli import commands

    commands.register(cli)
    _register_plugin_commands()


def _register_plugin_commands() -> None:
    """Let each installed plugin add its own commands; one that fails is left out, not fatal."""
    from polterm.plugins import make_plugin_manager

    pm, _, _ = make_plugin_manager()
    for impl in pm.hook.polterm_register_commands.get_hookimpls():
        try:
            impl.function(cli=cli)
        except Exception as error:
            click.echo(
                f"policy plugin {impl.plugin_name!r} could not add its commands: {error}", err=True
            )


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors on stderr and CONTRACT.md's exit codes."""
    try:
        code = cli.main(args=argv, prog_name="polterm", standalone_mode=False)
    except PoltermError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(error.exit_code)
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


_register()
