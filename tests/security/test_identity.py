"""The person is the OS user; only IT staff act for someone else, and the log says so."""

from __future__ import annotations

import os

import pytest

from polterm.errors import PermissionDenied
from polterm.services.identity import resolve_actor


@pytest.fixture
def os_user(roles, monkeypatch):
    """Set which OS user runs the commands."""

    def become(user: str):
        monkeypatch.setattr("polterm.services.identity.os_user", lambda: user)
        return roles

    return become


def test_the_os_user_is_the_person(world):
    actor = resolve_actor(world, user="t1")
    assert (actor.staff_id, actor.role, actor.os_user) == ("t1", "teacher", "t1")


def test_an_os_user_without_a_staff_record_is_refused_with_exit_2(os_user):
    run = os_user("stranger")
    result = run("student", "list")
    assert result.code == 2 and result.out == ""
    assert "'stranger' has no staff record" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("user", ["t1", "p1", "o1", "sup"])
def test_only_it_staff_may_act_for_someone_else(os_user, user):
    result = os_user(user)("student", "list", "--as", "it1")
    assert result.code == 2 and "only IT staff may act for someone else" in result.err


def test_acting_for_an_unknown_user_is_refused(os_user):
    result = os_user("it1")("student", "list", "--as", "ghost")
    assert result.code == 2 and "--as ghost" in result.err


def test_acting_for_someone_is_recorded_with_both_names(os_user):
    run = os_user("it1")
    added = run("request", "add", "--as", "o1", "--id", "r1", "--student", "s1",
                "--on", "2025-09-02", "--with", "teacher")  # fmt: skip
    assert added.code == 0, added.err
    [(actor, user)] = run.rows(
        "SELECT actor, os_user FROM audit_log WHERE table_name = 'parent_request'"
    )
    assert (actor, user) == ("o1", "it1")
    rows = run("audit", "--student", "s1", "--format", "json").json()
    assert [(r["actor"], r["os_user"]) for r in rows] == [("o1", "it1")]
    table = run("audit", "--student", "s1").out.splitlines()
    assert "actor" in table[0] and "os_user" in table[0]
    assert "Staff o1 (o1)" in table[1] and " it1 " in table[1]


def test_acting_as_oneself_is_not_acting_for_someone(world):
    assert not resolve_actor(world, "t1", user="t1").acting_for_someone
    with pytest.raises(PermissionDenied):
        resolve_actor(world, "t2", user="t1")


def test_the_os_user_comes_from_the_uid_not_the_environment(monkeypatch):
    import pwd

    from polterm.services.session import os_user

    monkeypatch.setenv("USER", "p1")
    monkeypatch.setenv("LOGNAME", "p1")
    assert os_user() == pwd.getpwuid(os.getuid()).pw_name
