"""Policy commands: `check`, `rules`, `plugins`, `new-policy` and the `config` group."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from json.encoder import encode_basestring as _str  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import click

from polterm import config
from polterm.cli.output import emit, emit_table, format_option, raw_option
from polterm.cli.state import State, common_options, pass_state
from polterm.display import csv_cell
from polterm.engine import (
    MARKS,
    ROW_SEP,
    FindingBlock,
    Part,
    evaluate_in_order,
    missing_policies,
)
from polterm.errors import PoltermError
from polterm.plugins import PluginError, Registry
from polterm.policy import FINDING_KEYS, STATUSES, Finding, cite
from polterm.services import stored_check
from polterm.services.policies import (
    disable_policy,
    enable_policy,
    policy_states,
    set_setting,
)
from polterm.services.session import Session
from polterm.services.validate import parse_date

EXIT_FOUND = 1
EXIT_PLUGIN_FAILED = 3
TABLE_COLUMNS = ("policy", "rule", "status", "school_id", "student_id", "conference_id", "due")
CHUNK = 5000  # findings per write
TEXT_CHUNK = 1 << 20  # characters of a block's text per write, a size the CPU cache holds


@click.command()
@common_options
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluate as of this date [default: today].")
@click.option("--policy", metavar="P", help="Only this policy's findings.")
@click.option("--school", "school_id", metavar="ID", help="Only this school.")
@click.option("--student", "student_id", metavar="ID", help="Only this student.")
@format_option("table", "json", "csv")
@raw_option()
@click.option(
    "--fail-on",
    type=click.Choice(STATUSES),
    help="Exit 1 when any finding has exactly this status (overdue does not count as due).",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Evaluate the policies even when the finding store already holds their answer.",
)
@pass_state
def check(
    state: State,
    as_of: str | None,
    policy: str | None,
    school_id: str | None,
    student_id: str | None,
    fmt: str,
    raw: bool,
    fail_on: str | None,
    fresh: bool,
) -> None:
    """Evaluate the district's active policies as of a date; you see only whom you may see.

    The findings come from the finding store when it holds that day's answer for the
    policies and settings in force now (`polterm refresh` fills it); the output is the same.

    Exit status: 0 done; 1 `--fail-on` matched a finding; 2 bad input; 3 a policy plugin is
    missing or failed (one line each on stderr; the other policies' findings still print).
    """
    from polterm.services import authz
    from polterm.services.refs import require_filters

    day = parse_date(as_of, "--as-of") if as_of else date.today()
    session = state.session()
    db = session.db
    active = config.active_policies(db, day)
    if policy is not None and policy not in active:
        raise PoltermError(
            f"policy {policy!r} is not active in this district on {day.isoformat()}"
            f" (active: {', '.join(active)})"
        )
    require_filters(session, "student.read", school_id=school_id, student_id=student_id)
    scope = authz.within(session, school_id=school_id, student_id=student_id)
    problems = [
        m for m in missing_policies(db, state.registry, day) if policy is None or repr(policy) in m
    ]
    errors: list[PluginError] = []  # an evaluation's failures, known once it is printed
    if not fresh and stored_check.answers(db, state.registry, day):
        answer = _stored(stored_check.StoredFindings(db, scope, policy), day)
    else:
        errors.extend(state.registry.errors)
        parts = evaluate_in_order(
            db, state.registry, day, errors, scope=scope, policies=[policy] if policy else None
        )
        answer = _evaluated(parts, day)
    _print_findings(answer, fmt, raw=raw)
    failed = [str(e) for e in errors if policy is None or _belongs(e.plugin, policy, state)]
    for line in problems + failed:
        click.echo(line, err=True)
    ctx = click.get_current_context()
    if problems or failed:
        ctx.exit(EXIT_PLUGIN_FAILED)
    if fail_on and answer.has_status(fail_on):
        ctx.exit(EXIT_FOUND)


@dataclass
class Answer:
    """What `check` prints, from an evaluation or from the store, as each format reads it
    (once: an evaluation's parts are written as they come and let go)."""

    as_of: date
    json_pieces: Callable[[], Iterator[tuple[bytes, ...]]]  # lines joined by ",\n", in parts
    rows: Callable[[], Iterable[Sequence[Any]]]  # values in FINDING_KEYS order
    findings: Callable[[], list[Finding]]
    has_status: Callable[[str], bool]


def _evaluated(parts: Iterator[Part], as_of: date) -> Answer:
    """An evaluation's parts as they finish, noting their statuses for `--fail-on`."""
    statuses: set[str] = set()

    def noted() -> Iterator[Part]:
        for part in parts:
            statuses.update(
                part.statuses if isinstance(part, FindingBlock) else (f.status for f in part)
            )
            yield part

    def findings() -> Iterator[Finding]:
        for part in noted():
            yield from part.findings() if isinstance(part, FindingBlock) else part

    return Answer(
        as_of,
        lambda: (pieces for part in noted() for pieces in _part_json(part)),
        lambda: ([getattr(f, k) for k in FINDING_KEYS] for f in findings()),
        lambda: list(findings()),
        statuses.__contains__,
    )


def _stored(stored: stored_check.StoredFindings, as_of: date) -> Answer:
    return Answer(
        as_of,
        lambda: ((lines,) for lines in stored.json_lines()),
        stored.rows,
        stored.findings,
        stored.has_status,
    )


def _belongs(plugin: str, policy: str, state: State) -> bool:
    """A plugin error concerns the asked policy, or a plugin that never said its policy."""
    loaded = state.registry.policies.get(policy)
    names = {p.plugin for p in state.registry.policies.values()}
    return (loaded is not None and loaded.plugin == plugin) or plugin not in names


def finding_json(f: Finding) -> str:
    """`json.dumps(f.as_dict())`, three times faster: the keys are fixed, only values vary."""
    p = _EVERY_KEY
    try:
        return (
            f"{p[0]}{_str(f.policy)}{p[1]}{_str(f.rule)}{p[2]}{_str(f.status)}{p[3]}"
            f"{_opt(f.student_id)}{p[4]}"
            f"{'null' if f.conference_id is None else f'{f.conference_id:d}'}{p[5]}"
            f"{_opt(f.school_id)}{p[6]}{_opt(f.due)}{p[7]}{_str(f.message)}{p[8]}"
            f"{_str(f.citation)}{p[9]}"
        )
    except (TypeError, ValueError):  # a value of an unexpected type: let json say it
        return json.dumps(f.as_dict(), ensure_ascii=False, default=str)


def _opt(value: str | None) -> str:
    return "null" if value is None else _str(value)


def _line_parts(columns: tuple[str, ...], fixed: dict[str, Any]) -> list[str]:
    """A finding's JSON line cut before and after each of the varying `columns`: the text
    between them holds the keys and the `fixed` values, so a row needs only its own values."""
    parts = [""]
    for i, key in enumerate(FINDING_KEYS):
        parts[-1] += f'{", " if i else "{"}"{key}": '
        if key in columns:
            parts.append("")
        else:
            parts[-1] += _json(fixed[key])
    parts[-1] += "}"
    return parts


def _json(value: Any) -> str:
    """One JSON value, as `json.dumps(value, ensure_ascii=False)` writes it."""
    if value is None:
        return "null"
    if type(value) is str:
        return _str(value)
    if type(value) is int:
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


_EVERY_KEY = _line_parts(FINDING_KEYS, {})


def _block_json(block: FindingBlock) -> Iterator[tuple[bytes, ...]]:
    """A block's findings as JSON lines, a piece at a time: its text already holds each row's
    values as JSON, so putting the fixed text in place of the marks makes the lines."""
    parts = [part.encode() for part in _line_parts(block.columns, block.fixed)]
    head, tail = parts[0], parts[-1]
    text, start, row_sep = block.text, 0, ROW_SEP.encode()
    while start < len(text):
        end = text.find(row_sep, start + TEXT_CHUNK)
        end = len(text) if end < 0 else end
        piece = text[start + 1 : end - 1]  # the rows' arrays without the first [ and last ]
        for mark, between in zip(MARKS, parts[1:-1], strict=False):
            piece = piece.replace(f",{mark},".encode(), between)
        yield head, piece.replace(b"]" + row_sep + b"[", tail + b",\n" + head), tail
        start = end + 1


def _part_json(part: Part) -> Iterator[tuple[bytes, ...]]:
    """A part's findings as JSON lines, a piece at a time, each piece in fragments (writing
    them one by one saves copying hundreds of megabytes once more)."""
    if isinstance(part, FindingBlock):
        yield from _block_json(part)
        return
    for start in range(0, len(part), CHUNK):
        yield (",\n".join(map(finding_json, part[start : start + CHUNK])).encode(),)


def _print_findings(answer: Answer, fmt: str, *, raw: bool = False) -> None:
    """Write the findings a piece at a time, without a per-line echo; JSON as UTF-8 bytes, as
    the rules' blocks hold it (encoding hundreds of megabytes again costs a quarter second)."""
    out = sys.stdout
    as_of = answer.as_of.isoformat()
    if fmt == "json":
        out.flush()
        buffer = out.buffer
        buffer.write(f'{{"as_of": "{as_of}", "findings": ['.encode())
        sep = b"\n"
        for fragments in answer.json_pieces():
            buffer.write(sep)
            for fragment in fragments:
                buffer.write(fragment)
            sep = b",\n"
        buffer.write(b"\n]}\n")
        buffer.flush()
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FINDING_KEYS)
        rows, tty = iter(answer.rows()), out.isatty()
        while chunk := list(islice(rows, CHUNK)):
            writer.writerows([csv_cell(v, raw=raw, terminal=tty) for v in row] for row in chunk)
    elif not (findings := answer.findings()):
        click.echo(f"No findings as of {as_of}.")
    else:
        emit_table([f.as_dict() for f in findings], (*TABLE_COLUMNS, "message"))
    out.flush()


@click.command()
@common_options
@click.option("--policy", metavar="P", help="Only this policy's rules.")
@format_option()
@pass_state
def rules(state: State, policy: str | None, fmt: str) -> None:
    """List every installed policy's rules: citation, effective dates and settings in force.

    Settings are the district's values when a database exists, the rule defaults otherwise.
    """
    registry = state.registry
    _check_installed(registry, policy)
    db = state.database() if state.path.exists() else None
    out = []
    for name, loaded in sorted(registry.policies.items()):
        if policy is not None and name != policy:
            continue
        overrides = config.rule_settings(db, name) if db is not None else {}
        for rule in loaded.rules.values():
            out.append(
                {
                    "policy": name,
                    "rule": rule.id,
                    "title": rule.title,
                    "citation": rule.citation,
                    "effective_from": _iso(rule.effective_from),
                    "effective_to": _iso(rule.effective_to),
                    "settings": config.effective_settings(
                        rule.settings, overrides.get(rule.id, {}), strict=False
                    ),
                }
            )
    if fmt == "json":
        emit(out, fmt)
        return
    rows = [
        {
            **r,
            "settings": _settings_text(r["settings"]),
            "citation": cite(r["citation"], registry.policies[r["policy"]].info),
        }
        for r in out
    ]
    columns = ("policy", "rule", "citation", "effective_from", "effective_to", "settings", "title")
    emit_table(rows, columns)


@click.command()
@common_options
@format_option()
@pass_state
def plugins(state: State, fmt: str) -> None:
    """List the installed policy plugins: version, policy, hooks and rules.

    A plugin that failed to load is named on stderr and the exit status is 3.
    """
    registry = state.registry
    by_plugin = {loaded.plugin: loaded for loaded in registry.policies.values()}
    out = []
    for name, plugin in sorted(registry.pm.list_name_plugin()):
        if plugin is None:
            continue
        loaded = by_plugin.get(name)
        hooks = (
            loaded.hooks
            if loaded
            else sorted(c.name for c in registry.pm.get_hookcallers(plugin) or [] if c.name != "_")
        )
        out.append(
            {
                "name": name,
                "version": loaded.version if loaded else None,
                "policy": loaded.info.name if loaded else None,
                "hooks": hooks,
                "rules": list(loaded.rules) if loaded else [],
            }
        )
    emit(out, fmt, ("name", "version", "policy", "hooks", "rules"))
    for error in registry.errors:
        click.echo(str(error), err=True)
    if registry.errors:
        click.get_current_context().exit(EXIT_PLUGIN_FAILED)


@click.command("new-policy")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the package [default: ./polterm-NAME].",
)
def new_policy(name: str, directory: Path | None) -> None:
    """Scaffold an installable policy plugin package whose test passes straight away."""
    from polterm.scaffold import scaffold
    from polterm.services.deployment import check_output

    check_output(directory or Path(f"polterm-{name}"))
    target = scaffold(name, directory)
    click.echo(f"Created {target}")
    click.echo(f"Next: pip install -e {target} && polterm plugins")


