"""Microloans: application → policy check → approval → disbursement → repayments → closed,
with rescheduling and write-off decided by a leader, and corrections by reversal and replay.

- Application (treasurer): member, amount, purpose, term, rate, method, guarantors (other
  members). Checked against the group's loan policy (``models.loans.policy``) with every
  failed rule named at once; checked again when a leader approves.
- Approval (leader, never the borrower: users are linked to the member they are).
- Disbursement (treasurer): from the cash box or the bank; the schedule is fixed then from
  ``models.loans.schedule.build_schedule`` and stored (version 1).
- Loan fee (the policy's, fixed at application): kept from the money paid out, or
  spread over the installments (the remainder on the last) and paid with them.
- Repayments (treasurer, at a meeting or on any day): allocated by
  ``models.loans.allocation`` (oldest installment first; penalties → fees → interest →
  principal by default). A repayment equal to the payoff quote closes the loan; declining-balance loans
  get their interest recomputed to the day. Recording a backdated repayment, reversing
  one, or charging a penalty allocates every repayment again; each whose allocation
  changes has its posting reversed and a new one made (dated the day of the correction),
  so posted entries are never edited.
- Rescheduling and write-off: the treasurer asks with a reason, a leader (not the
  borrower) decides. Rescheduling starts a new schedule version for the principal still
  owed; interest, fees and penalties due and unpaid are carried into it, owed at once, and
  fees not yet due are spread over the new installments.

Accounting is on a cash basis: interest and fees are income when they are paid (credit
``interest_income``, ``fee_income``), so nothing sits in ``interest_receivable``.
Disbursement debits ``loans_receivable`` for the whole loan (each line names the member
and the loan) and credits cash or bank with what the member receives, and ``fee_income``
with a fee kept from the payout;
a penalty debits ``penalties_receivable`` and credits ``penalty_income``; a repayment
debits cash (or bank, or the member's savings at a settlement) and credits penalties
receivable, fee income, interest income and loans receivable as allocated; a write-off
debits ``loan_write_offs`` for the principal and ``penalty_income`` for the penalties
waived (unpaid interest and fees were never income, so nothing is undone for them).

Importing this module registers the reversal rules of loan entries, the loans check of
``verify``, the "loan_repayment" column of the meeting grid and the loans' debt source
for exits and share-outs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, chart, clock, ledger, users, verify
from models.meetings import cashbox
from models.core.errors import NotFound, PermissionDenied, UserError, ValidationError
from models.core.groups import group_currency
from models.core.i18n import N_, Deferred, _, gettext
from models.core.ledger import Line, fmt_date
from models.loans.allocation import (
    Arrears,
    Charge,
    Item,
    Overpayment,
    Payment,
    Plan,
    Position,
    Quote,
    Split,
    allocate,
    arrears,
    due_by,
    payoff_quote,
    position_on,
)
from models.loans.policy import (
    FEE_AT_PAYOUT,
    FEE_WITH_INSTALLMENTS,
    FEES,
    INTEREST,
    LOAN_METHODS,
    PENALTIES,
    PRINCIPAL,
    LoanFee,
    LoanPolicy,
    allocation_order,
    extra_payment,
    get_policy,
    loan_fee,
    spread_fee,
)
from models.core.money import check_within, format_money
from models.core.permissions import Permission, require
from models.loans.schedule import (
    FREQUENCIES,
    MAX_INSTALLMENTS,
    Installment,
    ScheduleTerms,
    add_months,
    build_schedule,
    due_dates,
)
from models.core.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.loans import texts
from models.loans.schema import (
    Loan,
    LoanEvent,
    LoanGuarantor,
    LoanInstallment,
    LoanPenalty,
    LoanRepayment,
    LoanRequest,
    LoanTerms,
)

KIND_DISBURSEMENT = "loan_disbursement"
KIND_REPAYMENT = "loan_repayment"
KIND_PENALTY = "loan_penalty"
KIND_WRITE_OFF = "loan_write_off"

APPLIED, APPROVED, REJECTED, CANCELLED = "applied", "approved", "rejected", "cancelled"
ACTIVE, CLOSED, WRITTEN_OFF = "active", "closed", "written_off"
STATUSES = (APPLIED, APPROVED, REJECTED, CANCELLED, ACTIVE, CLOSED, WRITTEN_OFF)
STATUS_NAMES = {
    APPLIED: N_("Waiting for approval"),
    APPROVED: N_("Approved, to pay out"),
    REJECTED: N_("Refused"),
    CANCELLED: N_("Cancelled"),
    ACTIVE: N_("Being repaid"),
    CLOSED: N_("Repaid"),
    WRITTEN_OFF: N_("Written off"),
}
# A member's loans that count towards the policy's "loans at once".
OPEN_STATUSES = (APPLIED, APPROVED, ACTIVE)

PAY_ACCOUNTS = ("cash", "bank")
PAY_ACCOUNT_NAMES = {"cash": N_("Cash box"), "bank": N_("Bank account")}
# Money from a member's own balance (exit settlement, share-out): the line names her.
MEMBER_ACCOUNTS = ("member_savings", "share_out_payable")

WRITE_OFF, RESCHEDULE = "write_off", "reschedule"
REQUEST_NAMES = {WRITE_OFF: N_("Write-off"), RESCHEDULE: N_("Rescheduling")}
PENDING = "pending"
REQUEST_STATUS_NAMES = {PENDING: N_("Waiting for a leader"), APPROVED: N_("Approved"),
                        REJECTED: N_("Refused")}

EVENT_NAMES = {
    "applied": N_("Application recorded"),
    "approved": N_("Approved"),
    "rejected": N_("Refused"),
    "cancelled": N_("Cancelled"),
    "disbursed": N_("Paid out"),
    "disbursement_reversed": N_("Payout reversed"),
    "repaid": N_("Repayment"),
    "repayment_reversed": N_("Repayment reversed"),
    "reallocated": N_("Repayment allocated again"),
    "penalty": N_("Late penalty"),
    "penalty_waived": N_("Late penalty waived"),
    "reschedule_requested": N_("Rescheduling asked for"),
    "write_off_requested": N_("Write-off asked for"),
    "request_rejected": N_("Request refused"),
    "rescheduled": N_("Rescheduled"),
    "written_off": N_("Written off"),
    "closed": N_("Repaid in full"),
    "reopened": N_("Open again"),
    "opening": N_("Brought in from the paper books"),
}

# The events that are a journal entry of their own: their name is the entry kind's.
EVENT_ENTRY_KINDS = {"disbursed": KIND_DISBURSEMENT, "repaid": KIND_REPAYMENT,
                     "penalty": KIND_PENALTY, "written_off": KIND_WRITE_OFF}

STATUS_PAID, STATUS_PART, STATUS_LATE, STATUS_DUE, STATUS_FUTURE = (
    "paid", "part", "late", "due", "future")
INSTALLMENT_STATUS_NAMES = {
    STATUS_PAID: N_("Paid"),
    STATUS_PART: N_("Partly paid"),
    STATUS_LATE: N_("Late"),
    STATUS_DUE: N_("Due"),
    STATUS_FUTURE: N_("Not yet due"),
}


# ----- rows -------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoanRow:
    id: int
    group_id: int
    number: int
    member_id: int
    member_name: str
    amount: int
    purpose: str
    annual_rate: Decimal
    installments: int
    frequency: str
    method: str  # a key of LOAN_METHODS
    status: str
    applied_on: dt.date
    disbursed_on: dt.date | None
    closed_on: dt.date | None
    principal_outstanding: int
    guarantor_ids: tuple[int, ...]
    guarantor_names: tuple[str, ...]
    decision_note: str | None
    fee: int = 0
    fee_timing: str = FEE_AT_PAYOUT

    @property
    def status_name(self) -> str:
        return gettext(STATUS_NAMES[self.status])

    @property
    def fee_at_payout(self) -> int:
        """The fee kept from the money paid out (0 when it is paid with the installments)."""
        return self.fee if self.fee_timing == FEE_AT_PAYOUT else 0

    @property
    def paid_out(self) -> int:
        """What the member receives."""
        return self.amount - self.fee_at_payout


@dataclass(frozen=True)
class InstallmentRow:
    version: int
    n: int
    due_date: dt.date
    principal: int
    interest: int
    penalty: int
    paid_principal: int
    paid_interest: int
    paid_penalty: int
    status: str
    fee: int = 0
    paid_fee: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.penalty + self.fee

    @property
    def paid(self) -> int:
        return self.paid_principal + self.paid_interest + self.paid_penalty + self.paid_fee

    @property
    def left(self) -> int:
        return self.total - self.paid


@dataclass(frozen=True)
class RepaymentRow:
    id: int
    loan_id: int
    paid_on: dt.date
    amount: int
    paid_from: str
    penalty: int
    interest: int
    principal: int
    status: str  # posted reversed
    meeting_id: int | None
    entry_seq: int | None
    reversal_reason: str | None
    fee: int = 0


@dataclass(frozen=True)
class EventRow:
    on: dt.date
    at: dt.datetime
    user: str
    kind: str
    amount: int | None
    note: str

    @property
    def name(self) -> str:
        """What happened, translated; an event that is a journal entry of its own kind
        shows that kind's one name, as the journal does."""
        if self.kind in EVENT_ENTRY_KINDS:
            return gettext(texts.KIND_NAMES[EVENT_ENTRY_KINDS[self.kind]])
        return gettext(EVENT_NAMES.get(self.kind, self.kind))


