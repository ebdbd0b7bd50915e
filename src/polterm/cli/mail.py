"""`polterm mail ...`: e-mail to families, its outbox, and the call list for the rest."""

from __future__ import annotations

import click

from polterm.cli.detail import emit_id
from polterm.cli.output import emit, emit_json, format_option
from polterm.cli.state import State, common_options, pass_state
from polterm.services import mail_queue, mail_send, mail_settings


@click.group("mail")
@common_options
def mail() -> None:
    """E-mail to families: settings, sending, the outbox and the call list."""


@mail.command("config")
@common_options
@click.option("--host", required=True, help="The SMTP server.")
@click.option("--port", required=True, type=int)
@click.option("--security", required=True, type=click.Choice(mail_settings.SECURITY))
@click.option("--user", "username", help="Log in as this user (password: see below).")
@click.option(
    "--password-file",
    metavar="PATH",
    help=f"A file (mode 600) whose first line is the password; ${mail_settings.PASSWORD_ENV} "
    "wins over it. The password is never stored in the database.",
)
@click.option("--from", "from_address", required=True, metavar="ADDRESS")
@click.option(
    "--reminder-hours",
    type=int,
    help=f"Remind families this many hours before (default {mail_settings.DEFAULT_REMINDER_HOURS}"
    "; 0: no reminders).",
)
@format_option()
@pass_state
def mail_config(
    state: State,
    host: str,
    port: int,
    security: str,
    username: str | None,
    password_file: str | None,
    from_address: str,
    reminder_hours: int | None,
    fmt: str,
) -> None:
    """Set the SMTP server mail to families goes through (IT only)."""
    emit(
        mail_settings.configure(
            state.session(),
            host=host,
            port=port,
            security=security,
            from_address=from_address,
            username=username,
            password_file=password_file,
            reminder_hours=reminder_hours,
        ),
        fmt,
    )


@mail.command("test")
@common_options
@click.argument("address")
@pass_state
def mail_test(state: State, address: str) -> None:
    """Send one test message to ADDRESS through the configured server."""
    mail_send.send_test(state.session(), address)
    click.echo("sent")


@mail.command("send")
@common_options
@click.option("--now", metavar="DATETIME", help="Act as of this time (default: now).")
@format_option()
@pass_state
@click.pass_context
def mail_send_cmd(ctx: click.Context, state: State, now: str | None, fmt: str) -> None:
    """Send what is due (reminders included); safe to run from cron or a timer.

    Exits 0 when nothing due is left unsent, 1 when something stays queued, failed or in doubt.
    """
    report = mail_send.send_due(state.session(), now)
    emit(report.as_dict(), fmt)
    ctx.exit(report.exit_code)


@mail.command("outbox")
@common_options
@click.option("--student", help="Only this student's messages.")
@click.option("--school", help="Only this school's messages.")
@click.option("--status", type=click.Choice(mail_queue.STATUSES))
@format_option()
@pass_state
def mail_outbox(
    state: State, student: str | None, school: str | None, status: str | None, fmt: str
) -> None:
    """List the messages to families, newest first."""
    emit(
        mail_queue.list_outbox(
            state.session(), student_id=student, school_id=school, status=status
        ),
        fmt,
        mail_queue.OUTBOX_COLUMNS,
    )


@mail.command("preview")
@common_options
@click.argument("message_id", metavar="ID")
@format_option()
@pass_state
def mail_preview(state: State, message_id: str, fmt: str) -> None:
    """Show an outbox message as the guardian reads it."""
    shown = mail_send.preview(state.session(), message_id)
    if fmt == "json":
        emit_json(shown)
        return
    click.echo(f"Subject: {shown['subject']}")
    click.echo(
        f"Calendar: METHOD:{shown['method']} UID:{shown['uid']} SEQUENCE:{shown['sequence']}"
    )
    click.echo()
    click.echo(shown["text"].rstrip())


@mail.command("resend")
@common_options
@click.argument("message_id", metavar="ID")
@format_option()
@pass_state
def mail_resend(state: State, message_id: str, fmt: str) -> None:
    """Queue a sent, failed, bounced or in-doubt message again (same Message-ID)."""
    row = mail_queue.resend(state.session(), message_id)
    emit({"id": row["id"], "status": row["status"]}, fmt)


@mail.command("calls")
@common_options
@click.option("--school", help="Only this school's list.")
@format_option()
@pass_state
def mail_calls(state: State, school: str | None, fmt: str) -> None:
    """Guardians to phone about a conference (no e-mail, or do-not-email)."""
    emit(
        mail_queue.call_list(state.session(), school),
        fmt,
        ["id", "school_id", "conference_at", "kind", "student", "guardian", "phone", "language",
         "why"],
    )  # fmt: skip


@mail.command("called")
@common_options
@click.argument("message_id", metavar="ID")
@click.option("--on", required=True, metavar="DATE")
@click.option("--outcome", required=True, type=click.Choice(mail_queue.CALL_OUTCOMES))
@format_option()
@pass_state
def mail_called(state: State, message_id: str, on: str, outcome: str, fmt: str) -> None:
    """Record a call from the call list (a contact attempt); prints the attempt's id."""
    emit_id(mail_queue.record_call(state.session(), message_id, on, outcome), fmt)


@mail.command("do-not-email")
@common_options
@click.argument("guardian_id", metavar="GUARDIAN_ID")
@click.option("--off", is_flag=True, help="E-mail this guardian again.")
@format_option()
@pass_state
def mail_do_not_email(state: State, guardian_id: str, off: bool, fmt: str) -> None:
    """Mark a guardian as not to be e-mailed: they go on the call list instead."""
    emit(mail_queue.set_do_not_email(state.session(), guardian_id, not off), fmt)
