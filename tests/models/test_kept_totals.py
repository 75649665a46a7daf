"""The kept totals: every account's balance and every member's savings are kept as running
totals, moved in the same transaction as the lines, so the overview and the office's trial
balance read one row per account. The lines stay the record: verify sums them again, and a
total or a line changed behind the app's back is caught."""
from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from models.core import ledger, totals
from models.core.errors import LedgerIntegrityError
from models.core.ledger import Line, Posting
from models.core.migrate import open_database
from models.core.schema import Account, AccountTotal, JournalLine, MemberTotal
from models.core.verify import verify_database
from tests.cli.ledger_helpers import tamper
from tests.models.posting_paths import post  # noqa: F401 (the fixture)

DAY = dt.date(2026, 11, 2)


def sums_of_lines(session):
    per_account = {a: int(t) for a, t in session.execute(
        select(JournalLine.account_id, func.sum(JournalLine.amount))
        .group_by(JournalLine.account_id))}
    per_member = {(a, m): int(t) for a, m, t in session.execute(
        select(JournalLine.account_id, JournalLine.member_id, func.sum(JournalLine.amount))
        .where(JournalLine.member_id.is_not(None))
        .group_by(JournalLine.account_id, JournalLine.member_id))}
    return per_account, per_member


def kept(session):
    return ({a: int(t) for a, t in session.execute(
                select(AccountTotal.account_id, AccountTotal.total))},
            {(a, m): int(t) for a, m, t in session.execute(
                select(MemberTotal.account_id, MemberTotal.member_id, MemberTotal.total))})


def a_month_of_meetings(env, post):  # noqa: F811
    """Deposits by three members, a withdrawal, an expense, a batch of deposits and a
    reversal: every way money enters the ledger."""
    with env.db.write() as s:
        treasurer = env.user(s, "treasurer")
        for i, amount in enumerate((50_000, 20_000, 35_000)):
            post(s, treasurer, group_id=env.group_id, value_date=DAY, kind="deposit", lines=[
                Line("cash", amount), Line("member_savings", -amount,
                                           member_id=env.member_ids[i])])
        post(s, treasurer, group_id=env.group_id, value_date=DAY, kind="withdrawal", lines=[
            Line("member_savings", 5_000, member_id=env.member_ids[0]), Line("cash", -5_000)])
        wrong = post(s, treasurer, group_id=env.group_id, value_date=DAY, kind="expense",
                     lines=[Line("expenses", 7_000), Line("cash", -7_000)])
        wrong_id = wrong.id
        ledger.post_entries(s, treasurer, group_id=env.group_id, postings=[
            Posting(DAY, "deposit", (Line("cash", 1_000 * (i + 1)),
                                     Line("member_savings", -1_000 * (i + 1),
                                          member_id=env.member_ids[i])))
            for i in range(3)])
    with env.db.write() as s:
        ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=wrong_id,
                             reason="ຈ່າຍຜິດ")


def test_every_way_of_posting_moves_the_totals_by_its_lines(env, post):  # noqa: F811
    a_month_of_meetings(env, post)
    with env.db.read() as s:
        assert kept(s) == sums_of_lines(s)
        assert ledger.balance(s, env.group_id, "cash") == 50_000 + 20_000 + 35_000 - 5_000 + 6_000
        assert ledger.balance(s, env.group_id, "member_savings",
                              member_id=env.member_ids[0]) == 50_000 - 5_000 + 1_000
        assert ledger.member_balances(s, env.group_id, "member_savings") == {
            env.member_ids[0]: 46_000, env.member_ids[1]: 22_000, env.member_ids[2]: 38_000}
        rows = {r.key: r for r in ledger.trial_balance(s, env.group_id)}
        assert rows["expenses"].net == 0
        assert sum(r.debit for r in rows.values()) == sum(r.credit for r in rows.values())
        assert [str(p) for p in verify_database(s)] == []


def test_a_refused_entry_moves_no_total(env):
    with env.db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
                          kind="deposit", lines=[Line("cash", 9_000), Line(
                              "member_savings", -9_000, member_id=env.member_ids[0])])
    with pytest.raises(LedgerIntegrityError):
        with env.db.write() as s:
            treasurer = env.user(s, "treasurer")
            ledger.post_entries(s, treasurer, group_id=env.group_id, postings=[
                Posting(DAY, "withdrawal", (Line("member_savings", 4_000,
                                                 member_id=env.member_ids[0]),
                                            Line("cash", -4_000))),
                Posting(DAY, "withdrawal", (Line("member_savings", 6_000,
                                                 member_id=env.member_ids[0]),
                                            Line("cash", -6_000)))])
    with env.db.read() as s:
        assert ledger.balance(s, env.group_id, "cash") == 9_000
        assert kept(s) == sums_of_lines(s)