@dataclass(frozen=True)
class RequestRow:
    id: int
    loan_id: int
    loan_number: int
    member_name: str
    kind: str
    effective_on: dt.date
    reason: str
    installments: int | None
    annual_rate: Decimal | None
    first_due: dt.date | None
    status: str
    requested_by: str
    decided_by: str | None
    decision_note: str | None


@dataclass(frozen=True)
class PayoffRow:
    loan_id: int
    on: dt.date
    penalty: int
    interest: int
    principal: int
    fee: int = 0

    @property
    def total(self) -> int:
        return self.penalty + self.fee + self.interest + self.principal


@dataclass(frozen=True)
class LoanDetail:
    loan: LoanRow
    version: int
    installments: tuple[InstallmentRow, ...]
    repayments: tuple[RepaymentRow, ...]
    events: tuple[EventRow, ...]
    requests: tuple[RequestRow, ...]
    payoff: PayoffRow | None
    days_overdue: int
    due_now: int


# ----- small helpers ------------------------------------------------------------------------

def money_text(session: Session, group_id: int, amount: int) -> str:
    return format_money(amount, group_currency(session, group_id))


def rate_bp(rate: Decimal | int | str) -> int:
    """Percent a year to hundredths of a percent; refuses more than two decimals."""
    try:
        value = Decimal(str(rate).strip())
    except InvalidOperation:
        raise UserError(N_("“{text}” is not an interest rate."), text=str(rate)) from None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise UserError(N_("Give the interest rate with at most two decimals."))
    return int(value * 100)


