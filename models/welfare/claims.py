"""Welfare claims: record → rule check → approval by leaders → payout → voucher; the claims
register and who claimed what. (Claim types and their dated rules: ``welfare_types``;
contributions, settings and the fund's position: ``welfare_fund``.)

- A claim is judged by the rules in force on its *event* date (``welfare_rules``). Failed
  rules do not stop recording (the record and its refusal are kept), but no leader can
  approve a claim while a rule fails; a leader refuses it with a reason instead.
- Approval needs ``welfare_approvals_required`` different leaders, and
  ``welfare_reserve_extra_approvals`` more when the payout would leave the fund below
  ``welfare_min_reserve``. A leader never approves or refuses their own claim: users are
  linked to the member they are (``models.core.users.link_member``), and that link is checked.
- Payout (treasurer): debit ``welfare_payouts``, credit cash or bank; capped by what the
  fund holds free and what the box (or bank) holds. When short, the ``welfare_shortfall``
  setting either pays part and credits the rest to ``welfare_claims_payable`` (paid later
  with ``pay_owed``), or refuses until the fund has enough.
- What a claim was granted, paid and still owes is read from the journal (entries carry
  ``claim_id``), so reversing a payout needs no second bookkeeping.

Importing this module registers the welfare column of the meeting grid, the welfare checks
of ``verify`` and the reversal rules of welfare entries.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger, settings, users, verify
from models.meetings import cashbox
from models.welfare import fund as welfare_fund
from models.core.errors import NotFound, PermissionDenied, UserError, ValidationError
from models.core.i18n import N_, gettext
from models.core.money import Currency, format_money
from models.core.permissions import Permission, require
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.welfare.schema import WelfareClaim, WelfareClaimApproval, WelfareClaimType
from models.core.groups import group_currency
from models.welfare.fund import METHODS, FundPosition, fund_position
from models.welfare.rules import BENEFICIARIES, ClaimFacts, EarlierClaim, RuleResult, evaluate
from models.welfare.types import rule_in_force

STATUSES = ("pending", "approved", "rejected", "paid")
STATUS_NAMES = {
    "pending": N_("Waiting for approval"),
    "approved": N_("Approved, to pay"),
    "rejected": N_("Refused"),
    "paid": N_("Paid"),
}
# Statuses whose claims count towards a member's frequency limit.
COUNTED = ("pending", "approved", "paid")


# ----- claims --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimDraft:
    """What the claim form collects."""

    member_id: int
    claim_type_id: int
    event_date: dt.date
    beneficiary: str
    amount: int
    beneficiary_name: str = ""
    note: str = ""
    evidence_note: str = ""
    claim_date: dt.date | None = None  # default today


@dataclass(frozen=True)
class ClaimRow:
    id: int
    group_id: int
    number: int
    member_id: int
    member_number: int
    member_name: str
    claim_type_id: int
    type_name: str
    event_date: dt.date
    claim_date: dt.date
    beneficiary: str
    beneficiary_name: str | None
    amount_asked: int
    note: str
    evidence_note: str
    status: str
    recorded_by: str
    approvals: tuple[str, ...]  # approvers' display names, in order
    approver_ids: tuple[int, ...]  # their user ids, in the same order
    approvals_needed: int
    rejected_by: str | None
    rejection_reason: str | None
    granted: int  # from the journal
    owed: int

    @property
    def paid(self) -> int:
        return self.granted - self.owed

    @property
    def type_label(self) -> str:
        return gettext(self.type_name)

    @property
    def status_label(self) -> str:
        if self.status == "paid" and self.owed:
            return gettext(N_("Partly paid"))
        return gettext(STATUS_NAMES[self.status])


def _get_claim(session: Session, claim_id: int) -> WelfareClaim:
    claim = session.get(WelfareClaim, claim_id)
    if claim is None:
        raise NotFound(N_("No such claim."))
    return claim


def _claim_money(session: Session, claim_ids: list[int]) -> dict[int, tuple[int, int]]:
    """claim id -> (granted, owed), read from the journal."""
    if not claim_ids:
        return {}
    rows = session.execute(
        select(JournalEntry.claim_id, Account.key, func.sum(JournalLine.amount))
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .join(Account, Account.id == JournalLine.account_id)
        .where(JournalEntry.claim_id.in_(claim_ids),
               Account.key.in_(("welfare_payouts", "welfare_claims_payable")))
        .group_by(JournalEntry.claim_id, Account.key))
    money: dict[int, list[int]] = {}
    for claim_id, key, total in rows:
        pair = money.setdefault(claim_id, [0, 0])
        if key == "welfare_payouts":
            pair[0] += int(total)
        else:
            pair[1] -= int(total)
    return {k: (v[0], v[1]) for k, v in money.items()}


def approvals_needed(session: Session, group_id: int, amount: int,
                     position: FundPosition | None = None) -> int:
    """Leaders' approvals a payout of ``amount`` needs today: the group's number, plus the
    extra ones when it would leave the fund below its reserve."""
    s = welfare_fund.welfare_settings(session, group_id)
    needed = s.approvals_required
    if s.min_reserve:
        position = position or fund_position(session, group_id)
        if position.available - amount < s.min_reserve:
            needed += s.reserve_extra_approvals
    return needed


def _rows(session: Session, claims: list[WelfareClaim]) -> list[ClaimRow]:
    if not claims:
        return []
    ids = [c.id for c in claims]
    money = _claim_money(session, ids)
    approvals: dict[int, list[tuple[int, str]]] = {}
    for claim_id, user_id, name in session.execute(
            select(WelfareClaimApproval.claim_id, User.id, User.display_name)
            .join(User, User.id == WelfareClaimApproval.user_id)
            .where(WelfareClaimApproval.claim_id.in_(ids)).order_by(WelfareClaimApproval.id)):
        approvals.setdefault(claim_id, []).append((user_id, name))
    member_ids = {c.member_id for c in claims}
    members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids)))}
    type_ids = {c.claim_type_id for c in claims}
    types = dict(session.execute(select(WelfareClaimType.id, WelfareClaimType.name)
                                 .where(WelfareClaimType.id.in_(type_ids))).all())
    user_ids = {c.recorded_by for c in claims} | {c.rejected_by for c in claims if c.rejected_by}
    names = dict(session.execute(select(User.id, User.display_name)
                                 .where(User.id.in_(user_ids))).all())
    positions: dict[int, FundPosition] = {}
    out = []
    for c in claims:
        needed = 0
        if c.status in ("pending", "approved"):
            if c.group_id not in positions:
                positions[c.group_id] = fund_position(session, c.group_id)
            needed = approvals_needed(session, c.group_id, c.amount_asked,
                                      positions[c.group_id])
        granted, owed = money.get(c.id, (0, 0))
        m = members[c.member_id]
        out.append(ClaimRow(
            c.id, c.group_id, c.number, c.member_id, m.number, m.name_lao, c.claim_type_id,
            types[c.claim_type_id], c.event_date, c.claim_date, c.beneficiary,
            c.beneficiary_name, c.amount_asked, c.note, c.evidence_note, c.status,
            names.get(c.recorded_by, ""), tuple(n for _, n in approvals.get(c.id, ())),
            tuple(u for u, _ in approvals.get(c.id, ())), needed,
            names.get(c.rejected_by) if c.rejected_by else None, c.rejection_reason,
            granted, owed))
    return out


def get_claim(session: Session, actor: User, claim_id: int) -> ClaimRow:
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    return _rows(session, [claim])[0]


def claims_register(session: Session, actor: User, group_id: int, *,
                    status: str | None = None, member_id: int | None = None,
                    start: dt.date | None = None, end: dt.date | None = None) -> list[ClaimRow]:
    """Claims newest first, optionally only of one status, member or event-date range."""
    require(session, actor, Permission.READ, group_id)
    query = (select(WelfareClaim).where(WelfareClaim.group_id == group_id)
             .order_by(WelfareClaim.number.desc()))
    if status is not None:
        query = query.where(WelfareClaim.status == status)
    if member_id is not None:
        query = query.where(WelfareClaim.member_id == member_id)
    if start is not None:
        query = query.where(WelfareClaim.event_date >= start)
    if end is not None:
        query = query.where(WelfareClaim.event_date <= end)
    return _rows(session, list(session.scalars(query)))


def _draft_problems(session: Session, group_id: int, draft: ClaimDraft) -> list[UserError]:
    problems = []
    member = session.get(Member, draft.member_id)
    if member is None or member.group_id != group_id:
        problems.append(UserError(N_("Choose the member who claims.")))
    ctype = session.get(WelfareClaimType, draft.claim_type_id)
    if ctype is None or ctype.group_id != group_id:
        problems.append(UserError(N_("Choose the kind of claim.")))
    elif not ctype.is_active:
        problems.append(UserError(N_("The group no longer pays claims of this kind.")))
    today = clock.today()
    claim_date = draft.claim_date or today
    if draft.event_date > today:
        problems.append(UserError(N_("The event date is in the future.")))
    if claim_date > today:
        problems.append(UserError(N_("The claim date is in the future.")))
    elif claim_date < draft.event_date:
        problems.append(UserError(N_("The claim date is before the event.")))
    if not isinstance(draft.amount, int) or isinstance(draft.amount, bool) or draft.amount <= 0:
        problems.append(UserError(N_("Enter the amount asked.")))
    if draft.beneficiary not in BENEFICIARIES:
        problems.append(UserError(N_("Choose who the benefit is for.")))
    elif draft.beneficiary != "member" and not draft.beneficiary_name.strip():
        problems.append(UserError(N_("Enter the name of the person the benefit is for.")))
    return problems


def _facts(session: Session, group_id: int, draft: ClaimDraft, cur: Currency,
           claim_id: int | None) -> ClaimFacts:
    member = session.get(Member, draft.member_id)
    claim_date = draft.claim_date or clock.today()
    earlier = select(WelfareClaim).where(WelfareClaim.member_id == member.id,
                                         WelfareClaim.status.in_(COUNTED))
    if claim_id is not None:
        # A recorded claim is judged against the claims recorded before it, so a later
        # claim never turns an earlier one's verdict.
        earlier = earlier.where(WelfareClaim.id < claim_id)
    standing = welfare_fund.contribution_status(session, group_id, member.id, claim_date)
    return ClaimFacts(
        claim_type_id=draft.claim_type_id, amount=draft.amount, event_date=draft.event_date,
        beneficiary=draft.beneficiary, joined_on=member.joined_on,
        # Leaving ends cover after the day she left; death after the day she died (the
        # family still claims for her death, the event on that day, and what came before).
        left_on=member.status_date if member.status == "left" else None,
        died_on=member.status_date if member.status == "deceased" else None,
        earlier_claims=tuple(EarlierClaim(c.number, c.claim_type_id, c.event_date)
                             for c in session.scalars(earlier.order_by(WelfareClaim.number))),
        contributions_behind=standing.behind, contributions_missed=standing.missed,
        max_missed=settings.get(session, group_id, "welfare_max_missed_contributions",
                                claim_date),
        overdue_loans=welfare_fund.overdue_loan_count(session, group_id, member.id,
                                                      claim_date),
        currency=cur,
        year_cap=settings.get(session, group_id, "welfare_year_cap", claim_date),
        year_claimed=sum(c.amount_asked for c in session.scalars(earlier)
                         if c.event_date.year == draft.event_date.year))


def _judge(session: Session, group_id: int, draft: ClaimDraft,
           claim_id: int | None) -> list[RuleResult]:
    found = rule_in_force(session, draft.claim_type_id, draft.event_date)
    facts = _facts(session, group_id, draft, group_currency(session, group_id), claim_id)
    return evaluate(found[1] if found else None, facts)


def check_claim(session: Session, actor: User, *, group_id: int,
                draft: ClaimDraft) -> list[RuleResult]:
    """The rule check of a claim not yet recorded (the form shows it as it is filled in).
    Raises ``ValidationError`` if the form itself is incomplete."""
    require(session, actor, Permission.READ, group_id)
    problems = _draft_problems(session, group_id, draft)
    if problems:
        raise ValidationError(problems)
    return _judge(session, group_id, draft, None)


def _draft_of(claim: WelfareClaim) -> ClaimDraft:
    return ClaimDraft(claim.member_id, claim.claim_type_id, claim.event_date, claim.beneficiary,
                      claim.amount_asked, claim.beneficiary_name or "", claim.note,
                      claim.evidence_note, claim.claim_date)


def claim_check(session: Session, actor: User, claim_id: int) -> list[RuleResult]:
    """The rule check of a recorded claim: every rule, passed or failed, and why."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    return _judge(session, claim.group_id, _draft_of(claim), claim.id)