def cash_account(env, session):
    return session.scalar(select(Account.id).where(Account.group_id == env.group_id,
                                                   Account.key == "cash"))


def test_verify_catches_a_kept_total_changed_behind_the_apps_back(env, post):  # noqa: F811
    a_month_of_meetings(env, post)
    with env.db.write() as s:
        # Someone with the database open makes the box look fuller than it is.
        s.execute(text("UPDATE account_totals SET total = total + 100000 "
                       "WHERE account_id = :a"), {"a": cash_account(env, s)})
        s.execute(text("UPDATE member_totals SET total = total - 500 "
                       "WHERE member_id = :m"), {"m": env.member_ids[1]})
    with env.db.read() as s:
        found = [str(p) for p in verify_database(s)]
        number = env.member(s, 1).number
    assert any("the kept total of account 1000 is 206,000" in p and "add up to 106,000" in p
               for p in found), found
    assert any(f"the kept total of member {number}" in p for p in found), found


@pytest.mark.sqlite_only
def test_verify_catches_a_line_changed_behind_the_apps_back(env, post):  # noqa: F811
    a_month_of_meetings(env, post)
    with env.db.read() as s:
        account = cash_account(env, s)
    tamper(env.db.path, f"UPDATE journal_lines SET amount = amount + 1 "
                        f"WHERE account_id = {account} AND id = (SELECT min(id) FROM "
                        f"journal_lines WHERE account_id = {account})")
    with env.db.read() as s:
        found = [str(p) for p in verify_database(s)]
    assert any("the kept total of account 1000 is 106,000" in p and "add up to 106,001" in p
               for p in found), found


@pytest.mark.sqlite_only
def test_a_ledger_from_before_the_totals_gets_them_from_its_lines(env, post,  # noqa: F811
                                                                 tmp_path):
    a_month_of_meetings(env, post)
    with env.db.read() as s:
        expected = sums_of_lines(s)
    path = env.db.path
    env.db.dispose()
    # The ledger as the version before kept totals left it.
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE member_totals")
    connection.execute("DROP TABLE account_totals")
    connection.execute("UPDATE alembic_version SET version_num = '0010_tamper_evidence' "
                       "WHERE version_num = '0018_account_totals'")
    connection.commit()
    connection.close()
    upgraded = open_database(str(path), backup_dir=tmp_path / "backups")
    try:
        with upgraded.read() as s:
            assert kept(s) == expected
            assert [str(p) for p in verify_database(s)] == []
    finally:
        upgraded.dispose()


def test_the_totals_module_reads_what_it_keeps(env):
    with env.db.write() as s:
        ledger.post_entry(s, env.user(s, "treasurer"), group_id=env.group_id, value_date=DAY,
                          kind="deposit", lines=[Line("cash", 3_000), Line(
                              "member_savings", -3_000, member_id=env.member_ids[2])])
    with env.db.read() as s:
        cash = cash_account(env, s)
        savings = s.scalar(select(Account.id).where(Account.group_id == env.group_id,
                                                    Account.key == "member_savings"))
        assert totals.account_totals(s, [cash, savings]) == {cash: 3_000, savings: -3_000}
        assert totals.member_totals(s, [(savings, env.member_ids[2]),
                                        (savings, env.member_ids[0])]) == {
            (savings, env.member_ids[2]): -3_000}
        assert totals.problems(s, env.group(s)) == []


def test_two_writers_on_the_same_account_both_count(env):
    """Two transactions move the same total at once (on PostgreSQL the second waits on the
    row, on SQLite on the file): neither amount is lost, as it would be if the total were
    read, added to in Python and written back."""
    with env.db.read() as s:
        cash = cash_account(env, s)
        before = totals.account_totals(s, [cash]).get(cash, 0)
    first = Session(env.db.engine)
    totals.move(first, [(cash, None, 100)])  # holds its transaction open
    done = threading.Event()

    def second_writer() -> None:
        with Session(env.db.engine) as second:
            totals.move(second, [(cash, None, 50)])
            second.commit()
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not done.wait(0.5)  # it waits for the first
    first.commit()
    first.close()
    thread.join(30)
    assert done.is_set()
    with env.db.read() as s:
        assert totals.account_totals(s, [cash])[cash] == before + 150
