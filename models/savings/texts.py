"""The savings' entry kinds: their one name each, and the fines and share-out memos as read
now (in the reader's language, whatever language they were stored in)."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from models.core.entry_text import numbered_memo, written_as
from models.core.i18n import N_, gettext
from models.core.schema import JournalEntry

KIND_NAMES = {
    "savings_deposit": N_("Savings deposit"),
    "savings_withdrawal": N_("Savings withdrawal"),
    "exit_settlement": N_("Settlement on leaving"),
    "fine": N_("Fine"),
    "fine_payment": N_("Fine paid"),
    "share_out": N_("Share-out"),
    "share_out_reinvest": N_("Share-out re-invested"),
    "share_out_payment": N_("Share-out paid"),
}
MEETING_FINES = N_("Fines for lateness and absence")
SHARE_OUT_MEMO = N_("Share-out of cycle {number}")
SHARE_OUT_KINDS = ("share_out", "share_out_reinvest", "share_out_payment")


def describe(session: Session, group_id: int, entries: Sequence[JournalEntry],
             member: Callable[[int], str]) -> dict[int, str]:
    texts: dict[int, str] = {}
    fines = written_as(MEETING_FINES)
    for e in entries:
        if e.kind == "fine" and e.memo in fines:
            texts[e.id] = gettext(MEETING_FINES)
        elif e.kind in SHARE_OUT_KINDS and (number := numbered_memo(SHARE_OUT_MEMO, e.memo)):
            texts[e.id] = gettext(SHARE_OUT_MEMO).format(number=number)
    return texts
