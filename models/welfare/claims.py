"""Welfare claims: record a member's claim and check it against the rules.

The life of a claim, module by module: ``claims`` (record → rule check), ``approval``
(leaders approve or refuse), ``payout`` (pay, pay what is still owed), ``voucher`` (the
printed voucher), ``reversals`` (what undoes a payout or a contribution), ``checks`` (the
verify check); ``register`` reads claims back as rows. Claim types and their dated rules:
``models.welfare.types``; contributions, settings and the fund's position:
``models.welfare.fund``.

- A claim is judged by the rules in force on its *event* date (``models.welfare.rules``).
  Failed rules do not stop recording (the record and its refusal are kept), but no leader
  can approve a claim while a rule fails; a leader refuses it with a reason instead.
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
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, settings
from models.core.errors import UserError, ValidationError
from models.core.groups import group_currency
from models.core.i18n import N_
from models.core.money import Currency
from models.core.permissions import Permission, require
from models.core.schema import Member, User
from models.welfare import fund as welfare_fund
from models.welfare.register import COUNTED, ClaimRow, _get_claim, _rows
from models.welfare.rules import BENEFICIARIES, ClaimFacts, EarlierClaim, RuleResult, evaluate
from models.welfare.schema import WelfareClaim, WelfareClaimType
from models.welfare.types import rule_in_force


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
