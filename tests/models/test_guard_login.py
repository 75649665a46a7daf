"""Log-in that gives nothing away, and a way back in for the only administrator.

Someone at the shared laptop types five wrong passwords for ``admin`` and locks her out for
a day; she takes the recovery code from the cash box and sets a new password."""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from models.core import audit, users
from models.core.errors import PermissionDenied, UserError
from models.core.schema import AuditEvent


@pytest.fixture
def scrypt_calls(monkeypatch):
    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    users.spend_like_a_check("warm up")  # the dummy hash is made once per process
    calls.clear()
    return calls


def test_an_unknown_name_costs_the_same_hashing_as_a_known_one(env, scrypt_calls):
    with pytest.raises(users.LoginFailed):
        users.login(env.db, "treasurer", "wrong")
    known = len(scrypt_calls)
    scrypt_calls.clear()
    with pytest.raises(users.LoginFailed) as info:
        users.login(env.db, "nobody-by-this-name", "wrong")
    assert len(scrypt_calls) == known == 1
    assert str(info.value) == "Wrong user name or password."


def test_a_name_or_password_with_broken_characters_is_just_a_wrong_log_in(env):
    for name, password in [("\udcff\udcfe", "demo"), ("treasurer", "\udcffdemo")]:
        with pytest.raises(users.LoginFailed) as info:
            users.login(env.db, name, password)
        assert str(info.value) == "Wrong user name or password."
    with env.db.read() as s:
        names = list(s.scalars(select(AuditEvent.username).where(AuditEvent.action == "login",
                                                                 AuditEvent.ok.is_(False))))
    assert "??" in names


def _lock_out(env, name: str) -> None:
    for _ in range(users.MAX_FAILURES):
        with pytest.raises(users.LoginFailed):
            users.login(env.db, name, "guess")
    with pytest.raises(users.LoginFailed, match="Too many wrong passwords"):
        users.login(env.db, name, "demo")


def test_the_locked_out_only_administrator_gets_back_in_with_her_recovery_code(env):
    with env.db.write() as s:
        code = users.new_recovery_code(s, env.user(s, "admin"))
    assert len(code) == 24
    _lock_out(env, "admin")

    users.recover(env.db, "admin", code.lower().replace("-", " "), "new secret")

    assert users.login(env.db, "admin", "new secret").username == "admin"
    with pytest.raises(users.LoginFailed, match="recovery code is wrong"):
        users.recover(env.db, "admin", code, "another one")  # a code works once
    with env.db.read() as s:
        tries = [e.ok for e in s.scalars(select(AuditEvent)
                                         .where(AuditEvent.action == "user.recover"))]
    assert tries == [True, False]


def test_a_wrong_code_or_unknown_name_changes_nothing_and_never_locks(env):
    with env.db.write() as s:
        code = users.new_recovery_code(s, env.user(s, "admin"))
    for _ in range(users.MAX_FAILURES + 2):
        with pytest.raises(users.LoginFailed):
            users.recover(env.db, "admin", "AAAA-BBBB-CCCC-DDDD-EEEE", "new secret")
    with pytest.raises(users.LoginFailed):
        users.recover(env.db, "ghost", code, "new secret")
    users.recover(env.db, "admin", code, "new secret")
    assert users.login(env.db, "admin", "new secret")


def test_a_new_code_replaces_the_old_one_and_only_an_all_groups_admin_gets_one(env):
    with env.db.write() as s:
        old = users.new_recovery_code(s, env.user(s, "admin"))
        new = users.new_recovery_code(s, env.user(s, "admin"))
        with pytest.raises(PermissionDenied):
            users.new_recovery_code(s, env.user(s, "treasurer"))
    with pytest.raises(users.LoginFailed):
        users.recover(env.db, "admin", old, "new secret")
    with pytest.raises(UserError, match="at least 4 characters"):
        users.recover(env.db, "admin", new, "abc")
    users.recover(env.db, "admin", new, "new secret")
