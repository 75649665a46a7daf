"""Members: details, validation (every problem at once), search, leaving, history."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import members
from models.core.errors import UserError, ValidationError
from models.core.members import MemberDetails


def details(**kw):
    base = dict(name_lao="ນາງ ມະນີ", name_latin="Manee", gender="f",
                joined_on=dt.date(2025, 3, 1), village="ບ້ານໂພນພະເນົາ", phone="020 5555 1234",
                nssf_number="SS-001")
    base.update(kw)
    return MemberDetails(**base)


def test_a_member_gets_the_next_number_and_is_active(env):
    with env.db.write() as s:
        row = members.add_member(s, env.user(s, "treasurer"), group_id=env.group_id,
                                 details=details())
    assert row.number == 4 and row.status == "active"
    assert row.display_name == "ນາງ ມະນີ (Manee)"


def test_every_problem_is_listed_at_once_and_nothing_is_saved(env):
    with pytest.raises(ValidationError) as info:
        with env.db.write() as s:
            members.add_member(s, env.user(s, "treasurer"), group_id=env.group_id, details=details(
                name_lao="  ", name_latin=" ", gender="?", joined_on=dt.date(2027, 1, 1),
                phone="call me",
                birth_date=dt.date(2030, 1, 1)))
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 5, messages
    with env.db.read() as s:
        assert len(members.list_members(s, env.user(s, "auditor"), env.group_id)) == 3


def test_nssf_numbers_are_unique(env):
    with env.db.write() as s:
        members.add_member(s, env.user(s, "treasurer"), group_id=env.group_id, details=details())
    with pytest.raises(ValidationError, match="SS-001 belongs to another member"):
        with env.db.write() as s:
            members.add_member(s, env.user(s, "treasurer"), group_id=env.group_id,
                               details=details(name_lao="ນາງ ອື່ນ"))


def test_search_finds_lao_latin_village_number_and_phone(env):
    with env.db.write() as s:
        members.add_member(s, env.user(s, "treasurer"), group_id=env.group_id, details=details())
    with env.db.read() as s:
        actor = env.user(s, "auditor")

        def find(text):
            return [m.name_latin for m in members.list_members(s, actor, env.group_id, search=text)]
        assert find("ມະນີ") == ["Manee"]
        assert find("manee") == ["Manee"]
        assert find("ໂພນພະເນົາ") == ["Manee"]
        assert find("5555") == ["Manee"]
        assert find("2")[0] == "Bua"  # the number first; phones with a 2 follow
        assert find("nobody") == []


def test_edits_keep_a_history_of_each_field(env):
    with env.db.write() as s:
        row = members.add_member(s, env.user(s, "treasurer"), group_id=env.group_id,
                                 details=details())
    with env.db.write() as s:
        members.update_member(s, env.user(s, "treasurer"), member_id=row.id,
                              details=details(phone="020 9999 0000", village="ບ້ານໃໝ່"))
    with env.db.read() as s:
        history = members.member_history(s, env.user(s, "auditor"), row.id)
    assert [(h.field, h.old_value, h.new_value) for h in history] == [
        ("created", None, "ນາງ ມະນີ"),
        ("village", "ບ້ານໂພນພະເນົາ", "ບ້ານໃໝ່"),
        ("phone", "020 5555 1234", "020 9999 0000"),
    ]


def test_leaving_and_death_are_dated_and_recorded(env):
    with env.db.write() as s:
        members.set_status(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                           status="deceased", on=dt.date(2026, 10, 2), note="ເສຍຊີວິດ")
    with env.db.read() as s:
        row = members.get_member(s, env.user(s, "auditor"), env.member_ids[0])
        assert (row.status, row.status_date) == ("deceased", dt.date(2026, 10, 2))
        active = members.list_members(s, env.user(s, "auditor"), env.group_id,
                                      include_inactive=False)
        assert env.member_ids[0] not in [m.id for m in active]
    with pytest.raises(UserError, match="already"):
        with env.db.write() as s:
            members.set_status(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                               status="deceased", on=dt.date(2026, 10, 2))
    with pytest.raises(UserError, match="between joining and today"):
        with env.db.write() as s:
            members.set_status(s, env.user(s, "treasurer"), member_id=env.member_ids[1],
                               status="left", on=dt.date(2020, 1, 1))


def test_one_name_is_enough_lao_or_latin(env):
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        latin = members.add_member(s, treasurer, group_id=env.group_id, details=details(
            name_lao="", name_latin="Noy", nssf_number=None))
        lao = members.add_member(s, treasurer, group_id=env.group_id, details=details(
            name_lao="ນາງ ນ້ອຍ", name_latin="", nssf_number=None))
    assert (latin.name_lao, latin.name_latin, latin.display_name) == ("Noy", None, "Noy")
    assert (lao.name_lao, lao.name_latin) == ("ນາງ ນ້ອຍ", None)