def record_claim(session: Session, actor: User, *, group_id: int,
                 draft: ClaimDraft) -> ClaimRow:
    """Record a member's claim (treasurer). It waits for the leaders' approval."""
    require(session, actor, Permission.RECORD, group_id)
    problems = _draft_problems(session, group_id, draft)
    if problems:
        raise ValidationError(problems)
    number = (session.scalar(select(func.max(WelfareClaim.number))
                             .where(WelfareClaim.group_id == group_id)) or 0) + 1
    claim = WelfareClaim(
        group_id=group_id, number=number, member_id=draft.member_id,
        claim_type_id=draft.claim_type_id, event_date=draft.event_date,
        claim_date=draft.claim_date or clock.today(), beneficiary=draft.beneficiary,
        beneficiary_name=draft.beneficiary_name.strip() or None, amount_asked=draft.amount,
        note=draft.note.strip(), evidence_note=draft.evidence_note.strip(), status="pending",
        recorded_by=actor.id, recorded_at=clock.now())
    session.add(claim)
    session.flush()
    audit.record(session, actor, "welfare.claim.record", group_id=group_id, claim=number,
                 member=draft.member_id, amount=draft.amount)
    return _rows(session, [claim])[0]


def _refuse_own(session: Session, actor: User, claim: WelfareClaim) -> None:
    if users.is_same_person(session, actor, claim.member_id):
        raise PermissionDenied(N_("{user} is the claimant and cannot decide on this claim."),
                               user=actor.username)


