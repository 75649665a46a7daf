"""How journal entry kinds read (the kinds the capabilities post), for screens and reports.

A kind missing here shows as its code; a capability may add its own:
``KIND_NAMES["x"] = N_("...")``.
"""
from __future__ import annotations

from models.i18n import N_, gettext

KIND_NAMES: dict[str, str] = {
    "reversal": N_("Reversal"),
    "opening_balance": N_("Opening balance"),
    "savings_deposit": N_("Savings deposit"),
    "savings_withdrawal": N_("Savings withdrawal"),
    "exit_settlement": N_("Settlement on leaving"),
    "fine": N_("Fine"),
    "fine_payment": N_("Fine paid"),
    "loan_disbursement": N_("Loan paid out"),
    "loan_repayment": N_("Loan repayment"),
    "loan_penalty": N_("Late penalty"),
    "loan_write_off": N_("Loan written off"),
    "welfare_contribution": N_("Welfare contribution"),
    "welfare_joining_fee": N_("Welfare joining fee"),
    "welfare_payout": N_("Welfare benefit paid"),
    "welfare_owed_payment": N_("Welfare benefit owed, paid"),
    "share_out": N_("Share-out"),
    "share_out_reinvest": N_("Share-out re-invested"),
    "share_out_payment": N_("Share-out paid"),
    "cash_count": N_("Cash count"),
    "cash_transfer": N_("Cash moved to or from the bank"),
    "expense": N_("Group expense"),
}


def kind_text(kind: str, language: str | None = None) -> str:
    name = KIND_NAMES.get(kind)
    return gettext(name, language) if name else kind.replace("_", " ")
