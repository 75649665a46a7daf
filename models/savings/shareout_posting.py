"""Posting a share-out: exactly what the preview showed (``shareout_preview.py``), refused
if anything was recorded since. What members owe is paid from their payouts first; then
the cycle's savings and earnings close into what each member is owed, the cycle closes,
the next one starts with what members re-invest, what a member puts into her NSSF pot
goes there (a pot deposit, its ledger number her receipt), and the rest is paid in cash,
with her pot when the group's rule pays pots out at the share-out (``member_funds``). A
share-out is never reversed, nor any entry of it (a member's payout is corrected with a
new entry).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger
from models.core.errors import LedgerIntegrityError, UserError, ValidationError
from models.core.i18n import N_, _
from models.core.ledger import Line
from models.core.permissions import Permission, require
from models.core.schema import Account, JournalEntry, JournalLine, User
from models.savings import member_funds
from models.savings.debts import SettleFrom, apply_netting
from models.savings.rules import new_cycle
from models.savings.schema import SavingsCycle, ShareOut, ShareOutDebt, ShareOutLine
from models.savings.shareout_preview import (
    ALL,
    CarryOver,
    ShareOutPreview,
    distributable,
    preview_share_out,
)

KIND_SHARE_OUT = "share_out"
KIND_REINVEST = "share_out_reinvest"
KIND_PAYMENT = "share_out_payment"


def post_share_out(session: Session, actor: User, *, group_id: int, on: dt.date,
                   method: str | None = None, carry_over: CarryOver = ALL,
                   top_ups: dict[int, int] | None = None,
                   preview_seq: int | None = None) -> ShareOutPreview:
    """Post the share-out the preview shows, close the cycle and start the next one.

    ``preview_seq`` is the preview's ``ledger_seq``: if anything was posted since, the
    figures may differ and posting is refused, so the treasurer posts what she saw."""
    require(session, actor, Permission.RECORD, group_id)
    preview = preview_share_out(session, actor, group_id=group_id, on=on, method=method,
                                carry_over=carry_over, top_ups=top_ups)
    if preview.problems:
        raise ValidationError(preview.problems)
    if preview_seq is not None and preview_seq != preview.ledger_seq:
        raise UserError(N_("Money was recorded since the preview; look at the preview again."))
    memo = _("Share-out of cycle {number}").format(number=preview.cycle.number)
    with session.begin_nested():
        # Debts first, from what each member is about to be owed: the interest the loans
        # bring in is then on the ledger, and D there is the D of the preview.
        for row in preview.rows:
            apply_netting(session, actor, list(row.debts), SettleFrom(
                "share_out_payable", row.member_id, on, memo))
        if distributable(session, group_id) != preview.distributable:
            raise LedgerIntegrityError(N_("Paying the loans from the payouts brought in another "
                                          "amount than the preview showed; nothing was posted."))
        ledger.post_entry(session, actor, group_id=group_id, value_date=on,
                          kind=KIND_SHARE_OUT, memo=memo,
                          lines=_closing_lines(session, group_id, preview))
        cycle = session.get(SavingsCycle, preview.cycle.id)
        cycle.closed_on = on
        session.flush()
        following = new_cycle(session, actor, group_id=group_id, start_date=on)
        _pay_out(session, actor, preview, KIND_REINVEST, "member_savings", memo,
                 {row.member_id: row.reinvest for row in preview.rows})
        _pay_out(session, actor, preview, KIND_PAYMENT, "cash", memo,
                 {row.member_id: row.cash for row in preview.rows})
        record = ShareOut(group_id=group_id, cycle_id=cycle.id, share_out_date=on,
                          method=preview.method, loans_policy=preview.loans_policy,
                          round_to=preview.round_to, distributable=preview.distributable,
                          total_savings=preview.total_savings, residue=preview.residue,
                          loan_interest=preview.loan_interest, next_cycle_id=following.id,
                          user_id=actor.id, recorded_at=clock.now())
        session.add(record)
        session.flush()
        hooks = {f.key: f.share_out for f in member_funds.share_out_funds()}
        rows = []
        for row in preview.rows:
            if row.funds:
                row = replace(row, funds=tuple(
                    hooks[f.key].post(session, actor, record.id, row.member_id, f, on, memo)
                    for f in row.funds))
            rows.append(row)
            session.add(ShareOutLine(share_out_id=record.id, member_id=row.member_id,
                                     savings=row.savings, shares=row.shares, weight=row.weight,
                                     payout=row.payout, debts_netted=row.netted,
                                     reinvested=row.reinvest, cash_paid=row.cash,
                                     debt_left=row.debt_left))
            for position, line in enumerate(row.debts, start=1):
                session.add(ShareOutDebt(
                    share_out_id=record.id, member_id=row.member_id, position=position,
                    source=line.debt.source, label=line.debt.label,
                    params=dict(line.debt.params), loan_id=line.debt.loan_id,
                    owed=line.owed, netted=line.netted))
        audit.record(session, actor, "shareout.post", group_id=group_id,
                     cycle=preview.cycle.number, method=preview.method,
                     distributable=preview.distributable, residue=preview.residue)
    return replace(preview, rows=tuple(rows), share_out_id=record.id, problems=())


def _closing_lines(session: Session, group_id: int, preview: ShareOutPreview) -> list[Line]:
    """Savings and every earnings account of the loan fund go to zero; payouts become owed
    to each member; the residue is what the reserve keeps."""
    lines = [Line("member_savings", row.savings, member_id=row.member_id)
             for row in preview.rows if row.savings]
    reserve_id = chart.account_id(session, group_id, "loan_fund_reserve")
    skip = {chart.account_id(session, group_id, k) for k in ("member_savings", "share_out_payable")}
    balances = session.execute(
        select(Account.id, func.sum(JournalLine.amount))
        .join(JournalLine, JournalLine.account_id == Account.id)
        .where(Account.group_id == group_id, Account.fund == chart.LOAN_FUND,
               Account.kind != chart.ASSET)
        .group_by(Account.id).order_by(Account.id))
    reserve_raw = 0
    for account_id, raw in balances:
        if account_id in skip:
            continue
        if account_id == reserve_id:
            reserve_raw = int(raw)
        elif raw:
            lines.append(Line(account_id, -int(raw)))
    lines += [Line("share_out_payable", -row.payout, member_id=row.member_id)
              for row in preview.rows if row.payout]
    if -reserve_raw - preview.residue:
        lines.append(Line(reserve_id, -reserve_raw - preview.residue))
    return lines


def _pay_out(session: Session, actor: User, preview: ShareOutPreview, kind: str, to: str,
             memo: str, amounts: dict[int, int]) -> None:
    amounts = {m: a for m, a in amounts.items() if a > 0}
    if not amounts:
        return
    lines = [Line("share_out_payable", a, member_id=m) for m, a in sorted(amounts.items())]
    if to == "member_savings":
        lines += [Line(to, -a, member_id=m) for m, a in sorted(amounts.items())]
    else:
        lines.append(Line(to, -sum(amounts.values())))
    ledger.post_entry(session, actor, group_id=preview.group_id, value_date=preview.on,
                      kind=kind, memo=memo, lines=lines)


def _refuse_reversal(session: Session, actor: User, entry: JournalEntry, reason: str,
                     value_date: dt.date) -> JournalEntry:
    raise UserError(N_("Entry {seq} is part of a share-out, which cannot be reversed; correct "
                       "a member's payout with a new entry."), seq=entry.seq)


REVERSAL_RULES = {kind: _refuse_reversal for kind in (KIND_SHARE_OUT, KIND_REINVEST, KIND_PAYMENT)}