def rate_of(bp: int) -> Decimal:
    return (Decimal(bp) / 100).normalize() if bp % 100 else Decimal(bp // 100)


def loan_by_id(session: Session, loan_id: int) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(N_("No such loan."))
    return loan


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    return member


def _method_key(loan: Loan) -> str:
    for key, pair in LOAN_METHODS.items():
        if pair == (loan.method, loan.amortization):
            return key
    return loan.method


def record_event(session: Session, loan: Loan, actor: User, kind: str, on: dt.date, *,
           amount: int | None = None, entry: JournalEntry | None = None,
           note: str = "") -> None:
    session.add(LoanEvent(loan_id=loan.id, on=on, at=clock.now(), user_id=actor.id, kind=kind,
                          amount=amount, entry_id=entry.id if entry is not None else None,
                          note=note or ""))


def _memo(session: Session, loan: Loan, text: str, **params: object) -> str:
    """An entry's memo, in the language of the user who posts it."""
    member = session.get(Member, loan.member_id)
    return _("{text}: loan {number}, {member}").format(
        text=gettext(text).format(**params), number=loan.number, member=member.name_lao)


def _check_date(on: dt.date, problems: list[UserError], *, not_before: dt.date | None = None,
                before_text: str = N_("The date cannot be before {date}.")) -> None:
    if on > clock.today():
        problems.append(UserError(N_("{date} is in the future."), date=fmt_date(on)))
    if not_before is not None and on < not_before:
        problems.append(UserError(before_text, date=fmt_date(not_before)))


# ----- schedule versions, plans -------------------------------------------------------------

def current_version(session: Session, loan_id: int) -> LoanTerms | None:
    return session.scalar(select(LoanTerms).where(LoanTerms.loan_id == loan_id)
                          .order_by(LoanTerms.version.desc()).limit(1))


def version_on(session: Session, loan_id: int, on: dt.date) -> LoanTerms | None:
    """The schedule version in force on ``on`` (``None`` before the payout)."""
    found = session.scalar(select(LoanTerms).where(LoanTerms.loan_id == loan_id,
                                                   LoanTerms.starts_on <= on)
                           .order_by(LoanTerms.version.desc()).limit(1))
    return found


def _schedule_terms(session: Session, loan: Loan, terms: LoanTerms, count: int) -> ScheduleTerms:
    return ScheduleTerms(
        terms.principal, rate_of(terms.annual_rate_bp), installments=count,
        disbursed=terms.starts_on, method=loan.method, amortization=loan.amortization,
        interest_period=loan.interest_period, frequency=loan.frequency,
        exponent=group_currency(session, loan.group_id).exponent, multiple=loan.multiple,
        rounding=loan.rounding, first_due=terms.first_due)


def plan_of(session: Session, loan: Loan, terms: LoanTerms) -> Plan:
    rows = session.scalars(select(LoanInstallment).where(
        LoanInstallment.loan_id == loan.id, LoanInstallment.version == terms.version)
        .order_by(LoanInstallment.n)).all()
    items = tuple(Item(r.n, r.due_date, r.principal, r.interest, r.fee) for r in rows)
    charges = [Charge(p.n, p.amount, p.charged_on) for p in session.scalars(
        select(LoanPenalty).where(LoanPenalty.loan_id == loan.id,
                                  LoanPenalty.version == terms.version,
                                  LoanPenalty.waived.is_(False), LoanPenalty.amount > 0))]
    if terms.carried_penalties:
        charges.append(Charge(0, terms.carried_penalties, terms.starts_on))
    count = sum(1 for i in items if i.n > 0)
    return Plan(_schedule_terms(session, loan, terms, count), items, tuple(charges),
                allocation_order(session, loan.group_id, terms.starts_on),
                extra_payment(session, loan.group_id, terms.starts_on))


def _posted(session: Session, loan_id: int, version: int) -> list[LoanRepayment]:
    return list(session.scalars(
        select(LoanRepayment).where(LoanRepayment.loan_id == loan_id,
                                    LoanRepayment.version == version,
                                    LoanRepayment.status == "posted")
        .order_by(LoanRepayment.paid_on, LoanRepayment.id)))


def payments_of(rows: list[LoanRepayment]) -> list[Payment]:
    return [Payment(r.id, r.paid_on, r.amount) for r in rows]


@dataclass(frozen=True)
class LoanState:
    """A disbursed loan on a day: its plan and position after the repayments by then."""

    loan_id: int
    version: int
    plan: Plan
    position: Position
    on: dt.date

    @property
    def quote(self) -> Quote:
        return payoff_quote(self.plan, self.position, self.on)

    @property
    def arrears(self) -> Arrears:
        return arrears(self.plan, self.position, self.on)

    @property
    def due(self) -> int:
        return due_by(self.plan, self.position, self.on)


def loan_state(session: Session, loan: Loan, on: dt.date | None = None) -> LoanState | None:
    """The state of a disbursed loan on ``on`` (default today); ``None`` before payout."""
    on = on or clock.today()
    terms = version_on(session, loan.id, on)
    if terms is None:
        return None
    plan = plan_of(session, loan, terms)
    payments = payments_of(_posted(session, loan.id, terms.version))
    return LoanState(loan.id, terms.version, plan, position_on(plan, payments, on), on)


# ----- the policy check -------------------------------------------------------------------

def term_problems(policy: LoanPolicy, start: dt.date, installments: int, *, frequency: str,
                  first_due: dt.date | None = None) -> list[UserError]:
    """The longest-term rule: from the payout ``start`` to the last due date (a late first
    due date pushes every installment later, so it counts)."""
    if first_due is not None and first_due <= start:
        return []  # the schedule itself refuses this date, with its own message
    last = due_dates(start, installments, frequency=frequency, first_due=first_due)[-1]
    if last > add_months(start, policy.max_term_months):
        return [UserError(
            N_("The last installment would fall due on {date}, after the longest term "
               "of {months} months."), date=fmt_date(last), months=policy.max_term_months)]
    return []


def application_problems(session: Session, *, group_id: int, member_id: int, amount: int,
                         annual_rate: Decimal | int | str, installments: int, method: str,
                         frequency: str = "monthly", guarantor_ids: tuple[int, ...] = (),
                         on: dt.date | None = None,
                         loan_id: int | None = None,
                         first_due: dt.date | None = None) -> list[UserError]:
    """Every rule of the group's loan policy (in force on ``on``) that the application
    breaks, each named. An empty list: the application may be approved. The term runs
    from ``on`` (the payout, when checked again then) to the last due date, counted from
    ``first_due`` when one is given."""
    on = on or clock.today()
    policy = get_policy(session, group_id, on)
    cur = group_currency(session, group_id)
    problems: list[UserError] = []
    member = session.get(Member, member_id)
    if member is None or member.group_id != group_id:
        return [UserError(N_("No such member."))]
    if member.status != "active":
        problems.append(UserError(N_("{member} is not an active member."),
                                  member=member.name_lao))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.append(UserError(N_("The loan amount must be more than zero.")))
        amount = 0
    try:
        rate = rate_of(rate_bp(annual_rate))
    except UserError as problem:
        problems.append(problem)
        rate = None
    if rate is not None and not policy.min_rate <= rate <= policy.max_rate:
        problems.append(UserError(
            N_("The rate of {rate} % a year is outside the group's range, {low}–{high} %."),
            rate=rate, low=policy.min_rate, high=policy.max_rate))
    if method not in LOAN_METHODS:
        problems.append(UserError(N_("Unknown way of charging interest.")))
    elif method not in policy.methods:
        problems.append(UserError(N_("The group does not offer loans with {method}."),
                                  method=Deferred(_METHOD_PHRASES[method])))
    if frequency not in FREQUENCIES:
        problems.append(UserError(N_("Choose monthly, fortnightly or weekly repayments.")))
    if isinstance(installments, bool) or not isinstance(installments, int) or installments < 1:
        problems.append(UserError(N_("The loan needs at least one installment.")))
    elif installments > MAX_INSTALLMENTS:
        problems.append(UserError(N_("The number of installments must be between 1 and "
                                     "{maximum}."), maximum=MAX_INSTALLMENTS))
    elif frequency in FREQUENCIES:
        problems.extend(term_problems(policy, on, installments, frequency=frequency,
                                      first_due=first_due))
    fee = loan_fee(policy, amount).amount if amount else 0
    if fee and fee >= amount:
        problems.append(UserError(N_("The loan fee of {fee} is as much as the loan itself."),
                                  fee=format_money(fee, cur)))
    if amount and policy.max_amount is not None and amount > policy.max_amount:
        problems.append(UserError(N_("{amount} is more than the group's largest loan, "
                                     "{maximum}."), amount=format_money(amount, cur),
                                  maximum=format_money(policy.max_amount, cur)))
    if amount and policy.savings_multiple is not None:
        saved = max(0, ledger.balance(session, group_id, "member_savings", member_id=member_id))
        cap = int(saved * policy.savings_multiple)
        if amount > cap:
            problems.append(UserError(
                N_("{amount} is more than {multiple} times {member}'s savings of {savings} "
                   "(at most {maximum})."), amount=format_money(amount, cur),
                multiple=policy.savings_multiple.normalize(), member=member.name_lao,
                savings=format_money(saved, cur), maximum=format_money(cap, cur)))
    good_guarantors = _guarantor_problems(session, group_id, member_id, guarantor_ids, problems)
    if amount and policy.guarantors_above is not None and amount > policy.guarantors_above \
            and good_guarantors < policy.guarantors_required:
        problems.append(UserError(
            N_("Loans over {limit} need {required} guarantors; {given} given."),
            limit=format_money(policy.guarantors_above, cur),
            required=policy.guarantors_required, given=good_guarantors))
    open_loans = session.scalar(select(func.count(Loan.id)).where(
        Loan.member_id == member_id, Loan.status.in_(OPEN_STATUSES),
        Loan.id != (loan_id or 0)))
    if open_loans >= policy.max_active_loans:
        problems.append(UserError(
            N_("{member} already has {count} loans open; the group allows {maximum} at a "
               "time."), member=member.name_lao, count=open_loans,
            maximum=policy.max_active_loans))
    if amount and rate is not None and method in LOAN_METHODS and frequency in FREQUENCIES \
            and isinstance(installments, int) and installments >= 1:
        schedule_method, amortization = LOAN_METHODS[method]
        try:
            build_schedule(ScheduleTerms(
                amount, rate, installments=installments, disbursed=on, method=schedule_method,
                amortization=amortization, interest_period=policy.interest_period,
                frequency=frequency, exponent=cur.exponent,
                multiple=policy.installment_multiple, rounding=policy.rounding,
                first_due=first_due))
        except UserError as problem:
            problems.append(problem)
    return problems


_METHOD_PHRASES = {
    "flat": N_("flat interest"),
    "declining": N_("declining-balance interest and equal installments"),
    "declining_equal_principal": N_("declining-balance interest and equal principal"),
}


def _guarantor_problems(session: Session, group_id: int, borrower_id: int,
                        guarantor_ids: tuple[int, ...], problems: list[UserError]) -> int:
    """Append the problems with the guarantors; return how many are acceptable."""
    good = 0
    seen: set[int] = set()
    for gid in guarantor_ids:
        if gid in seen:
            problems.append(UserError(N_("A guarantor is named twice.")))
            continue
        seen.add(gid)
        if gid == borrower_id:
            problems.append(UserError(N_("The borrower cannot be her own guarantor.")))
            continue
        g = session.get(Member, gid)
        if g is None or g.group_id != group_id:
            problems.append(UserError(N_("A guarantor must be a member of the group.")))
            continue
        if g.status != "active":
            problems.append(UserError(N_("{member} is not an active member and cannot "
                                         "guarantee a loan."), member=g.name_lao))
            continue
        good += 1
    return good


# ----- application and decision ------------------------------------------------------------

def apply_for_loan(session: Session, actor: User, *, group_id: int, member_id: int,
                   amount: int, purpose: str, installments: int,
                   annual_rate: Decimal | int | str, method: str,
                   frequency: str = "monthly", guarantor_ids: tuple[int, ...] = (),
                   applied_on: dt.date | None = None,
                   first_due: dt.date | None = None) -> LoanRow:
    """Record a member's application (treasurer). Refused with every failed rule listed.
    ``first_due``, when the member already knows it, is checked against the longest term
    as if paid out today; the date itself is fixed at payout and checked again then."""
    require(session, actor, Permission.RECORD, group_id)
    applied_on = clock.check_date(applied_on or clock.today())
    problems: list[UserError] = []
    if not (purpose or "").strip():
        problems.append(UserError(N_("Give the purpose of the loan.")))
    _check_date(applied_on, problems)
    problems.extend(application_problems(
        session, group_id=group_id, member_id=member_id, amount=amount,
        annual_rate=annual_rate, installments=installments, method=method,
        frequency=frequency, guarantor_ids=tuple(guarantor_ids), on=applied_on,
        first_due=first_due))
    if problems:
        raise ValidationError(problems)
    policy = get_policy(session, group_id, applied_on)
    fee = loan_fee(policy, amount)
    schedule_method, amortization = LOAN_METHODS[method]
    number = (session.scalar(select(func.max(Loan.number)).where(Loan.group_id == group_id))
              or 0) + 1
    loan = Loan(group_id=group_id, number=number, member_id=member_id, amount=amount,
                purpose=purpose.strip(), annual_rate_bp=rate_bp(annual_rate),
                installments=installments, frequency=frequency, method=schedule_method,
                amortization=amortization, interest_period=policy.interest_period,
                multiple=policy.installment_multiple, rounding=policy.rounding,
                status=APPLIED, applied_on=applied_on, recorded_by=actor.id,
                recorded_at=clock.now(), principal_outstanding=0, fee=fee.amount,
                fee_timing=fee.timing)
    session.add(loan)
    session.flush()
    for gid in dict.fromkeys(guarantor_ids):
        session.add(LoanGuarantor(loan_id=loan.id, member_id=gid))
    record_event(session, loan, actor, "applied", applied_on, amount=amount, note=loan.purpose)
    audit.record(session, actor, "loan.apply", group_id=group_id, loan=loan.id,
                 member=member_id, amount=amount)
    session.flush()
    return loan_row(session, loan)


def _require_decider(session: Session, actor: User, loan: Loan) -> None:
    require(session, actor, Permission.APPROVE, loan.group_id)
    if users.is_same_person(session, actor, loan.member_id):
        raise PermissionDenied(N_("{user} is the borrower and cannot decide on her own loan."),
                               user=actor.username)


def check_approver(session: Session, actor: User, *, loan_id: int) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may approve loan ``loan_id``: a leader,
    not the borrower, and not the person who recorded the application (maker-checker:
    even holding both roles, one person never records and approves the same loan)."""
    loan = loan_by_id(session, loan_id)
    _require_decider(session, actor, loan)
    if loan.recorded_by == actor.id:
        raise PermissionDenied(N_("{user} recorded this loan application, so another leader "
                                  "must approve it."), user=actor.username)


def approve_loan(session: Session, actor: User, *, loan_id: int, note: str = "") -> LoanRow:
    """A leader approves (never the borrower, never who recorded the application). The
    policy is checked again as of today."""
    loan = loan_by_id(session, loan_id)
    check_approver(session, actor, loan_id=loan_id)
    if loan.status != APPLIED:
        raise UserError(N_("Loan {number} is not waiting for approval."), number=loan.number)
    guarantors = tuple(session.scalars(select(LoanGuarantor.member_id)
                                       .where(LoanGuarantor.loan_id == loan.id)))
    problems = application_problems(
        session, group_id=loan.group_id, member_id=loan.member_id, amount=loan.amount,
        annual_rate=rate_of(loan.annual_rate_bp), installments=loan.installments,
        method=_method_key(loan), frequency=loan.frequency, guarantor_ids=guarantors,
        loan_id=loan.id)
    if problems:
        raise ValidationError(problems)
    loan.status = APPROVED
    loan.decided_by = actor.id
    loan.decided_at = clock.now()
    loan.decision_note = (note or "").strip() or None
    record_event(session, loan, actor, "approved", clock.today(), note=note)
    audit.record(session, actor, "loan.approve", group_id=loan.group_id, loan=loan.id)
    return loan_row(session, loan)


def reject_loan(session: Session, actor: User, *, loan_id: int, reason: str) -> LoanRow:
    loan = loan_by_id(session, loan_id)
    _require_decider(session, actor, loan)
    if loan.status not in (APPLIED, APPROVED):
        raise UserError(N_("Loan {number} can no longer be refused."), number=loan.number)
    if not (reason or "").strip():
        raise UserError(N_("Give the reason for refusing."))
    loan.status = REJECTED
    loan.decided_by = actor.id
    loan.decided_at = clock.now()
    loan.decision_note = reason.strip()
    record_event(session, loan, actor, "rejected", clock.today(), note=reason.strip())
    audit.record(session, actor, "loan.reject", group_id=loan.group_id, loan=loan.id,
                 reason=reason.strip())
    return loan_row(session, loan)


def cancel_loan(session: Session, actor: User, *, loan_id: int, reason: str) -> LoanRow:
    """The member no longer wants the loan (treasurer), before it is paid out."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    if loan.status not in (APPLIED, APPROVED):
        raise UserError(N_("Only a loan not yet paid out can be cancelled."))
    if not (reason or "").strip():
        raise UserError(N_("Give the reason for cancelling."))
    loan.status = CANCELLED
    loan.decision_note = reason.strip()
    record_event(session, loan, actor, "cancelled", clock.today(), note=reason.strip())
    audit.record(session, actor, "loan.cancel", group_id=loan.group_id, loan=loan.id)
    return loan_row(session, loan)


# ----- disbursement -------------------------------------------------------------------------

def disburse_loan(session: Session, actor: User, *, loan_id: int, on: dt.date | None = None,
                  paid_from: str = "cash", first_due: dt.date | None = None) -> LoanRow:
    """Pay an approved loan out (treasurer) and fix its schedule."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    problems: list[UserError] = []
    if loan.status != APPROVED:
        raise UserError(N_("Loan {number} is not approved for payout."), number=loan.number)
    _check_date(on, problems, not_before=loan.applied_on,
                before_text=N_("A loan cannot be paid out before it was asked for ({date})."))
    kept = loan.fee if loan.fee_timing == FEE_AT_PAYOUT else 0
    if paid_from not in PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    elif (short := cashbox.shortfall(session, loan.group_id, paid_from,
                                     loan.amount - kept)) is not None:
        problems.append(short)
    problems.extend(term_problems(get_policy(session, loan.group_id, on), on,
                                  loan.installments, frequency=loan.frequency,
                                  first_due=first_due))
    terms_row = LoanTerms(loan_id=loan.id, version=1, starts_on=on, principal=loan.amount,
                          annual_rate_bp=loan.annual_rate_bp, installments=loan.installments,
                          first_due=first_due, carried_interest=0, carried_penalties=0,
                          reason="", recorded_by=actor.id, recorded_at=clock.now())
    schedule: list[Installment] = []
    try:
        schedule = build_schedule(_schedule_terms(session, loan, terms_row, loan.installments))
    except UserError as problem:
        problems.append(problem)
    if problems:
        raise ValidationError(problems)
    session.add(terms_row)
    fees = spread_fee(loan.fee, len(schedule), loan.multiple) \
        if loan.fee_timing == FEE_WITH_INSTALLMENTS else None
    store_installments(session, loan, 1, schedule, fees)
    lines = [Line("loans_receivable", loan.amount, member_id=loan.member_id, loan_id=loan.id),
             Line(paid_from, -(loan.amount - kept))]
    if kept:
        lines.append(Line("fee_income", -kept, member_id=loan.member_id, loan_id=loan.id))
    entry = ledger.post_entry(
        session, actor, group_id=loan.group_id, value_date=on, kind=KIND_DISBURSEMENT,
        memo=_memo(session, loan, N_("Loan paid out")), loan_id=loan.id, lines=lines)
    loan.status = ACTIVE
    loan.disbursed_on = on
    loan.disbursed_via = paid_from
    loan.principal_outstanding = loan.amount
    record_event(session, loan, actor, "disbursed", on, amount=loan.amount, entry=entry)
    audit.record(session, actor, "loan.disburse", group_id=loan.group_id, loan=loan.id,
                 amount=loan.amount, entry=entry.seq)
    session.flush()
    return loan_row(session, loan)


def store_installments(session: Session, loan: Loan, version: int,
                        schedule: list[Installment], fees: list[int] | None = None, *,
                        carried_interest: int = 0, carried_fees: int = 0,
                        carried_on: dt.date | None = None) -> None:
    """Store a schedule version; ``fees``: each installment's part of the loan fee;
    installment 0 holds the interest and fees carried over (due on ``carried_on``)."""
    if (carried_interest or carried_fees) and carried_on is not None:
        session.add(LoanInstallment(loan_id=loan.id, version=version, n=0, due_date=carried_on,
                                    principal=0, interest=carried_interest, fee=carried_fees))
    for inst, fee in zip(schedule, fees or [0] * len(schedule), strict=True):
        session.add(LoanInstallment(loan_id=loan.id, version=version, n=inst.n,
                                    due_date=inst.due_date, principal=inst.principal,
                                    interest=inst.interest, fee=fee))
    session.flush()


# ----- repayments and their allocation ------------------------------------------------------

def record_repayment(session: Session, actor: User, *, loan_id: int, amount: int,
                     on: dt.date | None = None, paid_from: str = "cash",
                     meeting_id: int | None = None) -> RepaymentRow:
    """Record money paid on a loan (treasurer). Refused when it is more than what clears
    the loan that day. A backdated repayment re-allocates the later ones."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    if paid_from not in PAY_ACCOUNTS:
        raise UserError(N_("Money is paid into the cash box or the bank."))
    row = add_repayment(session, actor, loan, amount=amount, on=on, paid_from=paid_from,
                         meeting_id=meeting_id)
    return repayment_row(session, row)


def add_repayment(session: Session, actor: User, loan: Loan, *, amount: int, on: dt.date,
                   paid_from: str, meeting_id: int | None) -> LoanRepayment:
    """Record one repayment of ``loan`` and allocate it (the treasurer's permission)."""
    require(session, actor, Permission.RECORD, loan.group_id)
    problems: list[UserError] = []
    if loan.status != ACTIVE:
        raise UserError(N_("Loan {number} is not being repaid ({status})."), number=loan.number,
                        status=Deferred(STATUS_NAMES[loan.status]))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems.append(UserError(N_("The repayment must be more than zero.")))
    terms = current_version(session, loan.id)
    _check_date(on, problems, not_before=terms.starts_on,
                before_text=N_("The repayment cannot be dated before {date}, when the loan "
                               "was paid out or rescheduled."))
    if problems:
        raise ValidationError(problems)
    row = LoanRepayment(loan_id=loan.id, version=terms.version, paid_on=on, amount=amount,
                        paid_from=paid_from, meeting_id=meeting_id, entry_id=None, penalty=0,
                        interest=0, principal=0, status="posted", recorded_by=actor.id,
                        recorded_at=clock.now())
    session.add(row)
    session.flush()
    reallocate(session, actor, loan, value_date=clock.today())
    if on < clock.today():
        from models.loans import arrears  # arrears builds on this module

        arrears.redecide_penalties(session, actor, loan, value_date=clock.today(),
                                   charge_new=False)
    record_event(session, loan, actor, "repaid", on, amount=amount,
           entry=session.get(JournalEntry, row.entry_id))
    audit.record(session, actor, "loan.repay", group_id=loan.group_id, loan=loan.id,
                 amount=amount, on=on, entry=session.get(JournalEntry, row.entry_id).seq)
    return row


def reallocate(session: Session, actor: User, loan: Loan, *, value_date: dt.date) -> None:
    """Allocate every posted repayment of the loan's current schedule again, from scratch;
    post the new ones and, for each whose allocation changed, reverse its posting and
    post it anew (dated ``value_date``). Keeps the loan's outstanding principal and status
    in step."""
    terms = current_version(session, loan.id)
    plan = plan_of(session, loan, terms)
    rows = _posted(session, loan.id, terms.version)
    by_id = {r.id: r for r in rows}
    try:
        splits, position = allocate(plan, payments_of(rows))
    except Overpayment as over:
        raise UserError(
            N_("The repayment of {amount} on {date} would be more than the {owed} that "
               "clears loan {number} that day."),
            amount=money_text(session, loan.group_id, over.payment.amount),
            date=fmt_date(over.payment.paid_on),
            owed=money_text(session, loan.group_id, over.owed), number=loan.number) from None
    for split in splits:
        row = by_id[split.key]
        new = (split.penalty, split.fee, split.interest, split.principal)
        if row.entry_id is not None and \
                (row.penalty, row.fee, row.interest, row.principal) == new:
            continue
        if row.entry_id is not None:
            old = session.get(JournalEntry, row.entry_id)
            ledger.post_reversal(session, old, checked_by=actor, reason=_memo(
                session, loan, N_("Repayment allocated again")), value_date=value_date)
            record_event(session, loan, actor, "reallocated", row.paid_on, amount=row.amount)
            dated = value_date
        else:
            dated = row.paid_on
        entry = _post_repayment(session, actor, loan, row, split, dated)
        row.entry_id = entry.id
        row.penalty, row.fee, row.interest, row.principal = new
    was = loan.status
    loan.principal_outstanding = position.principal_outstanding
    if position.is_closed:
        loan.status = CLOSED
        loan.closed_on = position.closed_on
        if was != CLOSED:
            record_event(session, loan, actor, "closed", position.closed_on)
    else:
        loan.status = ACTIVE
        loan.closed_on = None
        if was == CLOSED:
            record_event(session, loan, actor, "reopened", value_date)
    session.flush()


def payment_income(session: Session, loan: Loan, *, amount: int, on: dt.date) -> int:
    """How much of a repayment of ``amount`` on ``on`` would be interest and fee (income
    on a cash basis), allocated after the repayments already posted; nothing is written."""
    terms = current_version(session, loan.id)
    plan = plan_of(session, loan, terms)
    rows = _posted(session, loan.id, terms.version)
    key = max((r.id for r in rows), default=0) + 1
    splits, _ = allocate(plan, [*payments_of(rows), Payment(key, on, amount)])
    mine = next(split for split in splits if split.key == key)
    return mine.fee + mine.interest


def _post_repayment(session: Session, actor: User, loan: Loan, row: LoanRepayment,
                    split: Split, value_date: dt.date) -> JournalEntry:
    member = loan.member_id
    source_member = member if row.paid_from in MEMBER_ACCOUNTS else None
    lines = [Line(row.paid_from, row.amount, member_id=source_member)]
    for account, amount in (("penalties_receivable", split.penalty),
                            ("fee_income", split.fee),
                            ("interest_income", split.interest),
                            ("loans_receivable", split.principal)):
        if amount:
            lines.append(Line(account, -amount, member_id=member, loan_id=loan.id))
    memo = _memo(session, loan, N_("Repayment of {date}"), date=fmt_date(row.paid_on))
    return ledger.post_entry(session, actor, group_id=loan.group_id, value_date=value_date,
                             kind=KIND_REPAYMENT, memo=memo, lines=lines, loan_id=loan.id,
                             meeting_id=row.meeting_id)


def payoff(session: Session, actor: User, *, loan_id: int,
           on: dt.date | None = None) -> PayoffRow:
    """What clears the loan on ``on``: penalties, the fee still owed, interest (recomputed
    to the day for declining-balance loans) and principal."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    on = on or clock.today()
    state = loan_state(session, loan, on)
    if state is None or loan.status not in (ACTIVE, CLOSED):
        return PayoffRow(loan.id, on, 0, 0, 0)
    q = state.quote
    return PayoffRow(loan.id, on, q.penalty, q.interest, q.principal, q.fee)


def pay_off_loan(session: Session, actor: User, *, loan_id: int, on: dt.date | None = None,
                 paid_from: str = "cash", meeting_id: int | None = None) -> RepaymentRow:
    """Record the payoff quote as a repayment: the loan is closed."""
    quote = payoff(session, actor, loan_id=loan_id, on=on)
    if quote.total <= 0:
        raise UserError(N_("Nothing is owed on this loan."))
    return record_repayment(session, actor, loan_id=loan_id, amount=quote.total, on=on,
                            paid_from=paid_from, meeting_id=meeting_id)


def reverse_repayment(session: Session, actor: User, *, repayment_id: int, reason: str,
                      value_date: dt.date | None = None) -> JournalEntry:
    """Reverse a repayment (it never happened): the later ones are allocated again."""
    row = session.get(LoanRepayment, repayment_id)
    if row is None:
        raise NotFound(N_("No such repayment."))
    if row.status != "posted":
        raise UserError(N_("This repayment was already reversed."))
    return ledger.reverse_entry(session, actor, entry_id=row.entry_id, reason=reason,
                                value_date=value_date)


def _reverse_repayment_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                             value_date: dt.date) -> JournalEntry:
    row = session.scalar(select(LoanRepayment).where(LoanRepayment.entry_id == entry.id))
    if row is None:
        return ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    loan = loan_by_id(session, row.loan_id)
    if loan.status == WRITTEN_OFF:
        raise UserError(N_("Loan {number} was written off; its repayments can no longer be "
                           "reversed."), number=loan.number)
    terms = current_version(session, loan.id)
    if row.version != terms.version:
        raise UserError(N_("Loan {number} was rescheduled after this repayment; it can no "
                           "longer be reversed."), number=loan.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    row.status = "reversed"
    row.reversal_reason = reason
    record_event(session, loan, actor, "repayment_reversed", row.paid_on, amount=row.amount,
           entry=reversal, note=reason)
    session.flush()
    reallocate(session, actor, loan, value_date=value_date)
    from models.loans import arrears  # arrears builds on this module

    arrears.redecide_penalties(session, actor, loan, value_date=value_date, charge_new=True)
    return reversal


# ----- the other reversals ------------------------------------------------------------------

def _reverse_disbursement_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                                value_date: dt.date) -> JournalEntry:
    loan = session.get(Loan, entry.loan_id) if entry.loan_id else None
    if loan is None:
        return ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    repaid = session.scalar(select(func.count(LoanRepayment.id)).where(
        LoanRepayment.loan_id == loan.id, LoanRepayment.status == "posted"))
    charged = session.scalar(select(func.count(LoanPenalty.id)).where(
        LoanPenalty.loan_id == loan.id, LoanPenalty.waived.is_(False),
        LoanPenalty.amount > 0))
    if loan.status != ACTIVE or repaid or charged:
        raise UserError(N_("Loan {number} has repayments or penalties; reverse those first."),
                        number=loan.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    loan.status = CANCELLED
    loan.principal_outstanding = 0
    loan.decision_note = reason
    record_event(session, loan, actor, "disbursement_reversed", value_date, amount=loan.amount,
           entry=reversal, note=reason)
    session.flush()
    return reversal


def _reverse_penalty_entry(session: Session, actor: User, entry: JournalEntry, reason: str,
                           value_date: dt.date) -> JournalEntry:
    penalty = session.scalar(select(LoanPenalty).where(LoanPenalty.entry_id == entry.id))
    if penalty is None:
        return ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    loan = loan_by_id(session, penalty.loan_id)
    terms = current_version(session, loan.id)
    if loan.status == WRITTEN_OFF or penalty.version != terms.version:
        raise UserError(N_("This penalty belongs to an earlier schedule of loan {number}; it "
                           "can no longer be waived."), number=loan.number)
    reversal = ledger.post_reversal(session, entry, checked_by=actor,
                                    reason=reason, value_date=value_date)
    penalty.waived = True
    record_event(session, loan, actor, "penalty_waived", value_date, amount=penalty.amount,
           entry=reversal, note=reason)
    session.flush()
    reallocate(session, actor, loan, value_date=value_date)
    return reversal


def _refuse_write_off_reversal(session: Session, actor: User, entry: JournalEntry, reason: str,
                               value_date: dt.date) -> JournalEntry:
    raise UserError(N_("A write-off cannot be reversed. If the member pays after all, record "
                       "the money as other income."))


REVERSAL_RULES = {
    KIND_REPAYMENT: _reverse_repayment_entry,
    KIND_DISBURSEMENT: _reverse_disbursement_entry,
    KIND_PENALTY: _reverse_penalty_entry,
    KIND_WRITE_OFF: _refuse_write_off_reversal,
}


# ----- rescheduling and write-off: asked by the treasurer, decided by a leader --------------

def request_reschedule(session: Session, actor: User, *, loan_id: int, reason: str,
                       installments: int, annual_rate: Decimal | int | str | None = None,
                       first_due: dt.date | None = None,
                       on: dt.date | None = None) -> RequestRow:
    """Ask for a new schedule of the principal still owed, from ``on`` (default today)."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    problems = _request_problems(session, loan, reason, on)
    if isinstance(installments, bool) or not isinstance(installments, int) or installments < 1:
        problems.append(UserError(N_("The new schedule needs at least one installment.")))
    bp = None
    if annual_rate is not None:
        try:
            bp = rate_bp(annual_rate)
        except UserError as problem:
            problems.append(problem)
    if first_due is not None and first_due <= on:
        problems.append(UserError(N_("The first new due date must be after {date}."),
                                  date=fmt_date(on)))
    if problems:
        raise ValidationError(problems)
    request = LoanRequest(loan_id=loan.id, kind=RESCHEDULE, effective_on=on,
                          reason=reason.strip(), installments=installments, annual_rate_bp=bp,
                          first_due=first_due, status=PENDING, requested_by=actor.id,
                          requested_at=clock.now())
    session.add(request)
    session.flush()
    record_event(session, loan, actor, "reschedule_requested", on, note=reason.strip())
    audit.record(session, actor, "loan.request_reschedule", group_id=loan.group_id,
                 loan=loan.id, request=request.id)
    return request_row(session, request)


def request_write_off(session: Session, actor: User, *, loan_id: int, reason: str,
                      on: dt.date | None = None) -> RequestRow:
    """Ask to write the loan off (the member cannot pay), with the reason."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.RECORD, loan.group_id)
    on = on or clock.today()
    problems = _request_problems(session, loan, reason, on)
    if problems:
        raise ValidationError(problems)
    request = LoanRequest(loan_id=loan.id, kind=WRITE_OFF, effective_on=on,
                          reason=reason.strip(), status=PENDING, requested_by=actor.id,
                          requested_at=clock.now())
    session.add(request)
    session.flush()
    record_event(session, loan, actor, "write_off_requested", on, note=reason.strip())
    audit.record(session, actor, "loan.request_write_off", group_id=loan.group_id,
                 loan=loan.id, request=request.id)
    return request_row(session, request)


def _request_problems(session: Session, loan: Loan, reason: str, on: dt.date) -> list[UserError]:
    problems: list[UserError] = []
    if loan.status != ACTIVE:
        problems.append(UserError(N_("Loan {number} is not being repaid."), number=loan.number))
    if not (reason or "").strip():
        problems.append(UserError(N_("Give the reason.")))
    pending = session.scalar(select(LoanRequest.id).where(LoanRequest.loan_id == loan.id,
                                                          LoanRequest.status == PENDING))
    if pending:
        problems.append(UserError(N_("A request on loan {number} is already waiting for a "
                                     "leader."), number=loan.number))
    terms = current_version(session, loan.id)
    _check_date(on, problems, not_before=terms.starts_on if terms else loan.applied_on)
    return problems


def approve_request(session: Session, actor: User, *, request_id: int,
                    note: str = "") -> RequestRow:
    """A leader (not the borrower) approves a write-off or rescheduling; it takes effect
    now, on the day asked for."""
    request = _request(session, request_id)
    loan = loan_by_id(session, request.loan_id)
    _require_decider(session, actor, loan)
    if request.status != PENDING:
        raise UserError(N_("This request was already decided."))
    if loan.status != ACTIVE:
        raise UserError(N_("Loan {number} is not being repaid."), number=loan.number)
    if request.kind == WRITE_OFF:
        _write_off(session, actor, loan, request)
    else:
        _reschedule(session, actor, loan, request)
    request.status = APPROVED
    request.decided_by = actor.id
    request.decided_at = clock.now()
    request.decision_note = (note or "").strip() or None
    audit.record(session, actor, f"loan.{request.kind}", group_id=loan.group_id, loan=loan.id,
                 request=request.id, reason=request.reason)
    session.flush()
    return request_row(session, request)


def reject_request(session: Session, actor: User, *, request_id: int, reason: str) -> RequestRow:
    request = _request(session, request_id)
    loan = loan_by_id(session, request.loan_id)
    _require_decider(session, actor, loan)
    if request.status != PENDING:
        raise UserError(N_("This request was already decided."))
    if not (reason or "").strip():
        raise UserError(N_("Give the reason for refusing."))
    request.status = REJECTED
    request.decided_by = actor.id
    request.decided_at = clock.now()
    request.decision_note = reason.strip()
    record_event(session, loan, actor, "request_rejected", clock.today(), note=reason.strip())
    audit.record(session, actor, "loan.request_reject", group_id=loan.group_id, loan=loan.id,
                 request=request.id)
    return request_row(session, request)


def _request(session: Session, request_id: int) -> LoanRequest:
    request = session.get(LoanRequest, request_id)
    if request is None:
        raise NotFound(N_("No such request."))
    return request


def _later_repayments(session: Session, loan: Loan, version: int, on: dt.date) -> bool:
    return session.scalar(select(LoanRepayment.id).where(
        LoanRepayment.loan_id == loan.id, LoanRepayment.version == version,
        LoanRepayment.status == "posted", LoanRepayment.paid_on > on).limit(1)) is not None


def _write_off(session: Session, actor: User, loan: Loan, request: LoanRequest) -> None:
    on = request.effective_on
    terms = current_version(session, loan.id)
    if _later_repayments(session, loan, terms.version, on):
        raise UserError(N_("Loan {number} has repayments after {date}; the write-off must be "
                           "dated later."), number=loan.number, date=fmt_date(on))
    penalties = ledger.balance(session, loan.group_id, "penalties_receivable", loan_id=loan.id)
    principal = loan.principal_outstanding
    lines = []
    if principal:
        lines += [Line("loan_write_offs", principal, member_id=loan.member_id, loan_id=loan.id),
                  Line("loans_receivable", -principal, member_id=loan.member_id,
                       loan_id=loan.id)]
    if penalties > 0:
        lines += [Line("penalty_income", penalties, member_id=loan.member_id, loan_id=loan.id),
                  Line("penalties_receivable", -penalties, member_id=loan.member_id,
                       loan_id=loan.id)]
    entry = None
    if lines:
        entry = ledger.post_entry(session, actor, group_id=loan.group_id, value_date=on,
                                  kind=KIND_WRITE_OFF, memo=_memo(session, loan, N_("Written off")),
                                  lines=lines, loan_id=loan.id)
    loan.status = WRITTEN_OFF
    loan.principal_outstanding = 0
    loan.closed_on = on
    record_event(session, loan, actor, "written_off", on, amount=principal, entry=entry,
           note=request.reason)


def _reschedule(session: Session, actor: User, loan: Loan, request: LoanRequest) -> None:
    on = request.effective_on
    terms = current_version(session, loan.id)
    if _later_repayments(session, loan, terms.version, on):
        raise UserError(N_("Loan {number} has repayments after {date}; the new schedule must "
                           "start later."), number=loan.number, date=fmt_date(on))
    state = loan_state(session, loan, on)
    position = state.position
    principal = position.principal_outstanding
    if principal <= 0:
        raise UserError(N_("No principal is left to reschedule on loan {number}."),
                        number=loan.number)
    due_interest = sum(i.interest for i in state.plan.items if i.n == 0 or i.due_date <= on)
    carried_interest = max(0, due_interest - position.total_paid(INTEREST))
    carried_penalties = sum(position.owed(i, PENALTIES, None) for i in state.plan.items)
    # Fees of installments already due are owed at once; the rest of the fee is spread
    # over the new installments.
    carried_fees = sum(position.owed(i, FEES, None) for i in state.plan.items
                       if i.n == 0 or i.due_date <= on)
    later_fees = sum(position.owed(i, FEES, None) for i in state.plan.items) - carried_fees
    new = LoanTerms(loan_id=loan.id, version=terms.version + 1, starts_on=on,
                    principal=principal,
                    annual_rate_bp=request.annual_rate_bp or terms.annual_rate_bp,
                    installments=request.installments, first_due=request.first_due,
                    carried_interest=carried_interest, carried_penalties=carried_penalties,
                    carried_fees=carried_fees, reason=request.reason, recorded_by=actor.id,
                    recorded_at=clock.now())
    schedule = build_schedule(_schedule_terms(session, loan, new, request.installments))
    session.add(new)
    store_installments(session, loan, new.version, schedule,
                        spread_fee(later_fees, len(schedule), loan.multiple),
                        carried_interest=carried_interest, carried_fees=carried_fees,
                        carried_on=on)
    record_event(session, loan, actor, "rescheduled", on, amount=principal, note=request.reason)
    reallocate(session, actor, loan, value_date=clock.today())


# ----- queries -------------------------------------------------------------------------------

def loan_row(session: Session, loan: Loan) -> LoanRow:
    member = session.get(Member, loan.member_id)
    guarantors = session.execute(
        select(Member.id, Member.name_lao).join(LoanGuarantor, LoanGuarantor.member_id == Member.id)
        .where(LoanGuarantor.loan_id == loan.id).order_by(Member.number)).all()
    return LoanRow(loan.id, loan.group_id, loan.number, loan.member_id, member.name_lao,
                   loan.amount, loan.purpose, rate_of(loan.annual_rate_bp), loan.installments,
                   loan.frequency, _method_key(loan), loan.status, loan.applied_on,
                   loan.disbursed_on, loan.closed_on, loan.principal_outstanding,
                   tuple(g[0] for g in guarantors), tuple(g[1] for g in guarantors),
                   loan.decision_note, loan.fee, loan.fee_timing)


def repayment_row(session: Session, row: LoanRepayment) -> RepaymentRow:
    seq = session.scalar(select(JournalEntry.seq).where(JournalEntry.id == row.entry_id)) \
        if row.entry_id else None
    return RepaymentRow(row.id, row.loan_id, row.paid_on, row.amount, row.paid_from,
                        row.penalty, row.interest, row.principal, row.status, row.meeting_id,
                        seq, row.reversal_reason, row.fee)


def request_row(session: Session, r: LoanRequest) -> RequestRow:
    loan = session.get(Loan, r.loan_id)
    member = session.get(Member, loan.member_id)
    asked = session.get(User, r.requested_by)
    decided = session.get(User, r.decided_by) if r.decided_by else None
    return RequestRow(r.id, r.loan_id, loan.number, member.name_lao, r.kind, r.effective_on,
                      r.reason, r.installments,
                      rate_of(r.annual_rate_bp) if r.annual_rate_bp is not None else None,
                      r.first_due, r.status, asked.username,
                      decided.username if decided else None, r.decision_note)


def list_loans(session: Session, actor: User, group_id: int, *,
               statuses: tuple[str, ...] | None = None,
               member_id: int | None = None) -> list[LoanRow]:
    """The group's loans, newest first."""
    require(session, actor, Permission.READ, group_id)
    query = select(Loan).where(Loan.group_id == group_id).order_by(Loan.number.desc())
    if statuses:
        query = query.where(Loan.status.in_(statuses))
    if member_id is not None:
        query = query.where(Loan.member_id == member_id)
    return [loan_row(session, loan) for loan in session.scalars(query)]


def get_loan(session: Session, actor: User, loan_id: int) -> LoanRow:
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    return loan_row(session, loan)


def pending_requests(session: Session, actor: User, group_id: int) -> list[RequestRow]:
    require(session, actor, Permission.READ, group_id)
    rows = session.scalars(select(LoanRequest).join(Loan, Loan.id == LoanRequest.loan_id)
                           .where(Loan.group_id == group_id, LoanRequest.status == PENDING)
                           .order_by(LoanRequest.id))
    return [request_row(session, r) for r in rows]


def loan_detail(session: Session, actor: User, loan_id: int,
                on: dt.date | None = None) -> LoanDetail:
    """Everything the loan screen shows: the schedule in force with what was paid of each
    installment, the repayments, the history, requests, the payoff quote."""
    loan = loan_by_id(session, loan_id)
    require(session, actor, Permission.READ, loan.group_id)
    on = on or clock.today()
    state = loan_state(session, loan, on) if loan.disbursed_on else None
    installments: list[InstallmentRow] = []
    days = due = 0
    quote = None
    if state is not None:
        pos = state.position
        for item in state.plan.items:
            charged = state.plan.charged(item.n)
            paid = (pos.paid_of(item.n, PRINCIPAL), pos.paid_of(item.n, INTEREST),
                    min(pos.paid_of(item.n, PENALTIES), charged))
            paid_fee = pos.paid_of(item.n, FEES)
            left = item.principal + item.interest + item.fee + charged - sum(paid) - paid_fee
            if left <= 0:
                status = STATUS_PAID
            elif item.due_date < on or (item.n == 0 and item.due_date <= on):
                status = STATUS_LATE
            elif item.due_date == on:
                status = STATUS_DUE
            elif sum(paid):
                status = STATUS_PART
            else:
                status = STATUS_FUTURE
            installments.append(InstallmentRow(state.version, item.n, item.due_date,
                                               item.principal, item.interest, charged, *paid,
                                               status, item.fee, paid_fee))
        if loan.status in (ACTIVE, CLOSED):
            q = state.quote
            quote = PayoffRow(loan.id, on, q.penalty, q.interest, q.principal, q.fee)
            days = state.arrears.days(on)
            due = state.due
    repayments = [repayment_row(session, r) for r in session.scalars(
        select(LoanRepayment).where(LoanRepayment.loan_id == loan.id)
        .order_by(LoanRepayment.paid_on, LoanRepayment.id))]
    events = [EventRow(e.on, e.at, u, e.kind, e.amount, e.note) for e, u in session.execute(
        select(LoanEvent, User.username).join(User, User.id == LoanEvent.user_id)
        .where(LoanEvent.loan_id == loan.id).order_by(LoanEvent.id))]
    requests = [request_row(session, r) for r in session.scalars(
        select(LoanRequest).where(LoanRequest.loan_id == loan.id).order_by(LoanRequest.id))]
    return LoanDetail(loan_row(session, loan), state.version if state else 0,
                      tuple(installments), tuple(repayments), tuple(events), tuple(requests),
                      quote, days, due)


def preview_schedule(session: Session, actor: User, *, group_id: int, amount: int,
                     annual_rate: Decimal | int | str, installments: int, method: str,
                     frequency: str = "monthly", disbursed: dt.date | None = None,
                     first_due: dt.date | None = None) -> list[Installment]:
    """The schedule a loan would get under the group's policy (the loan calculator)."""
    require(session, actor, Permission.READ, group_id)
    disbursed = disbursed or clock.today()
    policy: LoanPolicy = get_policy(session, group_id, disbursed)
    if method not in LOAN_METHODS:
        raise UserError(N_("Unknown way of charging interest."))
    schedule_method, amortization = LOAN_METHODS[method]
    return build_schedule(ScheduleTerms(
        amount, rate_of(rate_bp(annual_rate)), installments=installments, disbursed=disbursed,
        method=schedule_method, amortization=amortization,
        interest_period=policy.interest_period, frequency=frequency,
        exponent=group_currency(session, group_id).exponent,
        multiple=policy.installment_multiple, rounding=policy.rounding, first_due=first_due))


@dataclass(frozen=True)
class FeePreview:
    """The fee a loan would get: its amount, when it is paid, and each installment's part
    (all zero when the fee is kept from the payout)."""

    amount: int
    timing: str
    parts: tuple[int, ...]

    @property
    def at_payout(self) -> int:
        return self.amount if self.timing == FEE_AT_PAYOUT else 0


def preview_fee(session: Session, actor: User, *, group_id: int, amount: int,
                installments: int, on: dt.date | None = None) -> FeePreview:
    """The loan fee the group's policy (in force on ``on``) charges on ``amount``."""
    require(session, actor, Permission.READ, group_id)
    check_within(amount)
    if not 1 <= installments <= MAX_INSTALLMENTS:
        raise UserError(N_("The number of installments must be between 1 and {maximum}."),
                        maximum=MAX_INSTALLMENTS)
    policy = get_policy(session, group_id, on or clock.today())
    fee: LoanFee = loan_fee(policy, amount)
    parts = spread_fee(fee.amount, installments, policy.installment_multiple) \
        if fee.timing == FEE_WITH_INSTALLMENTS else [0] * installments
    return FeePreview(fee.amount, fee.timing, tuple(parts))


def member_active_loans(session: Session, group_id: int, member_id: int) -> list[Loan]:
    """A member's loans being repaid, oldest first."""
    return list(session.scalars(select(Loan).where(
        Loan.group_id == group_id, Loan.member_id == member_id, Loan.status == ACTIVE)
        .order_by(Loan.disbursed_on, Loan.id)))


# ----- verify -------------------------------------------------------------------------------

def verify_loans(session: Session, group: Group) -> list[verify.Problem]:
    """Each loan's receivable on the ledger equals its own record of outstanding
    principal and is never negative; receivable lines name a loan that exists, of the
    member they name; penalties receivable per loan never negative."""
    problems: list[verify.Problem] = []
    # Read, never create, the accounts: verify also runs on read-only backups.
    receivable = chart.find_account(session, group.id, "loans_receivable")
    penalties = chart.find_account(session, group.id, "penalties_receivable")

    def sums(account: Account | None) -> dict[int, int]:
        if account is None:
            return {}
        return {loan_id: int(total) for loan_id, total in session.execute(
            select(JournalLine.loan_id, func.sum(JournalLine.amount))
            .where(JournalLine.account_id == account.id, JournalLine.loan_id.is_not(None))
            .group_by(JournalLine.loan_id))}

    ledger_principal = sums(receivable)
    ledger_penalties = sums(penalties)
    loans = {loan.id: loan for loan in session.scalars(select(Loan).where(
        Loan.group_id == group.id))}
    for loan in loans.values():
        on_ledger = ledger_principal.get(loan.id, 0)
        if on_ledger != loan.principal_outstanding:
            problems.append(verify.Problem(
                N_("Group {group}: loan {number} owes {record} by its record but {ledger} on "
                   "the ledger."), {"group": group.name, "number": loan.number,
                                    "record": loan.principal_outstanding, "ledger": on_ledger},
                group.id))
        if on_ledger < 0 or loan.principal_outstanding < 0:
            problems.append(verify.Problem(
                N_("Group {group}: loan {number} has a negative balance."),
                {"group": group.name, "number": loan.number}, group.id))
        if ledger_penalties.get(loan.id, 0) < 0:
            problems.append(verify.Problem(
                N_("Group {group}: loan {number} has negative penalties due."),
                {"group": group.name, "number": loan.number}, group.id))
    problems.extend(_verify_fees(session, group, loans))
    unknown = set(ledger_principal) - set(loans)
    for loan_id in sorted(unknown):
        problems.append(verify.Problem(
            N_("Group {group}: loans receivable names loan {loan}, which does not exist."),
            {"group": group.name, "loan": loan_id}, group.id))
    wrong_member = [] if receivable is None else session.execute(
        select(Loan.number).join(JournalLine, JournalLine.loan_id == Loan.id)
        .where(Loan.group_id == group.id, JournalLine.account_id == receivable.id,
               (JournalLine.member_id.is_(None)) | (JournalLine.member_id != Loan.member_id))
        .distinct()).all()
    for (number,) in wrong_member:
        problems.append(verify.Problem(
            N_("Group {group}: lines of loan {number} name another member than the borrower."),
            {"group": group.name, "number": number}, group.id))
    return problems


def _verify_fees(session: Session, group: Group, loans: dict[int, Loan]) -> list[verify.Problem]:
    """Fee income on the ledger, per loan, is the fee kept from its payout plus the fees
    its posted repayments were allocated (reversed entries net to nothing)."""
    fee_account = chart.find_account(session, group.id, "fee_income")
    if fee_account is None:  # the group predates loan fees and never charged one
        return []
    on_ledger = {loan_id: -int(total) for loan_id, total in session.execute(
        select(JournalLine.loan_id, func.sum(JournalLine.amount))
        .where(JournalLine.account_id == fee_account.id, JournalLine.loan_id.is_not(None))
        .group_by(JournalLine.loan_id))}
    repaid = dict(session.execute(
        select(LoanRepayment.loan_id, func.sum(LoanRepayment.fee))
        .join(Loan, Loan.id == LoanRepayment.loan_id)
        .where(Loan.group_id == group.id, LoanRepayment.status == "posted")
        .group_by(LoanRepayment.loan_id)).all())
    problems = []
    for loan_id in sorted(set(on_ledger) | {i for i, v in repaid.items() if v}):
        loan = loans.get(loan_id)
        if loan is None:
            continue  # named by the loans-receivable check when it matters
        kept = loan.fee if loan.fee_timing == FEE_AT_PAYOUT and loan.disbursed_on \
            and loan.status != CANCELLED else 0
        expected = kept + int(repaid.get(loan_id) or 0)
        if on_ledger.get(loan_id, 0) != expected:
            problems.append(verify.Problem(
                N_("Group {group}: loan {number} has {ledger} of fees on the ledger but "
                   "{record} by its record."),
                {"group": group.name, "number": loan.number,
                 "ledger": on_ledger.get(loan_id, 0), "record": expected}, group.id))
    return problems

