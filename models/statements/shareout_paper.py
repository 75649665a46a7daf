"""The share-out statement as rows: the stored share-out (``models.savings.shareout_records``), the
cycle it closed and the group it belongs to, for ``reports/shareout_pdf.py`` to print."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.core import clock
from models.core.errors import NotFound
from models.core.groups import get_group
from models.core.i18n import N_
from models.core.money import Currency, currency
from models.core.schema import User
from models.savings import shareout_records
from models.savings.rules import SHARES, list_cycles
from models.savings.shareout_records import ShareOutRecord


@dataclass(frozen=True)
class ShareOutStatement:
    """What the statement shows: the stored share-out and the group it belongs to.
    ``cycle_start`` is the day the shared-out cycle began; ``in_shares`` whether that cycle
    counted savings in shares (otherwise members saved free amounts and the shares column
    is left out)."""

    record: ShareOutRecord
    group_name: str
    village: str
    currency: Currency
    cycle_start: dt.date | None
    in_shares: bool
    printed_at: dt.datetime
    printed_by: str
    ledger_seal: str  # the group's chain head when printed (shown through format_seal)
    is_demo: bool = False


def shareout_statement(session: Session, actor: User, *, group_id: int,
                       share_out_id: int) -> ShareOutStatement:
    """The statement of a posted share-out of ``group_id`` (read permission needed)."""
    record = next((r for r in shareout_records.share_outs(session, actor, group_id)
                   if r.id == share_out_id), None)
    if record is None:
        raise NotFound(N_("No such share-out."))
    cycle = next((c for c in list_cycles(session, actor, group_id)
                  if c.number == record.cycle_number), None)
    group = get_group(session, group_id)
    return ShareOutStatement(
        record, group.name, group.village or "", currency(group.currency),
        cycle.start_date if cycle else None, cycle is None or cycle.mode == SHARES,
        clock.now(), actor.display_name, group.head_hash or "", group.is_demo)