def check_approver(session: Session, actor: User, *, claim_id: int) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may approve claim ``claim_id``: a leader,
    not the claimant, and not the person who recorded the claim (maker-checker: even
    holding both roles, one person never records and approves the same claim)."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.APPROVE, claim.group_id)
    _refuse_own(session, actor, claim)
    if claim.recorded_by == actor.id:
        raise PermissionDenied(N_("{user} recorded this claim, so another leader must "
                                  "approve it."), user=actor.username)


def approve_claim(session: Session, actor: User, *, claim_id: int) -> ClaimRow:
    """One leader's approval. The claim is approved once enough different leaders (never
    the claimant, never who recorded it) have approved it; no one can approve while a
    rule fails."""
    claim = _get_claim(session, claim_id)
    check_approver(session, actor, claim_id=claim_id)
    if claim.status not in ("pending", "approved"):
        raise UserError(N_("Claim {number} is already {status}."), number=claim.number,
                        status=_Status(claim.status))
    if session.scalar(select(WelfareClaimApproval.id).where(
            WelfareClaimApproval.claim_id == claim.id,
            WelfareClaimApproval.user_id == actor.id)):
        raise UserError(N_("You have already approved claim {number}."), number=claim.number)
    needed = approvals_needed(session, claim.group_id, claim.amount_asked)
    count = _approval_count(session, claim.id)
    if count >= needed:
        raise UserError(N_("Claim {number} already has the approvals it needs."),
                        number=claim.number)
    failed = [r for r in _judge(session, claim.group_id, _draft_of(claim), claim.id)
              if not r.passed]
    if failed:
        raise ValidationError([r.as_error() for r in failed])
    session.add(WelfareClaimApproval(claim_id=claim.id, user_id=actor.id,
                                     approved_at=clock.now()))
    if count + 1 >= needed:
        claim.status = "approved"
    session.flush()
    audit.record(session, actor, "welfare.claim.approve", group_id=claim.group_id,
                 claim=claim.number, approvals=count + 1, needed=needed)
    return _rows(session, [claim])[0]


