"""Which groups a user may verify: the auditor of one group checks that group and sees its
seal as every screen and page shows it; an administrator of every group checks them all;
someone with no role is told who may."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import groups, users
from models.core.errors import PermissionDenied
from models.core.schema import Group
from models.core.seal import format_seal
from models.core.verify_scope import GroupToVerify, groups_to_verify
from models.savings import accounts as savings


def test_an_auditor_of_one_group_verifies_that_group_and_the_admin_every_group(env):
    with env.db.write() as s:
        admin = env.user(s, "admin")
        other = groups.create_group(s, admin, name="ກຸ່ມອື່ນ", name_latin="Others")
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                               amount=10_000, on=dt.date(2026, 11, 20))
    with env.db.read() as s:
        head = s.get(Group, env.group_id).head_hash
        mine = groups_to_verify(s, env.user(s, "auditor"))
        every = groups_to_verify(s, env.user(s, "admin"))
    assert mine == [GroupToVerify(env.group_id, "ກຸ່ມຕັດຫຍິບ", "Tailors", 1, format_seal(head))]
    assert len(mine[0].seal) == 19  # 16 digits in fours
    assert [g.group_id for g in every] == [env.group_id, other.id]
    assert every[1] == GroupToVerify(other.id, "ກຸ່ມອື່ນ", "Others", 0, "")


def test_someone_with_no_role_may_not_verify(env):
    with env.db.write() as s:
        stranger = users.create_user(s, env.user(s, "admin"), username="visitor",
                                     display_name="Visitor", password="demo")
    with env.db.read() as s, pytest.raises(PermissionDenied):
        groups_to_verify(s, s.get(type(stranger), stranger.id))
