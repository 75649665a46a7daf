"""What verify proves about the NSSF money, and the entries that are never reversed.

The check ties the ledger to the batches: every entry that names a batch names one of
this group that was exported; each exported batch's charge moved exactly its lines' money
(per member out of her pot and onto her advances, out of the subsidy fund, onto the
payable); each confirmed batch's payment paid exactly its total; what is still payable to
the LSSO is the total of the exported batches not yet confirmed; no pot, advance or
subsidy fund is below zero; what each pot did at a share-out (paid out, topped up) is
exactly what the entries it names moved, and every such entry is named by one.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.core import chart, verify
from models.core.errors import UserError
from models.core.i18n import N_
from models.core.ledger import fmt_date
from models.core.money import currency, format_money
from models.core.schema import Group, JournalEntry, JournalLine, Member, User
from models.nssf import shareout
from models.nssf.batches import CONFIRMED, DRAFT, EXPORTED
from models.nssf.schema import NssfBatch, NssfBatchLine, NssfShareOutPot
from models.nssf.texts import (
    BATCH_KINDS,
    KIND_CHARGE,
    KIND_REMITTED,
    KIND_SHARE_OUT_PAID,
    KIND_SHARE_OUT_TOP_UP,
    SHARE_OUT_KINDS,
)
from models.savings.schema import ShareOut

KEYS = ("nssf_pot", "nssf_advances", "nssf_subsidy", "nssf_payable")


def verify_nssf(session: Session, group: Group) -> list[verify.Problem]:
    problems: list[verify.Problem] = []
    cur = currency(group.currency)

    def add(message: str, **params) -> None:
        problems.append(verify.Problem(message, {"group": group.name, **params}, group.id))

    accounts = {}
    for key in KEYS:
        found = chart.find_account(session, group.id, key)
        if found is not None:
            accounts[found.id] = key
    if not accounts:
        return problems
    per_member: dict[tuple[str, int | None], int] = defaultdict(int)
    for key_id, member_id, amount in session.execute(
            select(JournalLine.account_id, JournalLine.member_id, JournalLine.amount)
            .where(JournalLine.account_id.in_(list(accounts)))):
        per_member[(accounts[key_id], member_id)] += amount
    names: dict[int, str] = {}

    def name(member_id: int | None) -> str:
        if member_id is None:
            return "?"
        if member_id not in names:
            member = session.get(Member, member_id)
            names[member_id] = member.name_lao if member else str(member_id)
        return names[member_id]

    for (key, member_id), amount in sorted(per_member.items(), key=lambda i: (i[0][0],
                                                                             i[0][1] or 0)):
        if key == "nssf_pot" and -amount < 0:
            add(N_("Group {group}: {name}'s NSSF pot is below zero ({amount})."),
                name=name(member_id), amount=format_money(-amount, cur))
        elif key == "nssf_advances" and amount < 0:
            add(N_("Group {group}: {name}'s NSSF advances are below zero ({amount})."),
                name=name(member_id), amount=format_money(amount, cur))
    subsidy = -sum(v for (k, _m), v in per_member.items() if k == "nssf_subsidy")
    if subsidy < 0:
        add(N_("Group {group}: the NSSF subsidy fund is below zero ({amount})."),
            amount=format_money(subsidy, cur))

    batches = {b.id: b for b in session.scalars(select(NssfBatch).where(
        NssfBatch.group_id == group.id))}
    expected: dict[int, dict] = {}
    for line in session.scalars(select(NssfBatchLine).where(
            NssfBatchLine.batch_id.in_(list(batches) or [0]))):
        want = expected.setdefault(line.batch_id, defaultdict(int))
        want[("nssf_pot", line.member_id)] += line.from_pot
        want[("nssf_advances", line.member_id)] += line.from_advance
        want[("nssf_subsidy", None)] += line.from_subsidy
        want[("nssf_payable", None)] -= line.contribution
    moved: dict[tuple[int, str], dict] = {}
    seen_foreign = set()
    for seq, kind, batch_id, key_id, member_id, amount in session.execute(
            select(JournalEntry.seq, JournalEntry.kind, JournalEntry.remittance_id,
                   JournalLine.account_id, JournalLine.member_id, JournalLine.amount)
            .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
            .where(JournalEntry.group_id == group.id, JournalEntry.remittance_id.is_not(None))):
        batch = batches.get(batch_id)
        if batch is None or batch.status == DRAFT:
            if seq not in seen_foreign:
                seen_foreign.add(seq)
                add(N_("Group {group}: entry {seq} names an NSSF batch that is not an exported "
                       "batch of this group."), seq=seq)
            continue
        if kind in (KIND_CHARGE, KIND_REMITTED) and key_id in accounts:
            key = accounts[key_id]
            got = moved.setdefault((batch_id, kind), defaultdict(int))
            got[(key, member_id if key in ("nssf_pot", "nssf_advances") else None)] += amount
    payable_open = 0
    for batch in batches.values():
        if batch.status == DRAFT:
            continue
        want = {k: v for k, v in expected.get(batch.id, {}).items() if v}
        got = {k: v for k, v in moved.get((batch.id, KIND_CHARGE), {}).items() if v}
        if want != got:
            add(N_("Group {group}: the money of NSSF batch {number} in the ledger does not "
                   "match its lines."), number=batch.number)
        total = -want.get(("nssf_payable", None), 0)
        paid = moved.get((batch.id, KIND_REMITTED), {}).get(("nssf_payable", None), 0)
        if batch.status == CONFIRMED and paid != total:
            add(N_("Group {group}: NSSF batch {number} is confirmed but the ledger paid "
                   "{paid} of its {total}."), number=batch.number,
                paid=format_money(paid, cur), total=format_money(total, cur))
        if batch.status == EXPORTED:
            if paid:
                add(N_("Group {group}: NSSF batch {number} was paid but is not confirmed."),
                    number=batch.number)
            payable_open += total
    payable = -sum(v for (k, _m), v in per_member.items() if k == "nssf_payable")
    if payable != payable_open:
        add(N_("Group {group}: {payable} is owed to the LSSO in the ledger, but the exported "
               "batches not yet confirmed add up to {batches}."),
            payable=format_money(payable, cur), batches=format_money(payable_open, cur))
    for message, params in _share_out_problems(session, group.id):
        add(message, **params)
    return problems


def _share_out_problems(session: Session, group_id: int) -> list[tuple[str, dict]]:
    moves = shareout.pot_moves(session, group_id)
    named: set[int] = set()
    out: list[tuple[str, dict]] = []
    for row in session.scalars(select(NssfShareOutPot).where(
            NssfShareOutPot.group_id == group_id).order_by(NssfShareOutPot.id)):
        for entry_id, kind, want in ((row.paid_entry_id, KIND_SHARE_OUT_PAID, -row.paid_out),
                                     (row.top_up_entry_id, KIND_SHARE_OUT_TOP_UP,
                                      row.topped_up)):
            named.add(entry_id)
            got_kind, moved = moves.get(entry_id, (None, {})) if entry_id else (kind, {})
            if got_kind != kind or {m: v for m, v in moved.items() if v} != (
                    {row.member_id: want} if want else {}):
                member = session.get(Member, row.member_id)
                share_out = session.get(ShareOut, row.share_out_id)
                out.append((N_("Group {group}: what {name}'s NSSF pot did at a share-out on "
                               "{date} does not match the ledger."),
                            {"name": member.name_lao if member else str(row.member_id),
                             "date": fmt_date(share_out.share_out_date) if share_out else "?"}))
                break
    for entry_id in sorted(set(moves) - named):
        seq = session.get(JournalEntry, entry_id).seq
        out.append((N_("Group {group}: entry {seq} moves an NSSF pot at a share-out that "
                       "no share-out names."), {"seq": seq}))
    return out


def _refuse(session: Session, actor: User, entry: JournalEntry, reason: str,
            value_date: dt.date | None) -> JournalEntry:
    raise UserError(N_("An NSSF remittance is never reversed: make a correction batch for "
                       "its month."))


def _refuse_share_out(session: Session, actor: User, entry: JournalEntry, reason: str,
                      value_date: dt.date | None) -> JournalEntry:
    raise UserError(N_("Entry {seq} is part of a share-out, which cannot be reversed; correct "
                       "a member's payout with a new entry."), seq=entry.seq)


REVERSAL_RULES = {**{kind: _refuse for kind in BATCH_KINDS},
                  **{kind: _refuse_share_out for kind in SHARE_OUT_KINDS}}