def _approval_count(session: Session, claim_id: int) -> int:
    return session.scalar(select(func.count(WelfareClaimApproval.id))
                          .where(WelfareClaimApproval.claim_id == claim_id))


class _Status(str):
    """A status shown in the reader's language when the message is."""

    def __format__(self, spec: str) -> str:
        return format(gettext(STATUS_NAMES[str(self)]).lower(), spec)


def reject_claim(session: Session, actor: User, *, claim_id: int, reason: str) -> ClaimRow:
    """A leader refuses a claim that has not been paid; the reason is kept."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.APPROVE, claim.group_id)
    _refuse_own(session, actor, claim)
    reason = (reason or "").strip()
    if claim.status not in ("pending", "approved"):
        raise UserError(N_("Claim {number} is already {status}."), number=claim.number,
                        status=_Status(claim.status))
    if not reason:
        raise UserError(N_("Give the reason for refusing the claim."))
    claim.status = "rejected"
    claim.rejected_by = actor.id
    claim.rejected_at = clock.now()
    claim.rejection_reason = reason
    session.flush()
    audit.record(session, actor, "welfare.claim.reject", group_id=claim.group_id,
                 claim=claim.number, reason=reason)
    return _rows(session, [claim])[0]


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


# ----- what members claimed -------------------------------------------------------------------

@dataclass(frozen=True)
class MemberClaims:
    member_id: int
    member_number: int
    member_name: str
    type_name: str
    claims: int
    asked: int
    granted: int
    paid: int

    @property
    def type_label(self) -> str:
        return gettext(self.type_name)


def claims_by_member(session: Session, actor: User, group_id: int, *,
                     year: int) -> list[MemberClaims]:
    """Who claimed what in a calendar year (by event date), refused claims left out: one
    row per member and claim type."""
    if isinstance(year, bool) or not isinstance(year, int) or \
            not clock.EARLIEST.year <= year <= clock.LATEST.year:
        raise UserError(N_("Choose a year from {first} to {last}."),
                        first=clock.EARLIEST.year, last=clock.LATEST.year)
    rows = claims_register(session, actor, group_id, start=dt.date(year, 1, 1),
                           end=dt.date(year, 12, 31))
    totals: dict[tuple[int, int], list] = {}
    for row in rows:
        if row.status == "rejected":
            continue
        key = (row.member_id, row.claim_type_id)
        t = totals.setdefault(key, [row, 0, 0, 0, 0])
        t[1] += 1
        t[2] += row.amount_asked
        t[3] += row.granted
        t[4] += row.paid
    out = [MemberClaims(r.member_id, r.member_number, r.member_name, r.type_name, n, asked,
                        granted, paid)
           for r, n, asked, granted, paid in totals.values()]
    return sorted(out, key=lambda m: (m.member_number, m.type_name))


# ----- the voucher ---------------------------------------------------------------------------

@dataclass(frozen=True)
class VoucherPayment:
    value_date: dt.date
    entry_seq: int
    method: str  # cash bank
    amount: int
    owed_after: int


@dataclass(frozen=True)
class ClaimVoucher:
    """Everything the printed voucher shows."""

    group_name: str
    group_village: str | None
    currency: Currency
    claim: ClaimRow
    member_village: str | None
    evidence: str  # what the rules ask to see
    checks: tuple[RuleResult, ...]
    payments: tuple[VoucherPayment, ...]
    printed_at: dt.datetime
    printed_by: str
    ledger_seal: str  # the group's chain head when printed
    is_demo: bool


def claim_voucher(session: Session, actor: User, claim_id: int) -> ClaimVoucher:
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    group = session.get(Group, claim.group_id)
    member = session.get(Member, claim.member_id)
    found = rule_in_force(session, claim.claim_type_id, claim.event_date)
    cash_ids = {chart.account_id(session, group.id, m): m for m in METHODS}
    payments = []
    owed = 0
    entries = session.scalars(select(JournalEntry).where(JournalEntry.claim_id == claim.id)
                              .order_by(JournalEntry.seq))
    for entry in entries:
        paid, method = 0, "cash"
        for line in entry.lines:
            if line.account_id in cash_ids:
                paid -= line.amount
                method = cash_ids[line.account_id]
            elif line.account_id == chart.account_id(session, group.id,
                                                            "welfare_claims_payable"):
                owed -= line.amount
        payments.append(VoucherPayment(entry.value_date, entry.seq, method, paid, owed))
    return ClaimVoucher(
        group.name, group.village, group_currency(session, group.id),
        _rows(session, [claim])[0], member.village, found[1].evidence if found else "",
        tuple(_judge(session, group.id, _draft_of(claim), claim.id)), tuple(payments),
        clock.now(), actor.display_name, group.head_hash or "", group.is_demo)


def record_voucher_printed(session: Session, actor: User, *, claim_id: int,
                           path: str) -> None:
    """Note in the audit log that a claim's voucher was printed (or saved) to ``path``."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.READ, claim.group_id)
    audit.record(session, actor, "welfare.voucher", group_id=claim.group_id,
                 claim=claim.number, path=path)