@click.group("config")
def config_group() -> None:
    """View and change which policies are active and the district's rule settings."""


@config_group.command("policies")
@common_options
@format_option()
@pass_state
def config_policies(state: State, fmt: str) -> None:
    """The district's policies (after every dated change), whether each is installed, and
    since or from when each is in force."""
    session = state.session()
    installed = state.registry.policies
    states = {p["policy"]: p["state"] for p in policy_states(session, date.today())}
    rows = [
        {
            "policy": name,
            "installed": name in installed,
            "version": installed[name].version if name in installed else None,
            "state": states[name],
        }
        for name in config.active_policies(session.db)
    ]
    emit(rows, fmt, ("policy", "installed", "version", "state"))


@config_group.group("policy")
def config_policy() -> None:
    """Switch a policy on or off for this district from a date (IT only, audited)."""


def _policy_change(verb: str, change: Callable[[Session, str, date], None]) -> click.Command:
    """`config policy enable|disable NAME [--from DATE]`: the two differ only in the service."""

    @common_options
    @click.argument("name")
    @click.option(
        "--from", "from_", metavar="DATE", help="The day the change takes effect [default: today]."
    )
    @pass_state
    def command(state: State, name: str, from_: str | None) -> None:
        effective = parse_date(from_, "--from") if from_ else date.today()
        change(state.session(), name, effective)
        click.echo(f"{name}: {verb}d from {effective.isoformat()}")

    command.__doc__ = (
        f"{verb.capitalize()} policy NAME from a date; checks of earlier dates keep the old set."
    )
    return config_policy.command(verb)(command)


