"""How journal entries read: one name per entry kind (every screen and paper takes it from
here), and the text of the entries the program writes itself, rendered at reading time
in the reader's language from the entry's kind, its links and its lines.

Stored memos are history and are never rewritten. A memo the program wrote (a loan's
"Loan paid out: loan 4, ນາງ ..." in the language of whoever posted it) is shown instead
as ``describe`` renders it now; a memo a person typed (a reason, a note) is shown as typed.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import chart, ledger
from models.i18n import N_, _, gettext, load_catalog
from models.ledger import EntryRow
from models.money import currency, format_money
from models.schema import Account, Group, JournalEntry, JournalLine, Member, User
from models.schema_loans import Loan, LoanPenalty
from models.schema_welfare import WelfareClaim

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

# Fixed memos the program has written, recognised in any language they were stored in.
MEETING_FINES = N_("Fines for lateness and absence")
SHARE_OUT_MEMO = N_("Share-out of cycle {number}")
LOAN_KINDS = ("loan_disbursement", "loan_repayment", "loan_penalty", "loan_write_off")
CLAIM_KINDS = ("welfare_payout", "welfare_owed_payment")
SHARE_OUT_KINDS = ("share_out", "share_out_reinvest", "share_out_payment")


def kind_name(kind: str, language: str | None = None) -> str:
    """The kind's one name, translated (a kind nobody named shows as its code); in
    ``language`` when given (a workbook in another language than the screen's)."""
    name = KIND_NAMES.get(kind)
    return gettext(name, language) if name else kind.replace("_", " ")


@functools.cache
def _written_as(text: str) -> frozenset[str]:
    """``text`` as the program may have stored it: in English or in any catalog's words."""
    forms = {text}
    lao = load_catalog("lo").get(text)
    if lao:
        forms.add(lao)
    return frozenset(forms)


def _is_share_out_memo(memo: str) -> bool:
    patterns = [re.escape(form).replace(re.escape("{number}"), r"\d+")
                for form in _written_as(SHARE_OUT_MEMO)]
    return any(re.fullmatch(p, memo) for p in patterns)


def journal_entries(session: Session, actor: User, group_id: int, *, limit: int = 200,
                    offset: int = 0) -> list[EntryRow]:
    """``ledger.entries`` with every memo the program wrote rendered in today's language."""
    rows = ledger.entries(session, actor, group_id, limit=limit, offset=offset)
    texts = describe(session, group_id, [r.id for r in rows])
    return [replace(r, memo=texts[r.id]) if r.id in texts else r for r in rows]


def describe(session: Session, group_id: int, entry_ids: Sequence[int]) -> dict[int, str]:
    """The text to show for each entry the program wrote, by entry id (entries whose memo
    a person typed are left out: show their memo)."""
    if not entry_ids:
        return {}
    entries = list(session.scalars(select(JournalEntry).where(JournalEntry.id.in_(entry_ids))))
    cur = currency(session.get(Group, group_id).currency)
    names: dict[int, str] = {}

    def member(member_id: int) -> str:
        if member_id not in names:
            names[member_id] = session.get(Member, member_id).name_lao
        return names[member_id]

    loans = {loan.id: loan for loan in session.scalars(select(Loan).where(Loan.id.in_(
        {e.loan_id for e in entries if e.kind in LOAN_KINDS and e.loan_id})))}
    penalties = {p.entry_id: p.n for p in session.scalars(select(LoanPenalty).where(
        LoanPenalty.entry_id.in_([e.id for e in entries if e.kind == "loan_penalty"])))}
    claims = {c.id: c for c in session.scalars(select(WelfareClaim).where(WelfareClaim.id.in_(
        {e.claim_id for e in entries if e.kind in CLAIM_KINDS and e.claim_id})))}
    claim_lines = _claim_lines(session, group_id,
                               [e.id for e in entries if e.kind == "welfare_payout"])
    fines = _written_as(MEETING_FINES)
    texts: dict[int, str] = {}
    for e in entries:
        if e.kind in LOAN_KINDS and e.loan_id in loans:
            loan = loans[e.loan_id]
            text = _("Loan {number}, {member}").format(number=loan.number,
                                                       member=member(loan.member_id))
            if e.kind == "loan_penalty" and e.id in penalties:
                text = _("Installment {n} of loan {number}, {member}").format(
                    n=penalties[e.id], number=loan.number, member=member(loan.member_id))
            texts[e.id] = text
        elif e.kind in CLAIM_KINDS and e.claim_id in claims:
            claim = claims[e.claim_id]
            text = _("Claim {number}, {member}").format(number=claim.number,
                                                        member=member(claim.member_id))
            granted, paid, owed = claim_lines.get(e.id, (0, 0, 0))
            if e.kind == "welfare_payout" and owed:
                text = _("{claim}: {granted} granted, {paid} paid, {owed} still owed").format(
                    claim=text, granted=format_money(granted, cur),
                    paid=format_money(paid, cur), owed=format_money(owed, cur))
            texts[e.id] = text
        elif e.kind == "fine" and e.memo in fines:
            texts[e.id] = gettext(MEETING_FINES)
        elif e.kind in SHARE_OUT_KINDS and _is_share_out_memo(e.memo):
            number = re.search(r"\d+", e.memo).group()
            texts[e.id] = gettext(SHARE_OUT_MEMO).format(number=number)
    return texts


def _claim_lines(session: Session, group_id: int,
                 entry_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(granted, paid in money, left owed) of each welfare payout entry."""
    if not entry_ids:
        return {}
    keys = {chart.account_id(session, group_id, key): key
            for key in ("welfare_payouts", "welfare_claims_payable", "cash", "bank")}
    out: dict[int, list[int]] = {}
    for entry_id, account_id, amount in session.execute(
            select(JournalLine.entry_id, JournalLine.account_id, JournalLine.amount)
            .join(Account, Account.id == JournalLine.account_id)
            .where(JournalLine.entry_id.in_(entry_ids), JournalLine.account_id.in_(keys))):
        granted, paid, owed = out.setdefault(entry_id, [0, 0, 0])
        key = keys[account_id]
        if key == "welfare_payouts":
            granted += amount
        elif key == "welfare_claims_payable":
            owed -= amount
        else:
            paid -= amount
        out[entry_id] = [granted, paid, owed]
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}