# ----- reversals and verification ---------------------------------------------------------------

def _reverse_payout(session: Session, actor: User, entry: JournalEntry, reason: str,
                    value_date: dt.date) -> JournalEntry:
    """Reversing a payout puts the claim back to 'approved' (to be paid again). Payments of
    what it owed must be reversed first."""
    claim = _get_claim(session, entry.claim_id)
    later = session.scalars(select(JournalEntry.id).where(
        JournalEntry.claim_id == claim.id, JournalEntry.kind == "welfare_owed_payment"))
    if any(not ledger.is_reversed(session, later_id) for later_id in later):
        raise UserError(N_("Reverse the payments of what was owed on claim {number} first."),
                        number=claim.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    claim.status = "approved"
    return reversal


def _reverse_contribution(session: Session, actor: User, entry: JournalEntry, reason: str,
                          value_date: dt.date) -> JournalEntry:
    """A contribution can be reversed only while the fund still has that money."""
    cash = fund_position(session, entry.group_id).cash
    amount = sum(-ln.amount for ln in entry.lines if ln.amount < 0)
    if amount > cash:
        raise UserError(N_("The welfare fund holds only {amount}; this contribution was paid "
                           "out already and cannot be reversed."),
                        amount=format_money(cash, group_currency(session, entry.group_id)))
    return ledger.post_reversal(session, entry, checked_by=actor,
                                reason=reason, value_date=value_date)


REVERSAL_RULES = {"welfare_payout": _reverse_payout,
                  **{kind: _reverse_contribution for kind in welfare_fund.CONTRIBUTION_KINDS}}


def verify_welfare(session: Session, group: Group) -> list[verify.Problem]:
    """The welfare fund ties to its accounts: every line on the claims accounts belongs to a
    claim of this group; each claim's money matches its status and amount; the fund is
    never overdrawn."""
    problems = []

    def add(message: str, **params) -> None:  # noqa: ANN003
        problems.append(verify.Problem(message, {"group": group.name, **params}, group.id))

    position = fund_position(session, group.id)
    if position.cash < 0:
        add(N_("Group {group}: the welfare fund is overdrawn by {amount}."),
            amount=format_money(-position.cash, group_currency(session, group.id)))
    claim_accounts = [chart.account_id(session, group.id, key)
                      for key in ("welfare_payouts", "welfare_claims_payable")]
    unlinked = session.scalar(
        select(func.count(JournalLine.id)).join(JournalEntry)
        .where(JournalEntry.group_id == group.id, JournalLine.account_id.in_(claim_accounts),
               JournalEntry.claim_id.is_(None)))
    if unlinked:
        add(N_("Group {group}: {count} welfare benefit lines belong to no claim."),
            count=unlinked)
    claims = {c.id: c for c in session.scalars(select(WelfareClaim)
                                               .where(WelfareClaim.group_id == group.id))}
    foreign = session.scalars(select(JournalEntry.seq).where(
        JournalEntry.group_id == group.id, JournalEntry.claim_id.is_not(None),
        JournalEntry.claim_id.not_in(list(claims) or [0])))
    for seq in foreign:
        add(N_("Group {group}: entry {seq} names a welfare claim that is not in this group."),
            seq=seq)
    money = _claim_money(session, list(claims))
    for claim in claims.values():
        granted, owed = money.get(claim.id, (0, 0))
        if claim.status == "paid" and not granted:
            add(N_("Group {group}: welfare claim {number} is marked paid but no payment is "
                   "in the ledger."), number=claim.number)
        elif owed < 0 or owed > granted or granted > claim.amount_asked or (
                granted and claim.status != "paid"):
            add(N_("Group {group}: the money of welfare claim {number} does not match the "
                   "claim (granted {granted}, owed {owed})."),
                number=claim.number, granted=granted, owed=owed)
    return problems
