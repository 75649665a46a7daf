"""The loans' entry kinds: their one name each, and their program-written memos as read now.

Besides its own kinds' memos, a loan writes reasons on reversals nobody typed: a
repayment reversed replays the later ones ("Repayment allocated again: loan 4, ນາງ ...")
and decides their penalties again. Those reasons are stored in the language of whoever
reversed; ``reason_text`` reads them back in today's language (the journal, through
``describe``, and the loan's history)."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.entry_text import written_as
from models.core.i18n import N_, _
from models.core.schema import JournalEntry
from models.loans.schema import Loan, LoanPenalty

KIND_NAMES = {
    "loan_disbursement": N_("Loan paid out"),
    "loan_repayment": N_("Loan repayment"),
    "loan_penalty": N_("Late penalty"),
    "loan_write_off": N_("Loan written off"),
}

# The reasons the program writes on a loan's reversals (models.loans.lifecycle._memo
# wraps them in LOAN_MEMO), in the words the lifecycle and the arrears use.
LOAN_MEMO = N_("{text}: loan {number}, {member}")
REASONS = (
    N_("Repayment allocated again"),
    N_("Repayments entered or reversed later: the penalty on installment {n} is decided "
       "again"),
)


@functools.cache
def _reason_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per reason and per language it may have been written in (the outer
    text and the reason are always in the same language: both come from one ``_``)."""
    patterns = []
    for reason in REASONS:
        for outer in written_as(LOAN_MEMO):
            for inner in written_as(reason):
                text = re.escape(inner).replace(re.escape("{n}"), r"(?P<n>\d+)")
                pattern = re.escape(outer).replace(re.escape("{text}"), text)
                pattern = pattern.replace(re.escape("{number}"), r"(?P<number>\d+)")
                pattern = pattern.replace(re.escape("{member}"), r"(?P<member>.+)")
                patterns.append((reason, re.compile(pattern, re.DOTALL)))
    return tuple(patterns)


def reason_text(memo: str) -> str:
    """A reason the program wrote on a loan's reversal, in today's language; anything else
    (a reason somebody typed) as it was written."""
    for reason, pattern in _reason_patterns():
        found = pattern.fullmatch(memo or "")
        if found:
            params = found.groupdict()
            text = _(reason).format(n=params["n"]) if params.get("n") else _(reason)
            return _(LOAN_MEMO).format(text=text, number=params["number"],
                                       member=params["member"])
    return memo


def describe(session: Session, group_id: int, entries: Sequence[JournalEntry],
             member: Callable[[int], str]) -> dict[int, str]:
    texts: dict[int, str] = {}
    for e in entries:
        if e.kind == "reversal" and e.loan_id and (shown := reason_text(e.memo)) != e.memo:
            texts[e.id] = shown
    mine = [e for e in entries if e.kind in KIND_NAMES and e.loan_id]
    if not mine:
        return texts
    loans = {loan.id: loan for loan in session.scalars(
        select(Loan).where(Loan.id.in_({e.loan_id for e in mine})))}
    penalties = {p.entry_id: p.n for p in session.scalars(select(LoanPenalty).where(
        LoanPenalty.entry_id.in_([e.id for e in mine if e.kind == "loan_penalty"])))}
    for e in mine:
        loan = loans.get(e.loan_id)
        if loan is None:
            continue
        if e.kind == "loan_penalty" and e.id in penalties:
            texts[e.id] = _("Installment {n} of loan {number}, {member}").format(
                n=penalties[e.id], number=loan.number, member=member(loan.member_id))
        else:
            texts[e.id] = _("Loan {number}, {member}").format(number=loan.number,
                                                              member=member(loan.member_id))
    return texts
