"""A real OpenSSH server on 127.0.0.1, set up as docs/deploy-ssh.md says: a teacher who logs
in gets polterm (never a shell) and sees only their own students, in the CLI and the UI.

The set-up installs Debian's openssh-server (and ssh, tmux) when missing, creates the OS
user `pt-teacher` in groups `polterm` and `polterm-staff` if absent, and starts sshd with its
own config on a free port; sshd and tmux are stopped by their pid / own socket at the end.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from polterm.engine import policy_migrations
from polterm.storage import open_database
from tests.security.conftest import build_world, registry

SSHD = Path("/usr/sbin/sshd")
USER = "pt-teacher"  # the OS account of staff member t1
DATA_GROUP = "polterm"  # owns the database
GROUP = "polterm-staff"  # gets polterm and no shell
POLTERM = Path(sys.prefix) / "bin" / "polterm"
PACKAGES = {  # Debian package -> whether it is already there
    "openssh-server": SSHD.exists,
    "openssh-client": lambda: shutil.which("ssh") is not None,
    "tmux": lambda: shutil.which("tmux") is not None,
}


@dataclass
class Server:
    port: int
    key: Path
    db: Path

    def ssh(self, *command: str, tty: bool = False) -> list[str]:
        """The ssh command line logging in as the teacher and asking for `command`."""
        return [
            "ssh", "-i", str(self.key), "-p", str(self.port), "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            *(["-t"] if tty else []), f"{USER}@127.0.0.1", *command,
        ]  # fmt: skip


def run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def install(*packages: str) -> None:
    """apt-get install (after an update if the first try finds no package lists)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", *packages]
    if subprocess.run(command, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(command, env=env, check=True, capture_output=True)


def ensure_user() -> None:
    """The teacher's OS account, in the staff group, with a login shell and no password."""
    for group in (DATA_GROUP, GROUP):
        if subprocess.run(["getent", "group", group], capture_output=True).returncode:
            subprocess.run(["groupadd", group], capture_output=True)  # another worker may win
    if subprocess.run(["id", USER], capture_output=True).returncode:
        subprocess.run(["useradd", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/bin/sh", USER], capture_output=True)  # fmt: skip
    run("usermod", "--append", "--groups", f"{DATA_GROUP},{GROUP}", USER)
    run("usermod", "--password", "*", USER)  # '!' (locked) would refuse even key logins


def reachable(*paths: Path) -> Iterator[None]:
    """Let other users traverse to these files: the interpreter (pyenv under a 0700 /root), and
    the checkout's venv and sources, which CI may clone under a 0700 `mktemp -d`. Each folder
    on the way gets o+x (search, not listing) for the test only; undone after, newest first."""
    changed = []
    for path in paths:
        for parent in reversed(Path(os.path.realpath(path)).parents):
            mode = stat.S_IMODE(parent.stat().st_mode)
            if not mode & stat.S_IXOTH:
                os.chmod(parent, mode | stat.S_IXOTH)
                changed.append((parent, mode))
    try:
        yield
    finally:
        for parent, mode in reversed(changed):
            os.chmod(parent, mode)


def checkout_files() -> list[Path]:
    """What the teacher's polterm process opens: the interpreter, the venv's script, and the
    checkout's source folders (editable installs put them on sys.path)."""
    root = Path(__file__).resolve().parents[2]
    sources = [Path(p) for p in sys.path if p and Path(p).resolve().is_relative_to(root)]
    return [Path(sys.executable), POLTERM, *sources]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One sshd per test process; processes take turns (users, /root's mode are shared)."""
    with open(Path(tempfile.gettempdir()) / "polterm-ssh-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield from _server()


def _server() -> Iterator[Server]:
    missing = [p for p, there in PACKAGES.items() if not there()]
    if missing:
        install(*missing)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    ensure_user()
    base = Path(tempfile.mkdtemp(prefix="polterm-ssh-"))
    base.chmod(0o711)
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(base / "host_key"))
    run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(base / "client_key"))
    keys = base / "keys"
    keys.mkdir(mode=0o755)
    shutil.copy(base / "client_key.pub", keys / USER)
    (keys / USER).chmod(0o644)

    srv = base / "srv"  # /srv/polterm in docs/deploy-ssh.md
    srv.mkdir()
    shutil.chown(srv, group=DATA_GROUP)
    srv.chmod(0o2770)
    db_path = srv / "polterm.db"
    db = open_database(db_path, policy_migrations(registry(), registry().policies))
    build_world(db)
    db.execute("UPDATE staff SET username = ? WHERE id = 't1'", [USER])
    db.close()
    shutil.chown(db_path, group=DATA_GROUP)
    db_path.chmod(0o660)

    wrapper = base / "polterm-ssh"  # /usr/local/bin/polterm-ssh in the docs
    wrapper.write_text(WRAPPER.format(polterm=POLTERM))
    wrapper.chmod(0o755)
    port = free_port()
    config = base / "sshd_config"
    config.write_text(SSHD_CONFIG.format(port=port, base=base, wrapper=wrapper))
    system = base / "polterm.toml"  # /etc/polterm/polterm.toml in the docs
    system.write_text(f'database = "{db_path}"\n')
    system.chmod(0o644)
    gen = reachable(*checkout_files())
    next(gen)
    sshd = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert sshd.poll() is None, sshd.stderr.read() if sshd.stderr else ""
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "sshd did not listen"
            time.sleep(0.05)
        yield Server(port, base / "client_key", db_path)
    finally:
        sshd.terminate()
        sshd.wait(timeout=10)
        next(gen, None)
        shutil.rmtree(base, ignore_errors=True)


WRAPPER = """#!/bin/sh
# Run polterm with the words typed after `ssh host`; never a shell (no globbing either).
set -f
umask 007
set -- $SSH_ORIGINAL_COMMAND
[ "$1" = polterm ] && shift
exec {polterm} "$@"
"""

SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {base}/host_key
PidFile {base}/sshd.pid
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
StrictModes no
AuthorizedKeysFile {base}/keys/%u
SetEnv POLTERM_SYSTEM_CONFIG={base}/polterm.toml
Match Group {group}
    ForceCommand {wrapper}
    DisableForwarding yes
    PermitUserRC no
    AllowTcpForwarding no
    X11Forwarding no
    PermitTunnel no
""".replace("{group}", GROUP)


def test_teacher_over_ssh_lists_only_their_students(server):
    result = subprocess.run(
        server.ssh("polterm", "student", "list", "--format", "json"),
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [s["id"] for s in json.loads(result.stdout)] == ["s1"]


def test_teacher_check_over_ssh_reports_only_their_students(server):
    result = subprocess.run(
        server.ssh("polterm", "check", "--as-of", "2025-10-15", "--format", "json"),
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert findings and {f["student_id"] for f in findings} == {"s1"}


def test_teacher_over_ssh_gets_no_shell(server):
    result = subprocess.run(
        server.ssh("cat", "/etc/passwd;", "id"), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "root:" not in result.stdout
    assert "No such command 'cat'" in result.stderr


def test_teacher_writes_through_ssh_are_audited_as_them(server):
    result = subprocess.run(
        server.ssh("polterm", "request", "add", "--id", "ssh1", "--student", "s1",
                   "--on", "2025-09-02", "--with", "teacher"),
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    db = open_database(server.db)
    [row] = db.execute("SELECT actor, os_user FROM audit_log WHERE record_id = 'ssh1'").fetchall()
    assert row == ("t1", USER)
    for name in ("polterm.db", "polterm.db-wal", "polterm.db-shm"):
        file = server.db.with_name(name)
        assert stat.S_IMODE(file.stat().st_mode) & 0o007 == 0, name
        assert file.group() == DATA_GROUP, name


def test_teacher_ui_over_ssh_shows_only_their_students(server):
    socket_name = f"polterm-ssh-test-{os.getpid()}"
    tmux = ["tmux", "-L", socket_name]
    command = " ".join(server.ssh(tty=True))
    subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "45", command], check=True)
    try:
        first = wait_for(tmux, "req1")  # the first screen: what needs the teacher, by name
        assert "Staff t1 (teacher)" in first and "Kid1 Fam1" in first, first
        assert not re.search(r"Fam[23]\b|req[23]", first), first
        subprocess.run([*tmux, "send-keys", "s"], check=True)  # the students screen
        screen = wait_for(tmux, "Fam1")
        assert "Fam1" in screen and "Kid1" in screen, screen
        assert "Fam2" not in screen and "Fam3" not in screen, screen
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def wait_for(tmux: list[str], text: str, seconds: float = 10) -> str:
    """The pane's text once it shows `text` (or when time is up)."""
    deadline = time.monotonic() + seconds
    while True:
        screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True)
        if text in screen.stdout or time.monotonic() > deadline:
            return screen.stdout
        time.sleep(0.2)


def test_teacher_over_ssh_may_not_open_a_database_of_their_own(server):
    """Else `init` on a file of their own makes them its IT user."""
    own = server.db.with_name("mine.db")
    result = subprocess.run(
        server.ssh("polterm", "--db", str(own), "init", "--district", "Mine", "--policy", "p1471"),
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2 and "only IT staff may use a database" in result.stderr
    assert not own.exists()


def test_teacher_over_ssh_exports_to_standard_output_only(server):
    target = server.db.with_name("out.csv")
    result = subprocess.run(
        server.ssh("polterm", "export", "students", "-o", str(target)),
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2 and "print to standard output" in result.stderr
    assert not target.exists()
    result = subprocess.run(
        server.ssh("polterm", "export", "students"), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0 and result.stdout.splitlines()[1].startswith("s1,")


def test_reachable_opens_a_0700_folder_for_search_only_and_undoes_it(tmp_path):
    private = tmp_path / "private"
    (private / "checkout").mkdir(parents=True)
    private.chmod(0o700)
    script = private / "checkout" / "polterm"
    script.touch()
    gen = reachable(script)
    next(gen)
    assert stat.S_IMODE(private.stat().st_mode) == 0o701
    next(gen, None)
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
