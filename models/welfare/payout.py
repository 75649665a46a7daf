"""Paying a claim the leaders approved, and later what the fund still owes on it: from the
cash box or the bank, capped by what the fund holds free and what the box holds; when short,
the ``welfare_shortfall`` setting pays part and owes the rest, or refuses."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core import audit, clock, ledger, settings
from models.core.errors import UserError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import Currency, format_money
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.meetings import cashbox
from models.welfare import fund as welfare_fund
from models.welfare.approval import _approval_count
from models.welfare.fund import METHODS, fund_position
from models.welfare.register import _claim_money, _get_claim, _Status, approvals_needed
from models.welfare.schema import WelfareClaim


@dataclass(frozen=True)
class PaymentResult:
    claim_number: int
    paid: int
    owed: int  # still owed on the claim after this payment
    entry_seq: int


def _payable_now(session: Session, group_id: int, method: str, on: dt.date,
                 from_owed: bool) -> tuple[int, int, int]:
    """(what can be paid, the fund's part of it, the box's or bank's part) — the least of
    today's and ``on``'s figures, so a back-dated payment cannot spend money that later
    entries used."""
    fund_now, fund_then = fund_position(session, group_id), fund_position(session, group_id, on)
    if from_owed:  # already set aside for this claim: only the cash must be there
        fund = min(fund_now.cash, fund_then.cash)
    else:
        fund = min(fund_now.available, fund_then.available)
    box = min(ledger.balance(session, group_id, method),
              ledger.balance(session, group_id, method, as_of=on))
    return max(0, min(fund, box)), fund, box


def _short_message(session: Session, group_id: int, cur: Currency, fund: int, box: int,
                   method: str, amount: int) -> UserError:
    """Why ``amount`` cannot be paid: the box (or bank) is short, or the fund is."""
    if box < fund:
        found = cashbox.shortfall(session, group_id, method, amount)
        if found is not None:
            return found
    return UserError(N_("The welfare fund has only {amount} free to pay claims."),
                     amount=format_money(max(fund, 0), cur))


def _memo(session: Session, claim: WelfareClaim) -> str:
    """The journal's memo: the claim's number and the member (names are data, not
    interface text, so the memo reads the same in every language)."""
    return f"#{claim.number} · {session.get(Member, claim.member_id).name_lao}"


def pay_claim(session: Session, actor: User, *, claim_id: int, method: str = "cash",
              on: dt.date | None = None) -> PaymentResult:
    """Pay an approved claim (treasurer) from the cash box or the bank. When the fund or the
    box holds less than the claim, the group's ``welfare_shortfall`` setting decides: pay
    what there is and owe the rest, or refuse (the claim waits, still approved)."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.RECORD, claim.group_id)
    on = on or clock.today()
    if method not in METHODS:
        raise UserError(N_("Choose cash or bank transfer."))
    if claim.status != "approved":
        if claim.status == "pending":
            raise UserError(N_("Claim {number} is waiting for the leaders' approval."),
                            number=claim.number)
        raise UserError(N_("Claim {number} is already {status}."), number=claim.number,
                        status=_Status(claim.status))
    needed = approvals_needed(session, claim.group_id, claim.amount_asked)
    count = _approval_count(session, claim.id)
    if count < needed:
        reserve = welfare_fund.welfare_settings(session, claim.group_id).min_reserve
        raise UserError(N_("Paying this claim would leave the welfare fund below its reserve "
                           "of {reserve}: it needs {needed} approvals and has {count}."),
                        reserve=format_money(reserve, group_currency(session, claim.group_id)),
                        needed=needed, count=count)
    cur = group_currency(session, claim.group_id)
    can_pay, fund, box = _payable_now(session, claim.group_id, method, on, from_owed=False)
    amount = claim.amount_asked
    shortfall = settings.get(session, claim.group_id, "welfare_shortfall", on)
    if can_pay >= amount:
        paid, owed = amount, 0
    elif shortfall == "partial" and can_pay > 0:
        paid, owed = can_pay, amount - can_pay
    else:
        short = _short_message(session, claim.group_id, cur, fund, box, method, amount)
        if shortfall == "refuse":
            raise UserError(N_("{short} Claim {number} is {amount} and the group pays claims "
                               "only in full: it waits until the fund has enough."),
                            short=short, number=claim.number, amount=format_money(amount, cur))
        raise UserError(N_("{short} Nothing can be paid on claim {number} now."),
                        short=short, number=claim.number)
    lines = [ledger.debit("welfare_payouts", amount, member_id=claim.member_id),
             ledger.credit(method, paid)]
    if owed:
        lines.append(ledger.credit("welfare_claims_payable", owed, member_id=claim.member_id))
    entry = ledger.post_entry(session, actor, group_id=claim.group_id, value_date=on,
                              kind="welfare_payout", memo=_memo(session, claim), lines=lines,
                              claim_id=claim.id)
    claim.status = "paid"
    audit.record(session, actor, "welfare.claim.pay", group_id=claim.group_id,
                 claim=claim.number, paid=paid, owed=owed, method=method, entry=entry.seq)
    return PaymentResult(claim.number, paid, owed, entry.seq)


def pay_owed(session: Session, actor: User, *, claim_id: int, method: str = "cash",
             amount: int | None = None, on: dt.date | None = None) -> PaymentResult:
    """Pay (part of) what the fund still owes on a claim it paid only in part."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.RECORD, claim.group_id)
    on = on or clock.today()
    if method not in METHODS:
        raise UserError(N_("Choose cash or bank transfer."))
    owed = _claim_money(session, [claim.id]).get(claim.id, (0, 0))[1]
    if claim.status != "paid" or owed <= 0:
        raise UserError(N_("Nothing is owed on claim {number}."), number=claim.number)
    cur = group_currency(session, claim.group_id)
    can_pay, fund, box = _payable_now(session, claim.group_id, method, on, from_owed=True)
    asked = owed if amount is None else amount

    def nothing() -> UserError:
        return UserError(N_("{short} Nothing can be paid on claim {number} now."),
                         short=_short_message(session, claim.group_id, cur, fund, box, method,
                                              asked),
                         number=claim.number)

    if amount is None:
        amount = min(owed, can_pay)
        if amount <= 0:
            raise nothing()
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise UserError(N_("The amount must be more than zero."))
    if amount > owed:
        raise UserError(N_("Only {amount} is owed on claim {number}."),
                        amount=format_money(owed, cur), number=claim.number)
    if amount > can_pay:
        if can_pay <= 0:
            raise nothing()
        raise UserError(N_("At most {amount} can be paid now."),
                        amount=format_money(can_pay, cur))
    entry = ledger.post_entry(
        session, actor, group_id=claim.group_id, value_date=on, kind="welfare_owed_payment",
        memo=_memo(session, claim), claim_id=claim.id,
        lines=[ledger.debit("welfare_claims_payable", amount, member_id=claim.member_id),
               ledger.credit(method, amount)])
    audit.record(session, actor, "welfare.claim.pay_owed", group_id=claim.group_id,
                 claim=claim.number, amount=amount, method=method, entry=entry.seq)
    return PaymentResult(claim.number, amount, owed - amount, entry.seq)
