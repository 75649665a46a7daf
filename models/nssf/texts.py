"""The NSSF capability's entry kinds (one name each) and the text of the entries it writes
itself (a batch's charge, its payment to the LSSO, an advance's interest), rendered in the
reader's language from the batch the entry names."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core.i18n import N_, _
from models.core.schema import JournalEntry
from models.nssf.schema import NssfBatch

KIND_DEPOSIT = "nssf_deposit"
KIND_FROM_SAVINGS = "nssf_from_savings"
KIND_WITHDRAWAL = "nssf_withdrawal"
KIND_PAID_OUT = "nssf_pot_paid_out"
KIND_GRANT = "nssf_grant"
KIND_CHARGE = "nssf_charge"
KIND_INTEREST = "nssf_advance_interest"
KIND_REMITTED = "nssf_remitted"
KIND_REPAYMENT = "nssf_advance_repayment"
KIND_SHARE_OUT_PAID = "nssf_share_out_paid"
KIND_SHARE_OUT_TOP_UP = "nssf_share_out_top_up"

KIND_NAMES = {
    KIND_DEPOSIT: N_("NSSF pot deposit"),
    KIND_FROM_SAVINGS: N_("Savings moved to the NSSF pot"),
    KIND_WITHDRAWAL: N_("NSSF pot withdrawal"),
    KIND_PAID_OUT: N_("NSSF pot paid out"),
    KIND_GRANT: N_("Grant to the NSSF subsidy fund"),
    KIND_CHARGE: N_("NSSF contributions for the month"),
    KIND_INTEREST: N_("Interest on an NSSF advance"),
    KIND_REMITTED: N_("NSSF contributions paid to the LSSO"),
    KIND_REPAYMENT: N_("NSSF advance repaid"),
    KIND_SHARE_OUT_PAID: N_("NSSF pot paid out at the share-out"),
    KIND_SHARE_OUT_TOP_UP: N_("Share-out payout put into the NSSF pot"),
}
SHARE_OUT_KINDS = (KIND_SHARE_OUT_PAID, KIND_SHARE_OUT_TOP_UP)
BATCH_KINDS = (KIND_CHARGE, KIND_INTEREST, KIND_REMITTED)


def batch_label(batch: NssfBatch) -> str:
    return _("Batch {number}, {month}").format(number=batch.number,
                                               month=batch.month.strftime("%m/%Y"))


def describe(session: Session, group_id: int, entries: Sequence[JournalEntry],
             member: Callable[[int], str]) -> dict[int, str]:
    mine = [e for e in entries if e.kind in BATCH_KINDS and e.remittance_id and not e.memo]
    if not mine:
        return {}
    batches = {b.id: b for b in session.scalars(select(NssfBatch).where(
        NssfBatch.id.in_({e.remittance_id for e in mine})))}
    texts = {}
    for e in mine:
        batch = batches.get(e.remittance_id)
        if batch is None:
            continue
        text = batch_label(batch)
        if e.kind == KIND_REMITTED and batch.lsso_receipt:
            text = _("{batch}: LSSO receipt {receipt}").format(batch=text,
                                                               receipt=batch.lsso_receipt)
        texts[e.id] = text
    return texts
