"""A group brought in from its paper books with loans still being repaid: each loan keeps
its terms, its schedule starts from what is still owed, the opening entry carries its
receivable, and from the next meeting on it is repaid like any other loan."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.core.errors import ValidationError
from models.loans import opening as loan_opening
from models.loans.repayments import pay_off_loan, payoff
from models.loans.schema import Loan
from models.opening.balances import OpeningData, import_opening, preview_opening
from tests.models.loan_support import assert_ledger_whole, balance, detail, receivable, repay

D = dt.date
AS_OF = D(2026, 9, 30)


@pytest.fixture
def weavers(env):
    """A group with no records yet; env's members Keo (1), Bua (2) and Som (3)."""
    return env


def sheet(*loan_rows):
    return OpeningData(
        group={"as_of": AS_OF, "cash": "300,000"},
        members=[{"row": 2, "number": 1, "name_lao": "ນາງ ແກ້ວ", "savings": 700_000},
                 {"row": 3, "number": 2, "name_lao": "ນາງ ບົວ", "savings": 500_000}],
        loans=list(loan_rows))


# Keo borrowed on 15/04; 600,000 kip is left, six monthly installments, the next on 15/10.
KEO = {"row": 2, "member_number": 1, "principal": "600,000", "annual_rate": 24,
       "installments": 6, "first_due": "15/10/2026", "method": "declining",
       "disbursed_on": "15/04/2026"}
# Bua borrowed 1,000,000 flat; 400,000 is left over four installments, the next on 20/10.
BUA = {"row": 3, "member_number": 2, "principal": 400_000, "annual_rate": "24",
       "installments": 4, "first_due": D(2026, 10, 20), "method": "flat",
       "disbursed_on": D(2026, 2, 20), "original_principal": "1,000,000"}


def bring_in(env, data):
    with env.db.write() as s:
        return import_opening(s, env.user(s, "treasurer"), group_id=env.group_id, data=data)


def loan_ids(env):
    with env.db.read() as s:
        return [loan.id for loan in s.query(Loan).filter_by(group_id=env.group_id)
                .order_by(Loan.number)]


def test_two_running_loans_come_in_with_their_schedules_and_the_ledger_checks_out(weavers):
    env = weavers
    done = bring_in(env, sheet(KEO, BUA))
    assert done.warnings == ()
    keo, bua = loan_ids(env)
    assert_ledger_whole(env.db)
    assert receivable(env.db, env, keo) == 600_000
    assert receivable(env.db, env, bua) == 400_000
    assert balance(env.db, env, "loans_receivable") == 1_000_000
    # Box 300,000 + loans 1,000,000 − savings 1,200,000: the fund's earnings so far.
    assert balance(env.db, env, "opening_balance") == 100_000

    d = detail(env.db, env, keo, AS_OF)
    assert (d.loan.status, d.loan.principal_outstanding, d.loan.disbursed_on) == (
        "active", 600_000, D(2026, 4, 15))
    assert d.loan.annual_rate == Decimal(24) and d.loan.method == "declining"
    assert [i.due_date for i in d.installments] == [
        D(2026, 10, 15), D(2026, 11, 15), D(2026, 12, 15), D(2027, 1, 15), D(2027, 2, 15),
        D(2027, 3, 15)]
    # 2 % a month on the 600,000 still owed since the installment of 15/09.
    assert d.installments[0].interest == 12_000
    assert sum(i.principal for i in d.installments) == 600_000
    assert all(i.status == "future" for i in d.installments)
    assert [(e.kind, e.on, e.amount) for e in d.events] == [("opening", AS_OF, 600_000)]
    assert d.events[0].name == "Brought in from the paper books"
    assert d.repayments == () and d.days_overdue == 0

    b = detail(env.db, env, bua, AS_OF)
    # Flat interest stays on the 1,000,000 first lent: 20,000 a month.
    assert [(i.principal, i.interest) for i in b.installments] == [(100_000, 20_000)] * 4
    assert b.loan.amount == 1_000_000 and b.loan.method == "flat"


def test_the_next_meetings_repayments_pay_interest_then_principal_and_arrears_follow(weavers):
    env = weavers
    bring_in(env, sheet(KEO, BUA))
    keo, bua = loan_ids(env)
    first = detail(env.db, env, keo, AS_OF).installments[0]
    repay(env.db, env, keo, first.total, D(2026, 10, 15))
    repay(env.db, env, bua, 50_000, D(2026, 10, 20))
    assert [(r.interest, r.principal) for r in detail(env.db, env, keo).repayments] == [
        (12_000, first.total - 12_000)]
    assert [(r.interest, r.principal) for r in detail(env.db, env, bua).repayments] == [
        (20_000, 30_000)]
    assert receivable(env.db, env, keo) == 600_000 - (first.total - 12_000)
    assert receivable(env.db, env, bua) == 370_000
    assert_ledger_whole(env.db)

    # Today is 20/11: Keo's installment of 15/11 is five days late; Bua's of 20/11 is due
    # and 70,000 of her October installment is still unpaid.
    today = detail(env.db, env, keo)
    assert [i.status for i in today.installments[:3]] == ["paid", "late", "future"]
    assert today.days_overdue == 5
    assert today.due_now == today.installments[1].total
    b = detail(env.db, env, bua)
    assert [i.status for i in b.installments[:2]] == ["late", "due"]
    assert b.due_now == 70_000 + 120_000
    assert b.days_overdue == 31
    # Paying the loan off today clears what the ledger holds for it.
    with env.db.read() as s:
        quote = payoff(s, env.user(s, "auditor"), loan_id=keo)
    assert quote.principal == receivable(env.db, env, keo)
    with env.db.write() as s:
        pay_off_loan(s, env.user(s, "treasurer"), loan_id=keo)
    assert detail(env.db, env, keo).loan.status == "closed"
    assert receivable(env.db, env, keo) == 0
    assert_ledger_whole(env.db)


