"""Her NSSF pot at the share-out (the savings hook ``member_funds``' ``ShareOutHooks``).

The pot is her NSSF money, not the loan fund's, so it is never shared out. By the group's
dated rule (``nssf_withdrawals``) it is paid out in cash with her share
(``WITHDRAW_SHARE_OUT``) or kept for her into the new cycle (every other rule). She may
put part of her cash payout into it, the seasonal lump sum that keeps her covered: a pot
deposit from what the share-out owes her (``share_out_payable``), whose ledger number is
her receipt. Both movements are posted in the share-out's transaction and recorded in
``NssfShareOutPot`` with the entries that moved the money (verify ties the two).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import chart, ledger
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.schema import JournalEntry, JournalLine, Member, User
from models.nssf import scheme as scheme_mod
from models.nssf.schema import NssfShareOutPot
from models.nssf.texts import KIND_SHARE_OUT_PAID, KIND_SHARE_OUT_TOP_UP
from models.savings.member_funds import FundShare, ShareOutHooks

LABEL = N_("NSSF pot")


def holders(session: Session, group_id: int) -> set[int]:
    """Members whose pot holds money."""
    account = chart.find_account(session, group_id, "nssf_pot")
    if account is None:
        return set()
    return {m for m, held in ledger.member_balances(session, group_id, "nssf_pot").items()
            if held > 0}


def pays_out(session: Session, group_id: int, on: dt.date) -> bool:
    """Whether the group's rule pays pots out with the share."""
    return scheme_mod.scheme(session, group_id, on).withdrawals == scheme_mod.WITHDRAW_SHARE_OUT


def top_up_problem(session: Session, member_id: int, on: dt.date) -> UserError | None:
    member = session.get(Member, member_id)
    if member is None:
        return UserError(N_("No such member."))
    if not scheme_mod.uses_pooling(session, member.group_id, on):
        return UserError(N_("This group does not pool NSSF contributions; an administrator "
                            "can turn it on in the NSSF settings."))
    if member.status != "active":
        return UserError(N_("{name} is no longer an active member."), name=member.name_lao)
    return None


def _post(session: Session, actor: User, share_out_id: int, member_id: int, share: FundShare,
         on: dt.date, memo: str) -> FundShare:
    """Pay her pot out (in cash) and put her top-up in, as the preview showed."""
    member = session.get(Member, member_id)
    gid = member.group_id
    paid = top_up = None
    if share.paid_out:
        paid = ledger.post_entry(session, actor, group_id=gid, value_date=on,
                                 kind=KIND_SHARE_OUT_PAID, memo=memo,
                                 lines=[Line("nssf_pot", share.paid_out, member_id=member_id),
                                        Line("cash", -share.paid_out)])
    if share.topped_up:
        top_up = ledger.post_entry(session, actor, group_id=gid, value_date=on,
                                   kind=KIND_SHARE_OUT_TOP_UP, memo=memo,
                                   lines=[Line("share_out_payable", share.topped_up,
                                               member_id=member_id),
                                          Line("nssf_pot", -share.topped_up,
                                               member_id=member_id)])
    if share.held or share.paid_out or share.topped_up:
        session.add(NssfShareOutPot(
            group_id=gid, share_out_id=share_out_id, member_id=member_id, held=share.held,
            paid_out=share.paid_out, topped_up=share.topped_up,
            paid_entry_id=paid.id if paid else None,
            top_up_entry_id=top_up.id if top_up else None))
        session.flush()
    return FundShare(share.key, share.label, share.held, share.paid_out, share.topped_up,
                     top_up.seq if top_up else None)


def _recorded(session: Session, share_out_id: int) -> dict[int, FundShare]:
    out = {}
    for row, receipt in session.execute(
            select(NssfShareOutPot, JournalEntry.seq)
            .outerjoin(JournalEntry, JournalEntry.id == NssfShareOutPot.top_up_entry_id)
            .where(NssfShareOutPot.share_out_id == share_out_id)):
        out[row.member_id] = FundShare("nssf_pot", LABEL, row.held, row.paid_out,
                                       row.topped_up, receipt)
    return out


def pot_moves(session: Session, group_id: int) -> dict[int, tuple[str, dict[int, int]]]:
    """Entry id -> (kind, member -> what it put into her pot, negative when paid out) for
    the group's share-out pot entries: verify's view of the ledger."""
    account = chart.find_account(session, group_id, "nssf_pot")
    out: dict[int, tuple[str, dict[int, int]]] = {}
    for entry_id, kind, account_id, member_id, amount in session.execute(
            select(JournalEntry.id, JournalEntry.kind, JournalLine.account_id,
                   JournalLine.member_id, JournalLine.amount)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.group_id == group_id,
                   JournalEntry.kind.in_((KIND_SHARE_OUT_PAID, KIND_SHARE_OUT_TOP_UP)))):
        moved = out.setdefault(entry_id, (kind, {}))[1]
        if account is not None and account_id == account.id and member_id is not None:
            moved[member_id] = moved.get(member_id, 0) - amount
    return out


SHARE_OUT_HOOKS = ShareOutHooks(holders, pays_out, top_up_problem, _post, _recorded)
