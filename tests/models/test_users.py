"""Log-in, lock-out, passwords, the audit of logins."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models.core import clock, users
from models.core.errors import UserError, ValidationError
from models.core.schema import AuditEvent
from models.core.users import LoginFailed


def audit_actions(db):
    with db.read() as s:
        return [(e.action, e.username, e.ok)
                for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_right_password_logs_in_and_is_audited(env):
    user = users.login(env.db, "treasurer", "demo")
    assert user.username == "treasurer"
    assert audit_actions(env.db)[-1] == ("login", "treasurer", True)


def test_user_names_are_case_insensitive(env):
    assert users.login(env.db, " Treasurer ", "demo").username == "treasurer"


def test_wrong_password_and_unknown_user_say_the_same_and_are_audited(env):
    with pytest.raises(LoginFailed, match="Wrong user name or password"):
        users.login(env.db, "treasurer", "nope")
    with pytest.raises(LoginFailed, match="Wrong user name or password"):
        users.login(env.db, "ghost", "demo")
    assert audit_actions(env.db)[-2:] == [("login", "treasurer", False), ("login", "ghost", False)]


def test_five_failures_lock_the_account_and_the_lock_grows(env):
    for _ in range(5):
        with pytest.raises(LoginFailed):
            users.login(env.db, "leader", "bad")
    with pytest.raises(LoginFailed, match="Try again in 5 minutes"):
        users.login(env.db, "leader", "demo")  # even the right password, while locked
    clock.set_now(clock.now() + dt.timedelta(minutes=6))
    with pytest.raises(LoginFailed, match="Wrong"):
        users.login(env.db, "leader", "bad")  # the sixth failure locks for 10 minutes
    with pytest.raises(LoginFailed, match="Try again in 10 minutes"):
        users.login(env.db, "leader", "demo")
    clock.set_now(clock.now() + dt.timedelta(minutes=11))
    assert users.login(env.db, "leader", "demo").username == "leader"
    with env.db.read() as s:
        assert env.user(s, "leader").failed_logins == 0


def test_an_admin_reset_lifts_the_lock(env):
    for _ in range(5):
        with pytest.raises(LoginFailed):
            users.login(env.db, "leader", "bad")
    with env.db.write() as s:
        users.change_password(s, env.user(s, "admin"), user_id=env.user_ids["leader"],
                              new_password="fresh")
    assert users.login(env.db, "leader", "fresh").username == "leader"


def test_users_change_their_own_password_with_the_old_one(env):
    with pytest.raises(UserError, match="old password is wrong"):
        with env.db.write() as s:
            users.change_password(s, env.user(s, "auditor"), user_id=env.user_ids["auditor"],
                                  new_password="newpass", old_password="wrong")
    with env.db.write() as s:
        users.change_password(s, env.user(s, "auditor"), user_id=env.user_ids["auditor"],
                              new_password="newpass", old_password="demo")
    assert users.login(env.db, "auditor", "newpass")


def test_passwords_are_stored_as_scrypt_hashes(env):
    with env.db.read() as s:
        stored = env.user(s, "admin").password_hash
    assert stored.startswith("scrypt$") and "demo" not in stored
    assert users.check_password("demo", stored)
    assert not users.check_password("Demo", stored)


def test_new_users_are_validated_all_at_once(env):
    with pytest.raises(ValidationError) as info:
        with env.db.write() as s:
            users.create_user(s, env.user(s, "admin"), username="treasurer", display_name=" ",
                              password="ab")
    assert len(info.value.problems) == 3


def test_the_first_admin_only_on_an_empty_ledger(env, db):
    with pytest.raises(UserError, match="already has users"):
        with env.db.write() as s:
            users.create_first_admin(s, username="x", display_name="X", password="secret")


def test_admins_cannot_lock_themselves_out(env):
    with pytest.raises(UserError):
        with env.db.write() as s:
            users.set_active(s, env.user(s, "admin"), user_id=env.user_ids["admin"], active=False)
    with pytest.raises(UserError):
        with env.db.write() as s:
            users.revoke_role(s, env.user(s, "admin"), user_id=env.user_ids["admin"],
                              role="admin", group_id=None)


def test_linking_a_user_to_a_member_marks_self(env):
    with env.db.write() as s:
        users.link_member(s, env.user(s, "admin"), user_id=env.user_ids["leader"],
                          member_id=env.member_ids[2])
    with env.db.read() as s:
        assert users.is_same_person(s, env.user(s, "leader"), env.member_ids[2])
        assert not users.is_same_person(s, env.user(s, "leader"), env.member_ids[0])


@pytest.mark.parametrize("username, display_name", [("\x00", "Noy"), ("noy", "ນາງ\x00ນ້ອຍ")],
                         ids=["NUL in the user name", "NUL in the name"])
def test_a_nul_byte_in_a_new_users_names_is_refused_and_nothing_is_made(env, username,
                                                                        display_name):
    """Found by the fuzz on PostgreSQL, which cannot store or even look up a NUL byte: the
    look-up of a taken name failed with a database error. Now the app's message comes."""
    from models.core.schema import User

    with env.db.write() as s:
        before = s.scalar(select(func.count(User.id)))
        with pytest.raises(UserError):
            users.create_user(s, env.user(s, "admin"), username=username,
                              display_name=display_name, password="long enough 2026")
        assert s.scalar(select(func.count(User.id))) == before
