"""Bringing an existing group in: every problem row listed at once, then all or nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.core import groups, members
from models.core.errors import PermissionDenied, ValidationError
from models.core.schema import Group, Member
from models.opening.balances import OpeningData, import_opening, preview_opening
from models.savings import accounts as savings
from models.savings.rules import list_cycles
from tests.models.savings_support import assert_ledger_whole, with_rules

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def new_group(env):
    """A group with no members and no records yet (the weavers of Ban Phonsavang)."""
    with env.db.write() as s:
        admin = env.user(s, "admin")
        group = groups.create_group(s, admin, name="ກຸ່ມຕ່ຳແຜ່ນ", name_latin="Weavers")
        from models.core import users

        users.grant_role(s, admin, user_id=env.user_ids["treasurer"], role="treasurer",
                         group_id=group.id)
        users.grant_role(s, admin, user_id=env.user_ids["auditor"], role="auditor",
                         group_id=group.id)
        env.group_id = group.id
    env.member_ids = []
    return env


GOOD = OpeningData(
    group={"as_of": AS_OF, "cash": "1,250,000", "bank": 2_000_000, "welfare_fund": "450,000"},
    members=[
        {"row": 2, "number": 1, "name_lao": "ນາງ ຄຳ", "name_latin": "Kham", "gender": "f",
         "joined_on": dt.date(2023, 2, 1), "savings": "1,200,000", "fines_owed": 5_000},
        {"row": 3, "number": 2, "name_lao": "ນາງ ແສງ", "gender": "ຍິງ",
         "joined_on": "15/03/2023", "village": "ບ້ານ ໂພນສະຫວ່າງ", "phone": 2055512345,
         "savings": 900_000},
        {"row": 4, "number": 4, "name_lao": "ທ້າວ ບຸນ", "gender": "m",
         "joined_on": "2024-01-10", "savings": None},
    ],
)


def preview(env, data):
    with env.db.read() as s:
        return preview_opening(s, env.user(s, "treasurer"), group_id=env.group_id, data=data)


def run_import(env, data, role="treasurer"):
    with env.db.write() as s:
        return import_opening(s, env.user(s, role), group_id=env.group_id, data=data)


def test_a_good_sheet_is_previewed_then_brought_in_as_one_opening_entry(new_group):
    env = new_group
    p = preview(env, GOOD)
    assert p.problems == ()
    assert (p.cash, p.bank, p.welfare_fund) == (1_250_000, 2_000_000, 450_000)
    assert (p.total_savings, p.total_fines) == (2_100_000, 5_000)
    # Box + bank + fines owed − savings − welfare: what the loan fund had earned.
    assert p.loan_fund_earnings == 705_000
    run_import(env, GOOD)
    with env.db.read() as s:
        rows = members.list_members(s, env.user(s, "auditor"), env.group_id)
        assert [(m.number, m.name_lao, m.gender, m.phone) for m in rows] == [
            (1, "ນາງ ຄຳ", "f", None), (2, "ນາງ ແສງ", "f", "2055512345"), (4, "ທ້າວ ບຸນ", "m", None)]
        balances = savings.member_savings(s, env.user(s, "auditor"), env.group_id)
        assert [(b.savings, b.fines_owed) for b in balances] == [(1_200_000, 5_000),
                                                                 (900_000, 0), (0, 0)]
        from models.core import ledger

        assert ledger.balance(s, env.group_id, "cash") == 1_250_000
        assert ledger.balance(s, env.group_id, "bank") == 2_000_000
        assert ledger.balance(s, env.group_id, "welfare_fund") == 450_000
        assert ledger.balance(s, env.group_id, "opening_balance") == 705_000
        assert ledger.fund_balance(s, env.group_id, "loan") == 2_805_000
        cycles = list_cycles(s, env.user(s, "auditor"), env.group_id)
        assert [(c.number, c.start_date) for c in cycles] == [(1, AS_OF)]
        assert s.get(Group, env.group_id).entry_count == 1
    assert_ledger_whole(env)


def test_a_bad_sheet_lists_every_problem_and_brings_in_nothing(new_group):
    env = new_group
    bad = OpeningData(
        group={"as_of": "31/13/2026", "cash": "12.5", "bank": None, "welfare_fund": "-3"},
        members=[
            {"row": 2, "number": 1, "name_lao": "ນາງ ຄຳ", "gender": "f",
             "joined_on": dt.date(2023, 2, 1), "savings": "1,205,000"},
            {"row": 3, "number": 1, "name_lao": "", "gender": "woman",
             "joined_on": "yesterday", "savings": "lots"},
            {"row": 4, "number": "two", "name_lao": "ນາງ ແສງ", "gender": "q",
             "joined_on": dt.date(2027, 1, 1), "phone": "020-CALL-ME"},
        ],
        loans=[{"row": 2, "member_number": 7, "principal": "-5", "annual_rate": "lots",
                "installments": 0, "first_due": "soon"}],
    )
    with pytest.raises(ValidationError) as caught:
        run_import(env, bad)
    assert [str(p) for p in caught.value.problems] == [
        "Group: Balances on (date): “31/13/2026” is not a date; write dd/mm/yyyy.",
        "Group: Cash in the box: LAK amounts have at most 0 decimals.",
        "Group: Welfare fund: The amount cannot be negative.",
        "Members, row 2: 1,205,000 ₭ is not a whole number of shares at 10,000 ₭ a share.",
        "Members, row 3: Enter the member's name.",
        "Members, row 3: Joined on: “yesterday” is not a date; write dd/mm/yyyy.",
        "Members, row 3: Savings: “lots” is not an amount.",
        "Members, row 3: Member number 1 is used twice.",
        "Members, row 4: Member no.: “two” is not a whole number.",
        "Members, row 4: Write f for a woman or m for a man.",
        "Loans, row 2: Still owed (principal): The amount cannot be negative.",
        "Loans, row 2: Interest, % a year: “lots” is not a rate; write 18 for 18 % a year.",
        "Loans, row 2: Next installment due: “soon” is not a date; write dd/mm/yyyy.",
        "Loans, row 2: There is no member number 7.",
        "Loans, row 2: The loan needs at least one installment.",
    ]
    with env.db.read() as s:
        assert s.scalars(select(Member).where(Member.group_id == env.group_id)).all() == []
        assert s.get(Group, env.group_id).entry_count == 0
        assert list_cycles(s, env.user(s, "auditor"), env.group_id) == []


def test_the_member_form_rules_apply_to_imported_members(new_group):
    data = OpeningData(group={"as_of": AS_OF}, members=[
        {"row": 2, "number": 1, "name_lao": "ນາງ ຄຳ", "gender": "f", "joined_on": AS_OF,
         "phone": "020-CALL-ME"},
        {"row": 3, "number": 2, "name_lao": "ນາງ ດາ", "gender": "f",
         "joined_on": dt.date(2026, 7, 2)}])
    assert [str(p) for p in preview(new_group, data).problems] == [
        "Members, row 2: A phone number has only digits, spaces, + and -.",
        "Members, row 3: She joined after 30/06/2026, the day of the balances."]


def test_members_already_in_the_group_are_matched_by_number(env):
    # env's group has Keo (1), Bua (2) and Som (3), and no records yet.
    data = OpeningData(group={"as_of": AS_OF, "cash": 300_000}, members=[
        {"row": 2, "number": 1, "name_lao": "ນາງ ແກ້ວ", "savings": 200_000},
        {"row": 3, "number": 2, "name_lao": "ນາງ ບົວ ບົວ", "savings": 100_000},
        {"row": 4, "number": 9, "name_lao": "ນາງ ໃໝ່", "gender": "f",
         "joined_on": dt.date(2025, 5, 5), "savings": 100_000}])
    p = preview(env, data)
    assert [str(x) for x in p.problems] == ["Members, row 3: Number 2 is ນາງ ບົວ in this group."]
    data.members[1]["name_lao"] = "ນາງ ບົວ"
    run_import(env, data)
    with env.db.read() as s:
        rows = savings.member_savings(s, env.user(s, "auditor"), env.group_id)
    assert [(r.number, r.name, r.savings) for r in rows] == [
        (1, "ນາງ ແກ້ວ", 200_000), (2, "ນາງ ບົວ", 100_000), (3, "ທ້າວ ສົມ", 0),
        (9, "ນາງ ໃໝ່", 100_000)]
    assert_ledger_whole(env)


def test_a_group_with_records_cannot_take_opening_balances(env):
    with env.db.write() as s:
        savings.record_deposit(s, env.user(s, "treasurer"), member_id=env.member_ids[0],
                               amount=10_000, on=AS_OF)
    p = preview(env, OpeningData(group={"as_of": AS_OF, "cash": 5}))
    assert [str(x) for x in p.problems] == [
        "This group already has records; opening balances can only be brought into a group "
        "that has none."]


def test_a_free_amount_group_takes_any_savings(new_group):
    with_rules(new_group, mode="free")
    data = OpeningData(group={"as_of": AS_OF, "cash": 12_345}, members=[
        {"row": 2, "number": 1, "name_lao": "ນາງ ຄຳ", "gender": "f",
         "joined_on": dt.date(2023, 2, 1), "savings": 12_345}])
    run_import(new_group, data)
    assert_ledger_whole(new_group)


def test_a_loss_is_brought_in_as_it_is(new_group):
    data = OpeningData(group={"as_of": AS_OF, "cash": 150_000}, members=[
        {"row": 2, "number": 1, "name_lao": "ນາງ ຄຳ", "gender": "f",
         "joined_on": dt.date(2023, 2, 1), "savings": 200_000}])
    p = preview(new_group, data)
    assert p.problems == () and p.loan_fund_earnings == -50_000
    run_import(new_group, data)
    assert_ledger_whole(new_group)


def test_only_a_treasurer_brings_a_group_in(new_group):
    with pytest.raises(PermissionDenied):
        run_import(new_group, GOOD, role="auditor")