_policy_change("enable", enable_policy)
_policy_change("disable", disable_policy)


@config_group.command("settings")
@common_options
@click.option("--policy", metavar="P", help="Only this policy's overrides.")
@format_option()
@pass_state
def config_settings(state: State, policy: str | None, fmt: str) -> None:
    """The district's overrides of rule defaults."""
    db = state.session().db
    names = [policy] if policy else config.active_policies(db)
    rows = [
        {"policy": name, "rule": rule, "key": key, "value": value}
        for name in names
        for rule, values in sorted(config.rule_settings(db, name).items())
        for key, value in sorted(values.items())
    ]
    emit(rows, fmt, ("policy", "rule", "key", "value"))


@config_group.command("set")
@common_options
@click.argument("policy")
@click.argument("rule")
@click.argument("key")
@click.argument("value")
@pass_state
def config_set(state: State, policy: str, rule: str, key: str, value: str) -> None:
    """Override a rule setting; VALUE must fit the setting's type (`rules` shows the defaults).

    Types: a whole number, a number, true/false, a date YYYY-MM-DD, a month-day MM-DD or text,
    as the rule declares or its default shows; exit 2 when VALUE does not fit.
    """
    parsed = set_setting(state.session(), policy, rule, key, value)
    click.echo(f"{policy} {rule} {key} = {json.dumps(parsed)}")


@config_group.command("unset")
@common_options
@click.argument("policy")
@click.argument("rule")
@click.argument("key")
@pass_state
def config_unset(state: State, policy: str, rule: str, key: str) -> None:
    """Go back to the rule's default for a setting."""
    session = state.session()
    session.authorize("district.admin")
    session.delete("policy_setting", (policy, rule, key))
    click.echo(f"{policy} {rule} {key}: back to the default")


def _check_installed(registry: Registry, policy: str | None) -> None:
    if policy is not None and policy not in registry.policies:
        raise PoltermError(
            f"policy {policy!r} is not installed (installed: {', '.join(registry.policies)})"
        )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _settings_text(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={json.dumps(v)}" for k, v in values.items())
