"""What a message says and to whom: the guardian's language or English noted as a fallback,
escaped HTML, the interpreter note, phone details, the call list, settings and refusals."""

from __future__ import annotations

import os

import pytest

from tests.mail.smtp_server import FROM, PASSWORD, configure

AT = "2030-09-10T15:00"


def _ok(run, *args: str):
    result = run(*args)
    assert result.code == 0, (args, result.err)
    return result


def _schedule(run, *extra: str) -> None:
    _ok(run, "conference", "add", "--student", "s1", "--kind", "parent-teacher", "--at", AT,
        "--staff", "t1", *extra)  # fmt: skip


def _parts(msg) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in msg.walk() if not p.is_multipart()}


def test_spanish_for_a_spanish_speaking_guardian_with_escaped_html_and_interpreter(district, smtp):
    configure(district, smtp.port)
    _schedule(district, "--location", "Room <b>12</b> & hall")
    assert _ok(district, "mail", "send", "--now", "2030-09-01T08:00")
    (msg,) = smtp.mailbox.messages
    parts = _parts(msg)
    assert (
        msg["Subject"]
        == "Invitación a una conferencia: Sam Rivera, martes 10 de septiembre de 2030"
    )
    assert msg["From"].addresses[0].addr_spec == FROM
    text, html = parts["text/plain"], parts["text/html"]
    assert "Hora: 15:00 (30 minutos)" in text and "Maestro/a: Ada Teacher" in text
    assert "Lugar: Room <b>12</b> & hall" in text  # plain text as typed
    assert "Room &lt;b&gt;12&lt;/b&gt; &amp; hall" in html and "<b>12" not in html
    assert "Un intérprete participará en la conferencia." in text and "intérprete" in html
    calendar = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST"


def test_english_when_the_guardians_language_has_no_templates_noted_in_the_outbox(district, smtp):
    configure(district, smtp.port)
    _ok(district, "guardian", "add", "--id", "g2", "--student", "s1", "--name", "Lou Rivera",
        "--email", "lou@example.org", "--language", "fr")  # fmt: skip
    _schedule(district, "--modality", "phone", "--location", "555-0199")
    outbox = _ok(district, "mail", "outbox", "--student", "s1", "--format", "json").json()
    by_guardian = {r["guardian_id"]: r for r in outbox}
    assert (by_guardian["g2"]["language"], by_guardian["g2"]["language_missing"]) == ("en", "fr")
    assert (by_guardian["g1"]["language"], by_guardian["g1"]["language_missing"]) == ("es", None)
    _ok(district, "mail", "send", "--now", "2030-09-01T08:00")
    english = next(m for m in smtp.mailbox.messages if "lou@" in str(m["To"]))
    text = _parts(english)["text/plain"]
    assert english["Subject"].startswith("Conference invitation: Sam Rivera, Tuesday, September 10")
    assert "Time: 3:00 PM (30 minutes)" in text and "Phone: 555-0199" in text
    assert "interpreter" not in text


def test_guardians_without_email_or_marked_do_not_email_are_phoned_instead(district, smtp):
    configure(district, smtp.port)
    _ok(district, "guardian", "add", "--id", "g2", "--student", "s1", "--name", "Pat Rivera",
        "--phone", "555-0102")  # fmt: skip
    _ok(district, "mail", "do-not-email", "g1")
    _schedule(district)
    assert district.rows("SELECT guardian_id, status FROM mail_outbox ORDER BY id") == [
        ("g1", "call"), ("g2", "call"),
    ]  # fmt: skip
    calls = _ok(district, "mail", "calls", "--school", "oak", "--format", "json").json()
    assert [(c["guardian_id"], c["why"], c["phone"]) for c in calls] == [
        ("g1", "do-not-email", "555-0101"), ("g2", "no e-mail", "555-0102"),
    ]  # fmt: skip
    sent = _ok(district, "mail", "send", "--now", "2030-09-01T08:00", "--format", "json")
    assert sent.json()["sent"] == 0
    assert smtp.mailbox.messages == []
    _ok(district, "mail", "called", str(calls[1]["id"]), "--on", "2030-09-02",
        "--outcome", "no-answer")  # fmt: skip
    _ok(district, "mail", "called", str(calls[0]["id"]), "--on", "2030-09-02",
        "--outcome", "reached")  # fmt: skip
    left = _ok(district, "mail", "calls", "--format", "json").json()
    assert [c["guardian_id"] for c in left] == ["g2"]  # no answer: still to call
    assert district.rows("SELECT method, outcome FROM contact_attempt ORDER BY id") == [
        ("phone", "no-answer"), ("phone", "reached"),
    ]  # fmt: skip


