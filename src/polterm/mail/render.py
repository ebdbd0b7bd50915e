"""A queued message as an e-mail: Jinja2 text and HTML in the guardian's language, plus an
iCalendar request or cancellation the guardian's phone adds with one tap."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress
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


def mime_message(
    rendered: Rendered,
    *,
    message_id: str,
    sender: str,
    sender_name: str,
    recipient: str,
    recipient_name: str,
    sent: datetime,
) -> EmailMessage:
    """text/plain, text/html and text/calendar as alternatives of one message."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = formataddr((one_line(sender_name), sender))
    msg["To"] = formataddr((one_line(recipient_name), recipient))
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    msg.add_alternative(rendered.ical, subtype="calendar", params={"method": rendered.method})
    return msg


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
    cal = Calendar()
    cal.add("prodid", "-//polterm//conferences//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    cal.add("x-wr-timezone", tz.key)
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
    cal.add_component(_vtimezone(tz, start.astimezone(tz).year, end.astimezone(tz).year))
    cal.add_component(event)
    return cal.to_ical().decode()


@cache
def _vtimezone(tz: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    """The zone's rules as `export ics` writes them, built once per year (not per message)."""
    return vtimezone(tz, first_year, last_year)


def _long_date(day: datetime, language: str) -> str:
    weekday = _WEEKDAYS[language][day.weekday()]
    month = _MONTHS[language][day.month - 1]
    if language == "es":
        return f"{weekday} {day.day} de {month} de {day.year}"
    return f"{weekday}, {month} {day.day}, {day.year}"
