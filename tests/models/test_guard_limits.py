"""Limits on what a ledger accepts: one absurd amount, date or writer can no longer poison
the books. Each story ends with the ledger still verifying and taking ordinary money."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from models.core import groups, ledger, money, settings, users, verify
from models.core.errors import LedgerIntegrityError, PermissionDenied, UserError
from models.core.ledger import Line
from models.core.money import CURRENCIES, parse_money
from models.core.schema import Group, JournalEntry
from models.savings import fines as savings_fines
from models.savings import rules as savings_rules

KIP = CURRENCIES["LAK"]
DAY = dt.date(2026, 11, 1)
INT64_MAX = 2**63 - 1


def _receipt(session, actor, env, amount: int, *, member: int = 0) -> JournalEntry:
    return ledger.post_entry(session, actor, group_id=env.group_id, value_date=DAY,
                             kind="deposit", lines=[
                                 Line("cash", amount),
                                 Line("member_savings", -amount, member_id=env.member_ids[member])])


def _entries(env) -> int:
    with env.db.read() as s:
        return s.scalar(select(func.count(JournalEntry.id)))


def _verifies(env) -> None:
    with env.db.read() as s:
        assert verify.verify_database(s) == []


def test_typing_the_largest_64_bit_number_as_a_contribution_is_refused_in_plain_words():
    with pytest.raises(UserError) as info:
        parse_money("9,223,372,036,854,775,807", KIP)
    assert str(info.value) == "The amount is too large: at most 10,000,000,000,000 ₭."
    with pytest.raises(UserError):
        parse_money("1e999999", KIP)
    assert parse_money("10,000,000,000,000", KIP) == money.HARD_MAX_MINOR


def test_the_poison_amount_never_reaches_the_ledger_and_ordinary_receipts_still_post(env):
    with env.db.write() as s:
        with pytest.raises(LedgerIntegrityError) as info:
            _receipt(s, env.user(s, "treasurer"), env, INT64_MAX)
    assert "more than this group's largest amount, 1,000,000,000,000 ₭" in str(info.value)
    with env.db.write() as s:
        _receipt(s, env.user(s, "treasurer"), env, 50_000)
    _verifies(env)
    with env.db.read() as s:
        assert ledger.trial_balance(s, env.group_id)


def test_a_group_can_set_a_lower_largest_amount_from_a_date(env):
    with env.db.write() as s:
        settings.set_value(s, env.user(s, "admin"), group_id=env.group_id,
                           key=ledger.MAX_AMOUNT.key, value=5_000_000,
                           effective_from=dt.date(2026, 10, 1))
    with env.db.write() as s:
        with pytest.raises(LedgerIntegrityError, match="5,000,000 ₭"):
            _receipt(s, env.user(s, "treasurer"), env, 5_000_001)
    with env.db.write() as s:
        _receipt(s, env.user(s, "treasurer"), env, 5_000_000)
    assert _entries(env) == 1
    with env.db.write() as s:
        with pytest.raises(UserError):
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id,
                               key=ledger.MAX_AMOUNT.key, value=money.HARD_MAX_MINOR + 1,
                               effective_from=dt.date(2026, 11, 1))


def test_many_large_amounts_cannot_add_up_past_what_the_ledger_can_sum(env, monkeypatch):
    monkeypatch.setattr(ledger, "MAX_BALANCE", 5 * 10**11)
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        _receipt(s, treasurer, env, 2 * 10**11, member=0)
        _receipt(s, treasurer, env, 2 * 10**11, member=1)
    with env.db.write() as s:
        with pytest.raises(LedgerIntegrityError, match="more than the ledger can add up"):
            _receipt(s, env.user(s, "treasurer"), env, 2 * 10**11, member=2)
    assert _entries(env) == 2
    _verifies(env)


def test_a_number_too_large_for_sqlite_is_stopped_before_it_is_written(env):
    with env.db.write() as s:
        s.get(Group, env.group_id).distance_km = 2**70
        with pytest.raises(UserError, match="too large to keep"):
            s.flush()
        s.rollback()
    with env.db.read() as s:
        assert s.get(Group, env.group_id).distance_km != 2**70


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31)])
def test_a_date_off_the_calendar_is_refused_with_the_usable_range(env, day):
    with env.db.write() as s:
        with pytest.raises(UserError) as info:
            ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id,
                              value_date=day, kind="deposit",
                              lines=[Line("cash", 10), Line("member_savings", -10,
                                                            member_id=env.member_ids[0])])
    assert "choose one from 01/01/1900 to 31/12/2199" in str(info.value)
    assert _entries(env) == 0


def test_an_auditor_cannot_post_to_the_ledger_directly(env):
    with env.db.write() as s:
        with pytest.raises(PermissionDenied) as info:
            _receipt(s, env.user(s, "auditor"), env, 10_000)
    assert str(info.value) == "auditor may not write in this group's books."
    assert _entries(env) == 0


def test_a_treasurer_of_another_group_cannot_post_or_reverse_here(env):
    with env.db.write() as s:
        admin = env.user(s, "admin")
        other = groups.create_group(s, admin, name="ກຸ່ມອື່ນ")
        outsider = users.create_user(s, admin, username="other", display_name="Other",
                                     password="demo")
        users.grant_role(s, admin, user_id=outsider.id, role="treasurer", group_id=other.id)
        entry_id = _receipt(s, env.user(s, "treasurer"), env, 10_000).id
        outsider_id = outsider.id
    with env.db.write() as s:
        outsider = s.get(users.User, outsider_id)
        with pytest.raises(PermissionDenied):
            _receipt(s, outsider, env, 10_000)
        with pytest.raises(PermissionDenied):
            ledger.post_reversal(s, s.get(JournalEntry, entry_id), checked_by=outsider,
                                 reason="x", value_date=DAY)
    assert _entries(env) == 1


def test_fines_and_a_new_cycle_need_the_treasurer_not_the_auditor(env):
    with env.db.write() as s:
        auditor = env.user(s, "auditor")
        with pytest.raises(PermissionDenied):
            savings_fines.post_fines(s, auditor, group_id=env.group_id, on=DAY,
                                     charges={env.member_ids[0]: 5_000}, memo="late")
        with pytest.raises(PermissionDenied):
            savings_rules.new_cycle(s, auditor, group_id=env.group_id, start_date=DAY)
    assert _entries(env) == 0
