"""A queued message as an e-mail: Jinja2 text and HTML in the guardian's language, plus an
iCalendar request or cancellation the guardian's phone adds with one tap."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from polterm.display import one_line
from polterm.exporters.ics import local_time
from polterm.exporters.vtimezone import vtimezone
from polterm.services.localtime import instant

KINDS = ("invitation", "change", "cancellation", "reminder", "confirmation")
_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}  # fmt: skip


@dataclass(frozen=True)
class Rendered:
    """One message's words: subject, plain text, HTML and the iCalendar text (if any)."""

    subject: str
    text: str
    html: str
    ical: str
    method: str


def ical_method(kind: str) -> str:
    """CANCEL for a cancellation; every other message asks the calendar to hold the time."""
    return "CANCEL" if kind == "cancellation" else "REQUEST"


def render(
    kind: str,
    language: str,
    facts: Mapping[str, Any],
    *,
    organizer: str,
    attendee: str | None,
    tz: ZoneInfo,
    stamp: datetime,
) -> Rendered:
    """The message of this kind in this language, from the facts it was queued with."""
    start = datetime.strptime(facts["at"], "%Y-%m-%dT%H:%M")
    values = {
        **{k: one_line(v) if isinstance(v, str) else v for k, v in facts.items()},
        "date": _long_date(start, language),
        "time": start.strftime("%-I:%M %p") if language == "en" else start.strftime("%H:%M"),
    }
    env = _environment()
    text_template = env.get_template(f"{language}/{kind}.txt")
    context = text_template.new_context(values)
    subject = one_line("".join(text_template.blocks["subject"](context)))
    intro = one_line("".join(text_template.blocks["intro"](context)))
    text = text_template.render(values)
    html = env.get_template(f"{language}/base.html").render({**values, "intro": intro})
    method = ical_method(kind)
    ical = _calendar(facts, method, subject, organizer, attendee, tz, stamp)
    return Rendered(subject, text, html, ical, method)


def wire_message(
    rendered: Rendered,
    *,
    message_id: str,
    sender: str,
    sender_name: str,
    recipient: str,
    recipient_name: str,
    sent: datetime,
) -> bytes:
    """text/plain, text/html and text/calendar as alternatives of one message, in wire form
    (CRLF line ends, headers folded and RFC 2047-encoded), composed directly: building an
    EmailMessage and flattening it costs several milliseconds a message."""
    boundary = f"=_{uuid.uuid4().hex}"
    headers = [
        ("Subject", _header_text(one_line(rendered.subject))),
        ("From", formataddr((one_line(sender_name), sender), "utf-8")),
        ("To", formataddr((one_line(recipient_name), recipient), "utf-8")),
        ("Date", format_datetime(sent)),
        ("Message-ID", message_id),
        ("Auto-Submitted", "auto-generated"),
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    out = [f"{name}: {value}" for name, value in headers]
    out.append("")
    for subtype, body, extra in (
        ("plain", rendered.text, ""),
        ("html", rendered.html, ""),
        ("calendar", rendered.ical, f"; method={rendered.method}"),
    ):
        encoding, payload = _body(body)
        out += [
            f"--{boundary}",
            f'Content-Type: text/{subtype}; charset="utf-8"{extra}',
            f"Content-Transfer-Encoding: {encoding}",
            "",
            payload,
        ]
    out += [f"--{boundary}--", ""]
    return "\r\n".join(out).encode("ascii")


def _header_text(text: str) -> str:
    """An unstructured header's value: as it is when short ASCII, else RFC 2047 words folded
    at 76 (the email package's encoder, ~1 ms, only when needed)."""
    if text.isascii() and len(text) <= 900 and "=?" not in text:
        return text
    return Header(text, "utf-8").encode(linesep="\r\n")


def _body(text: str) -> tuple[str, str]:
    """A part's body for the wire: as it is when ASCII in short lines, else base64."""
    lines = text.splitlines()
    if text.isascii() and all(len(line) <= 900 for line in lines):
        return "7bit", "\r\n".join(lines) + ("\r\n" if text.endswith("\n") else "")
    return "base64", base64.encodebytes(text.encode("utf-8")).decode("ascii").rstrip("\n").replace(
        "\n", "\r\n"
    )


def plain_message(subject: str, text: str, *, sender: str, recipient: str) -> EmailMessage:
    """A message without calendar, for `mail test`."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = recipient
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg.set_content(text)
    return msg


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("polterm.mail", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _calendar(
    facts: Mapping[str, Any],
    method: str,
    summary: str,
    organizer: str,
    attendee: str | None,
    tz: ZoneInfo,
    stamp: datetime,
) -> str:
    """One VEVENT with the conference's UID and SEQUENCE, organised by the school."""
    start = instant(facts["at"], facts.get("fold", 0), tz)
    end = start + timedelta(minutes=facts["minutes"])
    event = Event()
    event.add("uid", facts["uid"])
    event.add("sequence", facts["sequence"])
    event.add("dtstamp", stamp.astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", local_time(start, tz))
    event.add("dtend", local_time(end, tz))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if facts.get("location"):
        event.add("location", facts["location"])
    org = vCalAddress(f"mailto:{organizer}")
    org.params["cn"] = facts["school"]
    event.add("organizer", org, encode=0)
    if attendee is not None:
        who = vCalAddress(f"mailto:{attendee}")
        who.params["cn"] = facts["guardian"]
        who.params["role"] = "REQ-PARTICIPANT"
        who.params["partstat"] = "NEEDS-ACTION"
        who.params["rsvp"] = "FALSE"
        event.add("attendee", who, encode=0)
    frame = _frame(method, tz, start.astimezone(tz).year, end.astimezone(tz).year)
    return frame.removesuffix(_END) + event.to_ical().decode() + _END


_END = "END:VCALENDAR\r\n"


@cache
def _frame(method: str, tz: ZoneInfo, first_year: int, last_year: int) -> str:
    """The calendar around the event (its properties and the zone's rules as `export ics`
    writes them), serialised once per method and years, not per message."""
    cal = Calendar()
    cal.add("prodid", "-//polterm//conferences//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-timezone", tz.key)
    cal.add_component(vtimezone(tz, first_year, last_year))
    return cal.to_ical().decode()


def _long_date(day: datetime, language: str) -> str:
    weekday = _WEEKDAYS[language][day.weekday()]
    month = _MONTHS[language][day.month - 1]
    if language == "es":
        return f"{weekday} {day.day} de {month} de {day.year}"
    return f"{weekday}, {month} {day.day}, {day.year}"
