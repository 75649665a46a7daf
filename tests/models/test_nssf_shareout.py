"""The NSSF pot at the end of the cycle: the share-out shows each member's pot beside her
payout, kept for her or paid out with her share by the group's rule, and takes part of a
payout into her pot when she asks. Hand-worked figures.

The tailors' group pools NSSF contributions. Keo saved 7,000, Bua 11,000 (January), Som
13,000 (June); the loans earned 1,000; share price 1,000. Value per share: 32,000 / 31
shares: payouts 7,225 / 11,354 / 13,419, residue 2. Keo has 5,000 in her NSSF pot, Bua
3,000. The box holds 31,000 + 1,000 + 8,000 = 40,000.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from models.core import ledger
from models.core.errors import UserError, ValidationError
from models.core.schema import JournalEntry
from models.nssf import scheme
from models.nssf.texts import KIND_SHARE_OUT_PAID, KIND_SHARE_OUT_TOP_UP
from models.savings import accounts as savings
from models.savings import shareout_records
from models.statements.shareout_paper import shareout_statement
from tests.models.nssf_support import deposit, pooling, problems, set_scheme
from tests.models.savings_support import assert_ledger_whole, balance, post, with_rules

JAN, JUNE, TODAY = dt.date(2026, 1, 10), dt.date(2026, 6, 1), dt.date(2026, 11, 20)


@pytest.fixture
def pots(env):
    from models.core.ledger import Line
    from tests.models.test_shareout import save

    with_rules(env, share_price=1_000, max_shares=20)
    pooling(env)
    keo, bua, som = env.member_ids
    save(env, keo, 7_000)
    save(env, bua, 11_000)
    save(env, som, 13_000, on=JUNE)
    post(env, Line("cash", 1_000), Line("interest_income", -1_000), on=JUNE)
    deposit(env, 0, 5_000, on=JUNE)
    deposit(env, 1, 3_000, on=JUNE)
    return env


def preview(env, **kw):
    from tests.models.test_shareout import preview as savings_preview
    return savings_preview(env, method="value_per_share", carry_over="none", **kw)


def share_out(env, **kw):
    from tests.models.test_shareout import share_out as savings_share_out
    return savings_share_out(env, method="value_per_share", carry_over="none", **kw)


def record(env, share_out_id):
    with env.db.read() as s:
        return shareout_records.share_out_record(s, env.user(s, "auditor"), share_out_id)


def test_by_default_her_pot_is_kept_for_her_and_som_puts_2000_of_his_payout_in_his(pots):
    env = pots
    keo, bua, som = env.member_ids
    p = preview(env, top_ups={som: 2_000})
    assert p.problems == ()
    assert [r.payout for r in p.rows] == [7_225, 11_354, 13_419]
    # Pots are not the loan fund's money: nothing of them is shared.
    assert p.distributable == 32_000
    assert [(r.fund_paid, r.topped_up, r.fund_kept) for r in p.rows] == [
        (0, 0, 5_000), (0, 0, 3_000), (0, 2_000, 2_000)]
    assert [r.cash_in_hand for r in p.rows] == [7_225, 11_354, 11_419]
    posted = share_out(env, top_ups={som: 2_000}, preview_seq=p.ledger_seq)
    # 40,000 − 29,998 paid: the residue 2 and the three pots 5,000 + 3,000 + 2,000 stay.
    assert balance(env, "cash") == 10_002
    assert [balance(env, "nssf_pot", m) for m in env.member_ids] == [5_000, 3_000, 2_000]
    assert balance(env, "share_out_payable") == 0
    stored = record(env, posted.share_out_id)
    som_row = stored.rows[2]
    assert (som_row.cash, som_row.topped_up, som_row.fund_kept) == (11_419, 2_000, 2_000)
    # His receipt is the ledger number of the deposit into his pot.
    with env.db.read() as s:
        seq = s.scalar(select(JournalEntry.seq).where(
            JournalEntry.kind == KIND_SHARE_OUT_TOP_UP))
    assert som_row.funds[0].receipt == seq
    assert problems(env) == []
    assert_ledger_whole(env)


def test_under_the_share_out_rule_bua_takes_her_pot_in_cash_with_her_share(pots):
    env = pots
    set_scheme(env, withdrawals=scheme.WITHDRAW_SHARE_OUT, on=dt.date(2026, 11, 1))
    p = preview(env)
    assert [(r.fund_paid, r.fund_kept) for r in p.rows] == [(5_000, 0), (3_000, 0), (0, 0)]
    bua = p.rows[1]
    assert (bua.cash, bua.cash_in_hand) == (11_354, 14_354)
    assert p.total_cash_in_hand == 31_998 + 8_000
    posted = share_out(env)
    assert balance(env, "cash") == 2  # the residue only
    assert [balance(env, "nssf_pot", m) for m in env.member_ids] == [0, 0, 0]
    with env.db.read() as s:
        paid = s.scalars(select(JournalEntry).where(
            JournalEntry.kind == KIND_SHARE_OUT_PAID)).all()
    assert len(paid) == 2  # one balanced entry per member with a pot
    assert [r.fund_paid for r in record(env, posted.share_out_id).rows] == [5_000, 3_000, 0]
    assert problems(env) == []
    assert_ledger_whole(env)


def test_a_top_up_beyond_her_cash_payout_is_refused_and_nothing_is_posted(pots):
    env = pots
    keo, bua, som = env.member_ids
    p = preview(env, top_ups={keo: 7_226})
    assert [str(x) for x in p.problems] == [
        "ນາງ ແກ້ວ takes 7,225 ₭ in cash from her payout; no more than that can go into her "
        "NSSF pot."]
    with pytest.raises(ValidationError):
        share_out(env, top_ups={keo: 7_226})
    with pytest.raises(ValidationError):
        share_out(env, top_ups={keo: -1})
    assert balance(env, "member_savings") == 31_000
    assert balance(env, "nssf_pot", keo) == 5_000
    # A top-up is only for a group that pools NSSF contributions.
    set_scheme(env, pooling=False, on=dt.date(2026, 11, 1))
    assert preview(env, top_ups={keo: 1_000}).problems


def test_the_share_out_and_its_pot_entries_are_never_reversed(pots):
    env = pots
    som = env.member_ids[2]
    set_scheme(env, withdrawals=scheme.WITHDRAW_SHARE_OUT, on=dt.date(2026, 11, 1))
    share_out(env, top_ups={som: 1_000})
    with env.db.read() as s:
        ids = s.scalars(select(JournalEntry.id).where(JournalEntry.kind.in_(
            (KIND_SHARE_OUT_PAID, KIND_SHARE_OUT_TOP_UP)))).all()
    assert len(ids) == 3
    for entry_id in ids:
        with pytest.raises(UserError, match="share-out"), env.db.write() as s:
            ledger.reverse_entry(s, env.user(s, "treasurer"), entry_id=entry_id,
                                 reason="mistake", value_date=TODAY)
    assert balance(env, "nssf_pot", som) == 1_000
    assert problems(env) == []


def test_verify_finds_a_pot_record_that_does_not_match_the_ledger(pots):
    from models.nssf.schema import NssfShareOutPot

    env = pots
    share_out(env, top_ups={env.member_ids[2]: 2_000})
    with env.db.write() as s:
        row = s.scalar(select(NssfShareOutPot).where(NssfShareOutPot.topped_up > 0))
        row.topped_up = 2_500
    assert any("does not match the ledger" in p for p in problems(env))


def test_the_paper_shows_each_pot_and_its_totals_are_the_sum_of_the_rows(pots, tmp_path):
    env = pots
    som = env.member_ids[2]
    set_scheme(env, withdrawals=scheme.WITHDRAW_SHARE_OUT, on=dt.date(2026, 11, 1))
    posted = share_out(env, top_ups={som: 2_000})
    with env.db.read() as s:
        sheet = shareout_statement(s, env.user(s, "auditor"), group_id=env.group_id,
                                   share_out_id=posted.share_out_id)
    rec = sheet.record
    assert (rec.total_fund_paid, rec.total_topped_up, rec.total_fund_kept) == (
        8_000, 2_000, 2_000)
    assert rec.total_fund_paid == sum(r.fund_paid for r in rec.rows)
    assert sum(r.cash_in_hand for r in rec.rows) == 29_998 + 8_000


def test_the_auditors_share_out_sheet_shows_the_pots_and_the_cash_she_was_handed(pots):
    """Bua takes her 3,000 pot in cash with her 11,354 share under the share-out rule: the
    auditor's rows show the pot paid out and 14,354 handed to her, not only the share."""
    from models.statements.auditor import auditor_data

    env = pots
    set_scheme(env, withdrawals=scheme.WITHDRAW_SHARE_OUT, on=dt.date(2026, 11, 1))
    share_out(env)
    with env.db.read() as s:
        data = auditor_data(s, env.user(s, "auditor"), group_id=env.group_id)
    rows = [(r.cash_paid, r.funds_paid_out, r.funds_topped_up, r.cash_in_hand)
            for r in data.share_outs]
    assert rows == [(7_225, 5_000, 0, 12_225), (11_354, 3_000, 0, 14_354),
                    (13_419, 0, 0, 13_419)]
