"""With a server configuration naming the district's database, nobody but its IT staff opens
another database (and becomes that file's IT), and others write files only where it allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Polterm


@pytest.fixture
def server(roles: Polterm, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server's configuration (a stand-in for /etc/polterm/polterm.toml)."""
    config = tmp_path / "polterm.toml"
    config.write_text(f'database = "{roles.path}"\noutput_dir = "{tmp_path / "exports"}"\n')
    (tmp_path / "exports").mkdir()
    monkeypatch.setenv("POLTERM_SYSTEM_CONFIG", str(config))
    return config


def as_user(monkeypatch: pytest.MonkeyPatch, staff: str) -> None:
    monkeypatch.setattr("polterm.services.identity.os_user", lambda: staff)
    monkeypatch.setattr("polterm.services.deployment.os_user", lambda: staff)


@pytest.mark.parametrize(("first_it", "account"), [(None, "itadmin"), ("itadmin", "t1")])
def test_only_the_named_account_may_create_the_district_database(
    fresh, tmp_path, monkeypatch, first_it, account
):
    """Before `init` the file has no staff: any member of its group could become its IT."""
    district = fresh.path
    config = tmp_path / "polterm.toml"
    named = f'first_it = "{first_it}"\n' if first_it else ""
    config.write_text(f'database = "{district}"\n{named}')
    monkeypatch.setenv("POLTERM_SYSTEM_CONFIG", str(config))
    as_user(monkeypatch, account)
    result = fresh("init", "--district", "Mine", "--policy", "p1471", db=False)
    assert result.code == 2 and result.out == "", result.err
    assert "may create the district's database" in result.err
    assert not district.exists()


def test_the_named_account_creates_the_district_database(fresh, tmp_path, monkeypatch):
    district = fresh.path
    config = tmp_path / "polterm.toml"
    config.write_text(f'database = "{district}"\nfirst_it = "itadmin"\n')
    monkeypatch.setenv("POLTERM_SYSTEM_CONFIG", str(config))
    as_user(monkeypatch, "itadmin")
    result = fresh("init", "--district", "Ours", "--policy", "p1471", db=False)
    assert result.code == 0, result.err
    assert district.exists()


def test_without_db_everyone_gets_the_district_database(roles, server, monkeypatch):
    as_user(monkeypatch, "t1")
    result = roles("student", "list", "--format", "json", db=False)
    assert result.code == 0, result.err
    assert [s["id"] for s in result.json()] == ["s1"]


@pytest.mark.parametrize("staff", ["t1", "p1", "o1", "sup", "nobody"])
@pytest.mark.parametrize("how", ["--db", "POLTERM_DB"])
def test_only_it_may_open_another_database(roles, server, monkeypatch, tmp_path, staff, how):
    """The attack: `init` on a file of one's own makes one its IT user."""
    as_user(monkeypatch, staff)
    own = tmp_path / "mine.db"
    args = ["init", "--district", "Mine", "--policy", "p1471"]
    if how == "POLTERM_DB":
        monkeypatch.setenv("POLTERM_DB", str(own))
        result = roles(*args, db=False)
    else:
        result = roles("--db", str(own), *args, db=False)
    assert result.code == 2 and result.out == "", result.err
    assert "only IT staff may use a database other than" in result.err
    assert not own.exists()


def test_it_may_open_another_database(roles, server, monkeypatch, tmp_path):
    as_user(monkeypatch, "it1")
    result = roles("--db", str(tmp_path / "test.db"), "init", "--district", "Test",
                   "--policy", "p1471", db=False)  # fmt: skip
    assert result.code == 0, result.err


def test_the_district_database_by_another_name_is_still_the_district(roles, server, monkeypatch):
    as_user(monkeypatch, "t1")
    alias = roles.path.with_name("alias.db")
    alias.symlink_to(roles.path)
    assert roles("--db", str(alias), "student", "list", db=False).code == 0


@pytest.mark.parametrize(
    "target",
    [
        "{tmp}/elsewhere.csv",
        "{tmp}/exports/../elsewhere.csv",
        "{tmp}/exports/link/elsewhere.csv",  # link: a symlink out of the allowed folder
    ],
)
def test_staff_other_than_it_write_files_only_under_output_dir(
    roles, server, monkeypatch, tmp_path, target
):
    as_user(monkeypatch, "t1")
    (tmp_path / "exports" / "link").symlink_to(tmp_path)
    path = Path(target.format(tmp=tmp_path))
    result = roles("export", "students", "-o", str(path), db=False)
    assert result.code == 2 and "only IT staff may write files outside" in result.err
    assert not (tmp_path / "elsewhere.csv").exists()
    inside = tmp_path / "exports" / "mine.csv"
    assert roles("export", "students", "-o", str(inside), db=False).code == 0
    assert inside.read_text().splitlines()[1].startswith("s1,")


def test_without_output_dir_staff_write_no_files_but_standard_output(
    roles, server, monkeypatch, tmp_path
):
    server.write_text(f'database = "{roles.path}"\n')
    as_user(monkeypatch, "t1")
    for args in (["export", "ics", "--staff", "t1", "-o", str(tmp_path / "t1.ics")],
                 ["new-policy", "mine", "--dir", str(tmp_path / "mine")]):  # fmt: skip
        result = roles(*args, db=False)
        assert result.code == 2 and "print to standard output instead" in result.err, args
    assert list(tmp_path.glob("t1.ics*")) == [] and not (tmp_path / "mine").exists()
    result = roles("export", "ics", "--staff", "t1", "-o", "-", db=False)
    assert result.code == 0 and result.out.startswith("BEGIN:VCALENDAR"), result.err


def test_it_writes_files_anywhere(roles, server, monkeypatch, tmp_path):
    as_user(monkeypatch, "it1")
    result = roles("export", "students", "-o", str(tmp_path / "all.csv"), db=False)
    assert result.code == 0, result.err


@pytest.mark.parametrize(
    "text", ['database = "', "database = 3\n", 'output_dir = "/x"\n', 'database = ""\n']
)
def test_a_broken_server_configuration_is_one_line_naming_it(roles, server, monkeypatch, text):
    server.write_text(text)
    as_user(monkeypatch, "t1")
    result = roles("student", "list", db=False)
    assert result.code == 2 and result.err.count("\n") == 1 and str(server) in result.err


@pytest.mark.parametrize("staff", ["t1", "it1"])
def test_demo_never_writes_the_servers_district_database(roles, server, monkeypatch, staff):
    """Not even before `init` has created it, when anyone could otherwise become its IT."""
    as_user(monkeypatch, staff)
    roles.path.unlink()
    result = roles("demo", "--students", "1", "--no-tui", db=False)
    assert result.code == 2 and "the server's district database" in result.err, result.err
    assert not roles.path.exists()
