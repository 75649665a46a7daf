"""The words of a loan's life: the entry kinds it posts, the statuses a loan, a request and
an installment go through, the history's event names, and where money comes from."""
from __future__ import annotations

from models.core.i18n import N_

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
