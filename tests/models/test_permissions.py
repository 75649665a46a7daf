"""Every role × every foundation service: allowed exactly when the role has the permission.

Later capabilities add their services to their own permission tests; this file covers the
foundation's."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import groups, ledger, members, settings, users
from models.core.errors import PermissionDenied
from models.core.ledger import Line
from models.core.permissions import ROLE_PERMISSIONS, Permission, Role

ROLES = ["admin", "treasurer", "leader", "auditor"]


def _deposit(s, actor, env):
    return ledger.post_entry(s, actor, group_id=env.group_id, value_date=dt.date(2026, 11, 1),
                             kind="deposit", lines=[Line("cash", 10),
                                                    Line("member_savings", -10,
                                                         member_id=env.member_ids[0])])


def _member_details():
    return members.MemberDetails(name_lao="ນາງ ຈັນ", gender="f", joined_on=dt.date(2025, 5, 1))


SERVICES = {
    "create group": (Permission.MANAGE_GROUPS,
                     lambda s, a, env: groups.create_group(s, a, name="ໃໝ່")),
    "edit group": (Permission.MANAGE_GROUPS,
                   lambda s, a, env: groups.update_group(
                       s, a, env.group_id, name="ກຸ່ມ", village=None, district=None,
                       name_latin=None, meeting_frequency="monthly", distance_km=12)),
    "add member": (Permission.MANAGE_MEMBERS,
                   lambda s, a, env: members.add_member(s, a, group_id=env.group_id,
                                                        details=_member_details())),
    "edit member": (Permission.MANAGE_MEMBERS,
                    lambda s, a, env: members.update_member(s, a, member_id=env.member_ids[0],
                                                            details=_member_details())),
    "member leaves": (Permission.MANAGE_MEMBERS,
                      lambda s, a, env: members.set_status(s, a, member_id=env.member_ids[0],
                                                           status="left",
                                                           on=dt.date(2026, 11, 1))),
    "list members": (Permission.READ,
                     lambda s, a, env: members.list_members(s, a, env.group_id)),
    "member history": (Permission.READ,
                       lambda s, a, env: members.member_history(s, a, env.member_ids[0])),
    "journal": (Permission.READ, lambda s, a, env: ledger.entries(s, a, env.group_id)),
    "create user": (Permission.MANAGE_USERS,
                    lambda s, a, env: users.create_user(s, a, username="new", display_name="N",
                                                        password="secret")),
    "grant role": (Permission.MANAGE_USERS,
                   lambda s, a, env: users.grant_role(s, a, user_id=env.user_ids["auditor"],
                                                      role="leader", group_id=env.group_id)),
    "list users": (Permission.MANAGE_USERS, lambda s, a, env: users.list_users(s, a)),
    "link user to member": (Permission.MANAGE_USERS,
                            lambda s, a, env: users.link_member(
                                s, a, user_id=env.user_ids["leader"],
                                member_id=env.member_ids[1])),
    "change setting": (Permission.CHANGE_SETTINGS,
                       lambda s, a, env: settings.set_value(
                           s, a, group_id=env.group_id, key="rounding", value="half-up",
                           effective_from=dt.date(2026, 12, 1))),
    "lock period": (Permission.LOCK_PERIOD,
                    lambda s, a, env: ledger.lock_period(s, a, group_id=env.group_id,
                                                         through=dt.date(2026, 1, 31))),
    "reverse entry": (Permission.REVERSE, "reverse"),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_role_may_use_service_exactly_when_granted(env, role, service):
    permission, call = SERVICES[service]
    if call == "reverse":
        with env.db.write() as s:
            entry_id = _deposit(s, env.user(s, "treasurer"), env).id

        def call(s, a, env):  # noqa: F811
            return ledger.reverse_entry(s, a, entry_id=entry_id, reason="mistake")
    allowed = permission in ROLE_PERMISSIONS[Role(role)]
    if permission in (Permission.MANAGE_GROUPS, Permission.MANAGE_USERS) and service in (
            "create group", "create user", "list users") and role != "admin":
        allowed = False  # all-groups actions need an all-groups grant
    with env.db.write() as s:
        actor = env.user(s, role)
        if allowed:
            call(s, actor, env)
        else:
            with pytest.raises(PermissionDenied):
                call(s, actor, env)


def test_a_role_in_one_group_gives_nothing_in_another(env):
    with env.db.write() as s:
        other = groups.create_group(s, env.user(s, "admin"), name="ກຸ່ມອື່ນ")
        other_id = other.id
    with env.db.write() as s:
        with pytest.raises(PermissionDenied):
            members.list_members(s, env.user(s, "treasurer"), other_id)
        with pytest.raises(PermissionDenied):
            members.add_member(s, env.user(s, "treasurer"), group_id=other_id,
                               details=_member_details())


def test_a_deactivated_user_can_do_nothing(env):
    with env.db.write() as s:
        users.set_active(s, env.user(s, "admin"), user_id=env.user_ids["treasurer"], active=False)
    with env.db.write() as s:
        with pytest.raises(PermissionDenied):
            members.list_members(s, env.user(s, "treasurer"), env.group_id)


def test_permission_denied_names_the_user_and_action_in_lao_too(env):
    from models.core import i18n

    with env.db.write() as s:
        with pytest.raises(PermissionDenied) as info:
            groups.create_group(s, env.user(s, "auditor"), name="x")
    assert str(info.value) == "auditor may not manage groups here."
    i18n.set_language("lo")
    assert "auditor" in str(info.value) and "may not" not in str(info.value)
