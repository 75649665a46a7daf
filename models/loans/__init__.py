"""Loans: the dated loan rules, schedules (flat or declining, as Fineract computes them),
application to payout, repayments and their allocation, penalties and arrears, receipts,
and loans brought over from paper.

A microloan goes: application → policy check → approval → disbursement → repayments →
closed, with rescheduling and write-off decided by a leader, and corrections by reversal and replay.

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
  principal by default). A repayment equal to the payoff quote closes the loan;
  declining-balance loans get their interest recomputed to the day. Recording a
  backdated repayment, reversing one, or charging a penalty allocates every repayment
  again; each whose allocation changes has its posting reversed and a new one made (dated
  the day of the correction), so posted entries are never edited.
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

The modules, lower ones first (each imports only those above it): ``schema``, ``policy``,
``due_dates`` and ``schedule`` (pure), ``allocation`` (pure), ``statuses``, ``common``,
``rows``, ``state``; then the services ``application``, ``payout``, ``replay``,
``penalties``, ``repayments``, ``reversals``, ``requests``, ``opening``; the reads
``queries``, ``schedule_sheet``, ``arrears``, ``receipts``; and what the capability plugs in:
``checks`` (verify), ``meeting`` (the grid's column, the debt source) and ``texts``.
"""
from models.core.capability import Capability, tables_in
from models.core.i18n import N_
from models.core.permissions import Permission
from models.loans import checks, meeting, policy, reversals, schema, texts

CAPABILITY = Capability(
    name="loans",
    title=N_("Loans"),
    tables=tables_in(schema),
    needs=("meetings", "savings"),
    entry_kinds=texts.KIND_NAMES,
    describe_entries=texts.describe,
    settings=policy.SETTINGS,
    checks=(checks.verify_loans,),
    reversal_rules=reversals.REVERSAL_RULES,
    permissions=(Permission.READ, Permission.RECORD, Permission.APPROVE,
                 Permission.CHANGE_SETTINGS),
    meeting_columns=(meeting.REPAYMENT_COLUMN,),
    debt_sources=(meeting.LOAN_DEBTS,),
    demo=("models.demo.activity_loans",),
    cli=("loan-schedule",),
)