def test_a_message_queued_with_the_conference_rolls_back_with_it(district, smtp):
    configure(district, smtp.port)
    _schedule(district)
    clash = district("conference", "add", "--student", "s1", "--kind", "parent-teacher",
                     "--at", AT, "--staff", "t1")  # fmt: skip
    assert clash.code != 0 and "double-booked" in clash.err
    assert district.rows("SELECT count(*) FROM mail_outbox") == [(1,)]


def test_the_password_is_never_stored_and_a_readable_password_file_is_refused(
    district, smtp, tmp_path
):
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    os.chmod(secret, 0o644)
    bad = district("mail", "config", "--host", "127.0.0.1", "--port", str(smtp.port),
                   "--security", "starttls", "--user", "polterm", "--from", FROM,
                   "--password-file", str(secret))  # fmt: skip
    assert bad.code == 2 and "readable by others" in bad.err
    os.chmod(secret, 0o600)
    configure(district, smtp.port, "--password-file", str(secret))
    assert not any(PASSWORD in line for line in district.dump())
    os.environ.pop("POLTERM_SMTP_PASSWORD")  # the file alone logs in
    sent = district("mail", "test", "it@example.org")
    assert sent.code == 0, sent.err
    assert smtp.mailbox.messages[0]["Subject"] == "polterm test message"


def test_mail_commands_refuse_bad_input_and_other_roles(district, smtp):
    configure(district, smtp.port)
    bad = district("mail", "send", "--now", "tomorrow")
    assert bad.code == 2 and "'tomorrow'" in bad.err
    assert district("mail", "test", "not an address").code == 2
    teacher = district("--as", "t1", "mail", "send")
    assert teacher.code == 2 and "may not" in teacher.err
    assert district("mail", "config", "--host", "x", "--port", "70000", "--security", "none",
                    "--from", FROM).code == 2  # fmt: skip


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_reaches_the_server_and_checks_its_certificate(district, smtp):
    smtp.stop()
    smtp.implicit_tls = True
    smtp.start()
    _ok(district, "mail", "config", "--host", "127.0.0.1", "--port", str(smtp.port),
             "--security", "ssl", "--user", "polterm", "--from", FROM)  # fmt: skip
    sent = district("mail", "test", "it@example.org")
    assert sent.code == 0, sent.err
    assert len(smtp.mailbox.messages) == 1
    os.environ.pop("SSL_CERT_FILE")  # a certificate nobody vouches for is refused
    refused = district("mail", "test", "it@example.org")
    assert refused.code == 2 and "CERTIFICATE_VERIFY_FAILED" in refused.err


def test_only_changes_a_family_needs_to_know_queue_a_message(district, smtp):
    configure(district, smtp.port)
    _schedule(district)
    cid = str(district.rows("SELECT max(id) FROM conference")[0][0])

    def kinds() -> list[str]:
        return [k for (k,) in district.rows("SELECT kind FROM mail_outbox ORDER BY id")]

    _ok(district, "conference", "update", cid, "--notes", "bring the reading log")
    assert kinds() == ["invitation"]
    _ok(district, "conference", "update", cid, "--location", "Library")
    _ok(district, "conference", "update", cid, "--modality", "video")
    assert kinds() == ["invitation", "change", "change"]
    _ok(district, "conference", "update", cid, "--status", "cancelled")
    _ok(district, "conference", "update", cid, "--status", "scheduled")
    assert kinds()[-2:] == ["cancellation", "invitation"]
    sequences = [s for (s,) in district.rows("SELECT ical_sequence FROM mail_outbox ORDER BY id")]
    assert sequences == sorted(set(sequences))  # every message a higher SEQUENCE


def test_a_conference_arranged_for_a_parents_request_is_confirmed(district, smtp):
    configure(district, smtp.port)
    _schedule(district, "--request", "r1", "--initiated-by", "parent")
    assert district.rows("SELECT kind, status FROM mail_outbox") == [("confirmation", "queued")]
    _ok(district, "mail", "send", "--now", "2030-09-01T08:00")
    (msg,) = smtp.mailbox.messages
    # Python folds a long ASCII subject as "Subject:CRLF Su ..." and keeps the space on parsing
    assert msg["Subject"].strip().startswith("Su solicitud de conferencia: Sam Rivera")
    assert "Gracias por solicitar una conferencia" in _parts(msg)["text/plain"]