def test_a_loan_at_a_rate_outside_todays_policy_keeps_its_rate_with_a_warning(weavers):
    env = weavers
    old = dict(KEO, annual_rate="30")
    with env.db.read() as s:
        p = preview_opening(s, env.user(s, "treasurer"), group_id=env.group_id,
                            data=sheet(old))
    assert p.problems == ()
    assert [str(w) for w in p.warnings] == [
        "Loans, row 2: The rate of 30 % a year is outside the group's range, 12–24 %; the "
        "loan keeps the rate it was made with."]
    bring_in(env, sheet(old))
    (keo,) = loan_ids(env)
    assert detail(env.db, env, keo).loan.annual_rate == Decimal(30)
    assert detail(env.db, env, keo, AS_OF).installments[0].interest == 15_000
    assert_ledger_whole(env.db)


def test_bad_loan_rows_are_listed_with_the_others_and_nothing_is_written(weavers):
    env = weavers
    data = sheet(
        dict(KEO, member_number=9),
        dict(BUA, original_principal="300,000"),
        dict(KEO, row=4, annual_rate="18.125", first_due="15/09/2026"),
        dict(KEO, row=5, annual_rate="18.125", disbursed_on="01/10/2026"),
    )
    data.members[1]["name_lao"] = "ນາງ ບົວ ບົວ"
    with pytest.raises(ValidationError) as refused:
        bring_in(env, data)
    assert [str(p) for p in refused.value.problems] == [
        "Members, row 3: Number 2 is ນາງ ບົວ in this group.",
        "Loans, row 2: There is no member number 9.",
        "Loans, row 3: The amount first lent, 300,000 ₭, is less than what is still owed, "
        "400,000 ₭.",
        "Loans, row 4: The next installment must fall due after 30/09/2026.",
        "Loans, row 5: Give the interest rate with at most two decimals.",
        "Loans, row 5: The loan was paid out after 30/09/2026, the day of the balances.",
    ]
    assert loan_ids(env) == []
    assert balance(env.db, env, "cash") == 0


def test_the_service_refuses_a_borrower_of_another_group(weavers):
    env = weavers
    with pytest.raises(ValidationError) as refused, env.db.write() as s:
        loan_opening.import_opening_loan(
            s, env.user(s, "treasurer"), group_id=env.group_id, member_id=10_000,
            principal=100_000, annual_rate=Decimal(18), installments=2, method="flat",
            first_due=D(2026, 10, 15), as_of=AS_OF)
    assert [str(p) for p in refused.value.problems] == ["No such member."]


def test_a_loan_written_in_the_excel_template_is_brought_in(tmp_path, weavers):
    from openpyxl import load_workbook

    from reports.opening_template import read_template, write_template

    env = weavers
    path = write_template(tmp_path / "opening.xlsx", group_name="Weavers", as_of=AS_OF)
    wb = load_workbook(path)
    assert [c.value for c in wb["Loans"][1]] == [
        "Member no.", "Still owed (principal)", "Interest, % a year", "Installments left",
        "Next installment due", "Interest (flat, declining)", "Paid out on",
        "Amount first lent"]
    wb["Group"]["B3"] = 300_000
    for r, values in enumerate([(1, "ນາງ ແກ້ວ"), (2, "ນາງ ບົວ")], start=2):
        for c, value in enumerate(values, start=1):
            wb["Members"].cell(r, c, value)
    wb["Members"]["H2"], wb["Members"]["H3"] = 700_000, 500_000
    for c, value in enumerate([2, 400_000, 24, 4, dt.datetime(2026, 10, 20), "flat",
                               "20/02/2026", "1,000,000"], start=1):
        wb["Loans"].cell(2, c, value)
    wb.save(path)

    bring_in(env, read_template(path))
    (bua,) = loan_ids(env)
    b = detail(env.db, env, bua, AS_OF)
    assert (b.loan.member_id, b.loan.amount, b.loan.principal_outstanding) == (
        env.member_ids[1], 1_000_000, 400_000)
    assert [(i.due_date, i.principal, i.interest) for i in b.installments] == [
        (D(2026, 10, 20), 100_000, 20_000), (D(2026, 11, 20), 100_000, 20_000),
        (D(2026, 12, 20), 100_000, 20_000), (D(2027, 1, 20), 100_000, 20_000)]
    assert_ledger_whole(env.db)
