"""The loans' check in ``kongthun verify``: each loan's receivable on the ledger equals its
own record, fee income matches what its payout kept and its repayments paid, and every
receivable line names an existing loan of the member it names."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import chart, verify
from models.core.i18n import N_
from models.core.schema import Account, Group, JournalLine
from models.loans.policy import FEE_AT_PAYOUT
from models.loans.schema import Loan, LoanRepayment
from models.loans.statuses import CANCELLED


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
