"""The message as composed for the wire reads back, with the email package, as what was meant:
headers folded and encoded, no header smuggled in by a name, bodies intact."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from polterm.mail.render import Rendered, wire_message


def _parsed(rendered: Rendered, recipient_name: str):
    raw = wire_message(
        rendered,
        message_id="<abc@district.example>",
        sender="office@district.example",
        sender_name='North "Elementary", Inc.',
        recipient="ana@example.org",
        recipient_name=recipient_name,
        sent=datetime(2030, 9, 1, 8, 0, tzinfo=UTC),
    )
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    return message_from_bytes(raw, policy=default)


def test_non_ascii_long_subject_and_names_read_back_unchanged():
    subject = "Invitación a una conferencia: " + "Sofía Núñez-Ibáñez " * 6
    text = "Hola, Ana Núñez.\nHora: 15:00 (30 minutos)\n"
    rendered = Rendered(subject, text, "<p>Hola &amp; adiós</p>\n", "BEGIN:VCALENDAR\r\n"
                        "METHOD:REQUEST\r\nEND:VCALENDAR\r\n", "REQUEST")  # fmt: skip
    msg = _parsed(rendered, "Ana Núñez, madre")
    assert msg["Subject"] == subject.strip()
    assert msg["To"].addresses[0].display_name == "Ana Núñez, madre"
    assert msg["To"].addresses[0].addr_spec == "ana@example.org"
    assert msg["From"].addresses[0].display_name == 'North "Elementary", Inc.'
    assert msg["Message-ID"] == "<abc@district.example>"
    parts = {p.get_content_type(): p for p in msg.walk() if not p.is_multipart()}
    assert parts["text/plain"].get_content() == text
    assert parts["text/html"].get_content() == "<p>Hola &amp; adiós</p>\n"
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in parts["text/calendar"].get_content()


def test_a_line_break_in_a_name_or_subject_adds_no_header():
    rendered = Rendered("Hi\r\nBcc: evil@example.org", "ok\n", "<p>ok</p>", "", "REQUEST")
    msg = _parsed(rendered, "Ana\nBcc: evil@example.org")
    assert msg["Bcc"] is None
    assert "evil@example.org" in msg["Subject"] and "\n" not in msg["Subject"]
    assert "\n" not in msg["To"].addresses[0].display_name
