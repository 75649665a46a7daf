"""Each member's NSSF pot: money she puts aside whenever she has it, from which the group
pays the LSSO every month; the subsidy fund (grants, with the donor); advances from the
loan fund when her pot is short (her debt, repaid like a loan).

Postings (``models.core.chart``): a deposit debits ``cash`` (or ``bank``) and credits
``nssf_pot`` on her line; a transfer from savings debits ``member_savings`` instead (only
what the savings rules let her withdraw); a withdrawal or the payout at her exit is the
reverse. A grant debits cash and credits ``nssf_subsidy`` (memo: the donor). An advance is
``nssf_advances`` (a loan-fund asset on her line), repaid by a credit to it; it is one of
her debts (``ADVANCE_DEBTS``), netted at exit and share-out like a loan. A pot never goes
below zero (``ledger.post_entry`` refuses it; verify checks it).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core import audit, clock, ledger
from models.core.errors import NotFound, UserError, ValidationError, check_text
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.ledger import Line
from models.core.money import format_money
from models.core.permissions import Permission, require
from models.core.schema import JournalEntry, Member, User
from models.meetings import cashbox
from models.meetings.columns import BatchPart, CellContext, MeetingColumn, post_part
from models.nssf import enrolment as enrolments
from models.nssf import scheme as scheme_mod
from models.nssf import shareout
from models.nssf.texts import (
    KIND_DEPOSIT,
    KIND_FROM_SAVINGS,
    KIND_GRANT,
    KIND_PAID_OUT,
    KIND_REPAYMENT,
    KIND_WITHDRAWAL,
)
from models.savings import debts as savings_debts
from models.savings import withdrawals as savings_withdrawals
from models.savings.member_funds import MemberFund
from models.savings.rules import cycle_for_posting

PAY_ACCOUNTS = ("cash", "bank")


@dataclass(frozen=True)
class PotReceipt:
    """What a movement of her pot did, for the receipt."""

    member_id: int
    entry_id: int
    entry_seq: int            # the receipt's number in the ledger
    on: dt.date
    amount: int
    balance_after: int
    receipt: str              # the number written on the paper receipt, if any


def _money(session: Session, group_id: int, amount: int) -> str:
    return format_money(amount, group_currency(session, group_id))


def _member(session: Session, member_id: int) -> Member:
    found = session.get(Member, member_id)
    if found is None:
        raise NotFound(N_("No such member."))
    return found


def pot_balance(session: Session, group_id: int, member_id: int,
                on: dt.date | None = None) -> int:
    return ledger.balance(session, group_id, "nssf_pot", member_id=member_id, as_of=on)


def advance_owed(session: Session, group_id: int, member_id: int,
                 on: dt.date | None = None) -> int:
    return ledger.balance(session, group_id, "nssf_advances", member_id=member_id, as_of=on)


def subsidy_balance(session: Session, group_id: int, on: dt.date | None = None) -> int:
    return ledger.balance(session, group_id, "nssf_subsidy", as_of=on)


def _receipt(session: Session, member: Member, entry: JournalEntry, amount: int,
             receipt: str) -> PotReceipt:
    return PotReceipt(member.id, entry.id, entry.seq, entry.value_date, amount,
                      pot_balance(session, member.group_id, member.id), receipt)


def _amount_problems(amount: int) -> list[UserError]:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return [UserError(N_("The amount must be more than zero."))]
    return []


def deposit_to_pot(session: Session, actor: User, *, member_id: int, amount: int,
                   on: dt.date, paid_to: str = "cash", receipt: str = "",
                   meeting_id: int | None = None) -> PotReceipt:
    """Money she brings for her NSSF pot, at a meeting or on any day; ``receipt`` is the
    number of the paper receipt she is given (kept as the entry's memo)."""
    member = _member(session, member_id)
    gid = member.group_id
    require(session, actor, Permission.RECORD, gid)
    receipt = check_text((receipt or "").strip())
    problems = _amount_problems(amount)
    if member.status != "active":
        problems.append(UserError(N_("{name} is no longer an active member."),
                                  name=member.name_lao))
    if not scheme_mod.uses_pooling(session, gid, on):
        problems.append(UserError(N_("This group does not pool NSSF contributions; an "
                                     "administrator can turn it on in the NSSF settings.")))
    if paid_to not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid into the cash box or the bank.")))
    if len(receipt) > 60:
        problems.append(UserError(N_("The receipt number is too long (at most 60 characters).")))
    if problems:
        raise ValidationError(problems)
    entry = ledger.post_entry(session, actor, group_id=gid, value_date=on, kind=KIND_DEPOSIT,
                              memo=receipt, meeting_id=meeting_id,
                              lines=[Line(paid_to, amount),
                                     Line("nssf_pot", -amount, member_id=member.id)])
    audit.record(session, actor, "nssf.deposit", group_id=gid, member=member.id, amount=amount,
                 entry=entry.seq)
    return _receipt(session, member, entry, amount, receipt)


def transfer_from_savings(session: Session, actor: User, *, member_id: int, amount: int,
                          on: dt.date, note: str = "") -> PotReceipt:
    """Move part of her savings into her pot: only what the savings rules would let her
    withdraw that day (the cash never leaves the box)."""
    member = _member(session, member_id)
    gid = member.group_id
    require(session, actor, Permission.RECORD, gid)
    note = check_text((note or "").strip())
    problems = _amount_problems(amount)
    if not problems:
        allowed = savings_withdrawals.withdrawable(session, gid, member.id, on)
        if amount > allowed:
            problems.append(UserError(
                N_("The savings rules let {name} take out at most {limit} now; that much can "
                   "go to her NSSF pot."), name=member.name_lao, limit=_money(session, gid,
                                                                              allowed)))
    if member.status != "active":
        problems.append(UserError(N_("{name} is no longer an active member."),
                                  name=member.name_lao))
    if not scheme_mod.uses_pooling(session, gid, on):
        problems.append(UserError(N_("This group does not pool NSSF contributions; an "
                                     "administrator can turn it on in the NSSF settings.")))
    if problems:
        raise ValidationError(problems)
    cycle_for_posting(session, actor, gid, on)
    entry = ledger.post_entry(session, actor, group_id=gid, value_date=on,
                              kind=KIND_FROM_SAVINGS, memo=note,
                              lines=[Line("member_savings", amount, member_id=member.id),
                                     Line("nssf_pot", -amount, member_id=member.id)])
    audit.record(session, actor, "nssf.from_savings", group_id=gid, member=member.id,
                 amount=amount, entry=entry.seq)
    return _receipt(session, member, entry, amount, "")


def withdrawal_problem(session: Session, member: Member, on: dt.date) -> UserError | None:
    """Why the group's rule does not let her take money out of her pot now (None: it does)."""
    rule = scheme_mod.scheme(session, member.group_id, on).withdrawals
    if rule == scheme_mod.WITHDRAW_ANY_TIME:
        return None
    if rule == scheme_mod.WITHDRAW_SHARE_OUT:
        return UserError(N_("The group's rule: the NSSF pot is paid out with her share at the "
                            "share-out, and when she leaves the group."))
    if rule == scheme_mod.WITHDRAW_NEVER:
        return UserError(N_("The group's rule: the NSSF pot is paid out only when she leaves "
                            "the group."))
    latest = enrolments.latest_enrolment(session, member.id)
    if latest is not None and (latest.ended_on is None or latest.ended_on > on):
        return UserError(N_("The group's rule: the NSSF pot can be taken out only after she "
                            "leaves the scheme."))
    return None


def withdraw_from_pot(session: Session, actor: User, *, member_id: int, amount: int,
                      on: dt.date, paid_from: str = "cash", note: str = "") -> PotReceipt:
    """Pay her money out of her pot, where the group's rule allows it."""
    member = _member(session, member_id)
    gid = member.group_id
    require(session, actor, Permission.RECORD, gid)
    note = check_text((note or "").strip())
    problems = _amount_problems(amount)
    if (rule := withdrawal_problem(session, member, on)) is not None:
        problems.append(rule)
    held = pot_balance(session, gid, member.id)
    if not problems and amount > held:
        problems.append(UserError(N_("{name}'s NSSF pot holds only {balance}."),
                                  name=member.name_lao, balance=_money(session, gid, held)))
    if paid_from not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    elif not problems and (short := cashbox.shortfall(session, gid, paid_from, amount)):
        problems.append(short)
    if problems:
        raise ValidationError(problems)
    entry = ledger.post_entry(session, actor, group_id=gid, value_date=on,
                              kind=KIND_WITHDRAWAL, memo=note,
                              lines=[Line("nssf_pot", amount, member_id=member.id),
                                     Line(paid_from, -amount)])
    audit.record(session, actor, "nssf.withdraw", group_id=gid, member=member.id,
                 amount=amount, entry=entry.seq)
    return _receipt(session, member, entry, amount, "")


def record_grant(session: Session, actor: User, *, group_id: int, amount: int, donor: str,
                 on: dt.date, paid_to: str = "cash") -> int:
    """A grant into the subsidy fund, recorded with its donor (the entry's memo). Returns
    the entry's number."""
    require(session, actor, Permission.RECORD, group_id)
    donor = check_text((donor or "").strip())
    problems = _amount_problems(amount)
    if not donor:
        problems.append(UserError(N_("Enter who gave the grant.")))
    elif len(donor) > 200:
        problems.append(UserError(N_("The donor's name is too long (at most 200 characters).")))
    if paid_to not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid into the cash box or the bank.")))
    if problems:
        raise ValidationError(problems)
    entry = ledger.post_entry(session, actor, group_id=group_id, value_date=on, kind=KIND_GRANT,
                              memo=donor, lines=[Line(paid_to, amount),
                                                 Line("nssf_subsidy", -amount)])
    audit.record(session, actor, "nssf.grant", group_id=group_id, amount=amount, donor=donor,
                 entry=entry.seq)
    return entry.seq


def _post_repayment(session: Session, actor: User, member: Member, amount: int, on: dt.date,
                    paid_from: str, memo: str) -> JournalEntry:
    return ledger.post_entry(session, actor, group_id=member.group_id, value_date=on,
                             kind=KIND_REPAYMENT, memo=memo,
                             lines=[Line(paid_from, amount, member_id=member.id
                                         if paid_from not in PAY_ACCOUNTS else None),
                                    Line("nssf_advances", -amount, member_id=member.id)])


def repay_advance(session: Session, actor: User, *, member_id: int, amount: int, on: dt.date,
                  paid_to: str = "cash", receipt: str = "") -> int:
    """She pays back (part of) what the loan fund advanced for her NSSF months. Returns
    the entry's number (her receipt's)."""
    member = _member(session, member_id)
    gid = member.group_id
    require(session, actor, Permission.RECORD, gid)
    receipt = check_text((receipt or "").strip())
    problems = _amount_problems(amount)
    owed = advance_owed(session, gid, member.id)
    if not problems and amount > owed:
        problems.append(UserError(N_("{name} owes only {owed} in NSSF advances."),
                                  name=member.name_lao, owed=_money(session, gid, owed)))
    if paid_to not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid into the cash box or the bank.")))
    if problems:
        raise ValidationError(problems)
    entry = _post_repayment(session, actor, member, amount, on, paid_to, receipt)
    audit.record(session, actor, "nssf.repay_advance", group_id=gid, member=member.id,
                 amount=amount, entry=entry.seq)
    return entry.seq


def _advance_debts(session: Session, group_id: int, member_id: int,
                   on: dt.date) -> list[savings_debts.Debt]:
    return [savings_debts.Debt("nssf_advances", N_("NSSF contributions advanced"),
                         advance_owed(session, group_id, member_id))]


def _settle_advance(session: Session, actor: User, debt: savings_debts.Debt, amount: int,
                    source: savings_debts.SettleFrom) -> None:
    member = _member(session, source.member_id)
    require(session, actor, Permission.RECORD, member.group_id)
    _post_repayment(session, actor, member, amount, source.on, source.account, source.memo)


# After loans (30), before fines (50): the loan fund's money, owed like a loan.
ADVANCE_DEBTS = savings_debts.DebtSource("nssf_advances", 40, ("nssf_advances",), _advance_debts,
                                   _settle_advance)


def _pot_on(session: Session, group_id: int, member_id: int, on: dt.date) -> int:
    return pot_balance(session, group_id, member_id)


def _pay_out_pot(session: Session, actor: User, member_id: int, amount: int, on: dt.date,
                 paid_from: str, memo: str) -> None:
    member = _member(session, member_id)
    if amount:
        ledger.post_entry(session, actor, group_id=member.group_id, value_date=on,
                          kind=KIND_PAID_OUT, memo=memo,
                          lines=[Line("nssf_pot", amount, member_id=member.id),
                                 Line(paid_from, -amount)])
    enrolments.close_for_exit(session, actor, member.id, on)


POT_FUND = MemberFund("nssf_pot", N_("NSSF pot"), 20, _pot_on, _pay_out_pot,
                      share_out=shareout.SHARE_OUT_HOOKS)


def _column_validate(session: Session, ctx: CellContext, amount: int) -> list[UserError]:
    if amount < 0:
        return [UserError(N_("The amount cannot be below zero."))]
    member = session.get(Member, ctx.member_id)
    if amount and member is not None and member.status != "active":
        return [UserError(N_("{name} is no longer an active member."), name=member.name_lao)]
    return []


def _column_post(session: Session, actor: User, ctx: CellContext, amount: int) -> None:
    deposit_to_pot(session, actor, member_id=ctx.member_id, amount=amount, on=ctx.on,
                   meeting_id=ctx.meeting_id)


def _column_batch(session: Session, actor: User, cells: list[tuple[CellContext, int]]
                  ) -> BatchPart:
    """The pot column's part of the meeting's batch: ``deposit_to_pot``'s checks and
    entries for every cell."""
    gid, on = cells[0][0].group_id, cells[0][0].on
    require(session, actor, Permission.RECORD, gid)
    problems = [p for ctx, amount in cells for p in _amount_problems(amount)
                + _column_validate(session, ctx, amount)]
    if not scheme_mod.uses_pooling(session, gid, on):
        problems.append(UserError(N_("This group does not pool NSSF contributions; an "
                                     "administrator can turn it on in the NSSF settings.")))
    if problems:
        raise ValidationError(problems)

    def finish(posted: list[ledger.Posted]) -> None:
        audit.record_each(session, actor, "nssf.deposit", group_id=gid, details=[
            {"member": ctx.member_id, "amount": amount, "entry": entry.seq}
            for (ctx, amount), entry in zip(cells, posted, strict=True)])

    return BatchPart([ledger.Posting(ctx.on, KIND_DEPOSIT, (Line("cash", amount), Line(
        "nssf_pot", -amount, member_id=ctx.member_id)), meeting_id=ctx.meeting_id)
        for ctx, amount in cells], finish)


def _column_post_all(session: Session, actor: User, cells: list[tuple[CellContext, int]]) -> None:
    if cells:
        post_part(session, actor, cells[0][0].group_id, _column_batch(session, actor, cells))


POT_COLUMN = MeetingColumn(
    key="nssf_pot", label=N_("NSSF pot"), order=40,
    expected=lambda session, ctx: 0, validate=_column_validate, post=_column_post,
    enabled=scheme_mod.uses_pooling, post_all=_column_post_all,
    batch=_column_batch)


def projection(session: Session, group_id: int, member_id: int, level: int,
               on: dt.date | None = None) -> int:
    """How many whole months her pot pays at ``level`` (the contribution in force on ``on``)."""
    on = on or clock.today()
    s = scheme_mod.scheme(session, group_id, on)
    monthly = scheme_mod.contribution(s, scheme_mod.level_for_month(s, level))
    return pot_balance(session, group_id, member_id) // monthly if monthly > 0 else 0
