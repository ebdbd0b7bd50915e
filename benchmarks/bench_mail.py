"""E-mail to families at scale: N invitations queued by scheduling N conferences through the
service, then sent by `polterm mail send` to an aiosmtpd server on 127.0.0.1 (own process).

`python -m benchmarks.bench_mail N` runs it alone and prints the figures as JSON.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.harness import BIN, Figure, bench_env, run_measured

INVITATIONS = 100_000
SLOTS_PER_DAY = 20  # 8:00 to 17:30, half an hour each


def run(db: Path, size: int) -> list[Figure]:
    """The figures for INVITATIONS messages (the demo district is not used: mail needs its own
    guardians with addresses and conferences ahead)."""
    r = measure(INVITATIONS)
    print(
        f"    {r['messages']:,} invitations: queued in {r['queue_s']:.0f} s,"
        f" sent in {r['send_s']:.0f} s (peak {r['send_peak_mb']:.0f} MB)",
        file=sys.stderr,
    )
    return [
        Figure("mail: invitations queued with their conference", r["messages"],
               r["queued_per_s"], "msg/s", per="messages"),
        Figure("mail: invitations sent to a local SMTP server", r["messages"],
               r["sent_per_s"], "msg/s", per="messages"),
        Figure("mail: peak memory of mail send", r["messages"], r["send_peak_mb"], "MB",
               per="messages"),
    ]  # fmt: skip


def measure(n: int) -> dict[str, float]:
    """Queue n invitations, send them, and check the server received each once."""
    from polterm.services.session import SYSTEM, Session
    from polterm.storage import open_database

    with tempfile.TemporaryDirectory(prefix="polterm-mail-bench-") as tmp:
        path = Path(tmp) / "mail.db"
        port = _free_port()
        count_file = Path(tmp) / "received"
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_mail", "--serve", str(port), str(count_file)],
            env=bench_env(),
        )
        try:
            _wait_for(port)
            db = open_database(path)
            session = Session(db, SYSTEM)
            _district(session, n, port)
            started = time.perf_counter()
            _schedule(session, n)
            queue_s = time.perf_counter() - started
            db.conn.close()
            env = {**bench_env(), "POLTERM_DB": str(path)}
            send_s, peak_mb = run_measured(
                [str(BIN / "polterm"), "mail", "send", "--now", "2030-01-01T00:00"],
                env=env,
                timeout=3600,
            )
        finally:
            server.terminate()
            server.wait()
        received = int(count_file.read_text() or 0)
    if received != n:
        raise RuntimeError(f"the server received {received} messages, not {n}")
    return {
        "messages": n,
        "queue_s": queue_s,
        "queued_per_s": n / queue_s,
        "send_s": send_s,
        "sent_per_s": n / send_s,
        "send_peak_mb": peak_mb,
    }


def _district(session, n: int, port: int) -> None:  # type: ignore[no-untyped-def]
    """One school, n students with one e-mail guardian each, mail set up (direct inserts:
    only the queueing is measured)."""
    from polterm.services import mail_settings
    from polterm.services.session import os_user

    db = session.db
    with session.transaction():
        db["district"].insert({"id": 1, "name": "Bench", "created_at": "2026-01-01"})
        db["district_policy"].insert({"policy": "p1471", "position": 0})
        db["school"].insert({"id": "sch", "name": "Bench School", "level": "high"})
        db["staff"].insert({"id": "it", "name": "IT", "role": "it", "username": os_user()})
        db["student"].insert_all(
            {"id": f"s{i}", "given": "Sam", "family": f"F{i}", "grade": "9", "school_id": "sch"}
            for i in range(n)
        )
        db["guardian"].insert_all(
            {"id": f"g{i}", "name": f"Parent {i}", "email": f"parent{i}@example.org"}
            for i in range(n)
        )
        db["guardianship"].insert_all({"student_id": f"s{i}", "guardian_id": f"g{i}"}
                                      for i in range(n))  # fmt: skip
    mail_settings.configure(session, host="127.0.0.1", port=port, security="none",
                            from_address="office@example.org", reminder_hours=0)  # fmt: skip


def _schedule(session, n: int) -> None:  # type: ignore[no-untyped-def]
    """n conferences through schedule_conference, each queueing its invitation."""
    from polterm.policy import ConferenceDraft
    from polterm.services.conferences import schedule_conference

    start = datetime(2030, 3, 1, 8, 0)
    for i in range(n):
        day, slot = divmod(i, SLOTS_PER_DAY)  # daytime only: never in a clock change's gap
        at = (start + timedelta(days=day, minutes=30 * slot)).strftime("%Y-%m-%dT%H:%M")
        schedule_conference(session, ConferenceDraft(f"s{i}", "parent-teacher", at))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the SMTP server did not start on port {port}")


def _serve(port: int, count_file: Path) -> None:
    """The server process: accept and count messages, write the count on SIGTERM."""
    import signal

    from aiosmtpd.controller import Controller

    class Counter:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Counter.received += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()

    def stop(*_: object) -> None:
        controller.stop()
        count_file.write_text(str(Counter.received))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.pause()


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        _serve(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        print(json.dumps(measure(int(sys.argv[1]))))
