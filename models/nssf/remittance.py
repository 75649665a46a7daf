"""The monthly remittance run and its batches: draft → exported → confirmed.

``preview_run`` says, for a group and month, what each enrolled member owes (her late
months still in grace, the month, and the months she pays ahead), and where each month's
money comes from: her pot first; when it is short, the group's dated policy (an advance
from the loan fund up to the limit, the subsidy fund while it has money, or nothing: the
month is skipped and she is in grace). ``make_run`` keeps that as the month's draft (made
again at will); ``export_batch`` posts it — one entry debits the pots, advances and subsidy
fund and credits ``nssf_payable`` (plus, first, a month's interest on advances owed) — and
freezes it: the file's layout and language are stored, each format's bytes are hashed on
first writing, and every later export must give the same bytes. ``confirm_batch`` records
the LSSO's receipt and pays ``nssf_payable`` from cash or bank. A mistake in an exported
batch is never edited: ``make_correction`` makes a new batch naming it, whose lines are
the differences between what is due now and what was paid.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, i18n, ledger
from models.core.errors import (
    LedgerIntegrityError,
    UserError,
    ValidationError,
    check_text,
)
from models.core.groups import group_currency
from models.core.i18n import N_, gettext
from models.core.ledger import Line, fmt_date
from models.core.money import format_money, round_to_minor
from models.core.permissions import Permission, require
from models.core.schema import Group, Member, User
from models.meetings import cashbox
from models.nssf import pot
from models.nssf import scheme as scheme_mod
from models.nssf.batches import (
    BATCH_STATUS_NAMES,
    CONFIRMED,
    DRAFT,
    EXPORTED,
    BatchRow,
    RemittanceFile,
    batch_line_rows,
    batch_row,
    find_batch,
    remittance_file,
)
from models.nssf.enrolment import PAID_STATUSES
from models.nssf.run import (  # noqa: F401  (the run's rows, read through this module too)
    Costs,
    MonthDue,
    RunPreview,
    RunRow,
    _open_enrolments,
    _rounding,
    preview_run,
)
from models.nssf.schema import NssfBatch, NssfBatchLine, NssfEnrolment
from models.nssf.scheme import (
    FILE_FIELD_TITLES,
    SHORTAGE_ADVANCE,
    SHORTAGE_SUBSIDY,
    month_start,
)
from models.nssf.texts import KIND_CHARGE, KIND_INTEREST, KIND_REMITTED

FORMATS = ("csv", "xlsx")


def _money(session: Session, group_id: int, amount: int) -> str:
    return format_money(amount, group_currency(session, group_id))


def _paid(session: Session, enrolment_ids: list[int]) -> dict[tuple[int, dt.date], list[int]]:
    """(enrolment, month) -> [contribution, health, short-term, long-term] paid so far by
    exported and confirmed batches."""
    out: dict[tuple[int, dt.date], list[int]] = {}
    if not enrolment_ids:
        return out
    for row in session.execute(
            select(NssfBatchLine.enrolment_id, NssfBatchLine.period,
                   func.sum(NssfBatchLine.contribution), func.sum(NssfBatchLine.health),
                   func.sum(NssfBatchLine.short_term), func.sum(NssfBatchLine.long_term))
            .join(NssfBatch, NssfBatch.id == NssfBatchLine.batch_id)
            .where(NssfBatchLine.enrolment_id.in_(enrolment_ids),
                   NssfBatch.status.in_(PAID_STATUSES))
            .group_by(NssfBatchLine.enrolment_id, NssfBatchLine.period)):
        out[(row[0], row[1])] = [int(row[2]), int(row[3]), int(row[4]), int(row[5])]
    return out


def _next_number(session: Session, group_id: int) -> int:
    return (session.scalar(select(func.max(NssfBatch.number))
                           .where(NssfBatch.group_id == group_id)) or 0) + 1


def _line(session: Session, e: NssfEnrolment, name: str, period: dt.date, mode: str, *,
          contribution: int, from_pot: int, from_advance: int, from_subsidy: int,
          split: tuple[int, int, int], level: int, number: int) -> NssfBatchLine:
    return NssfBatchLine(enrolment_id=e.id, member_id=e.member_id, period=period,
                         ss_number=e.ss_number, name=name, level_number=number, level=level,
                         contribution=contribution, health=split[0], short_term=split[1],
                         long_term=split[2], from_pot=from_pot, from_advance=from_advance,
                         from_subsidy=from_subsidy)


def _new_batch(session: Session, actor: User, group_id: int, month: dt.date,
               corrects_id: int | None, note: str) -> NssfBatch:
    group = session.get(Group, group_id)
    s = scheme_mod.scheme(session, group_id, month)
    batch = NssfBatch(group_id=group_id, number=_next_number(session, group_id), month=month,
                      status=DRAFT, corrects_id=corrects_id, group_name=group.name,
                      provisional=s.provisional, note=note, created_by=actor.id,
                      created_at=clock.now())
    session.add(batch)
    session.flush()
    return batch


def _drop_drafts(session: Session, group_id: int, month: dt.date, corrects: bool) -> None:
    drafts = session.scalars(select(NssfBatch.id).where(
        NssfBatch.group_id == group_id, NssfBatch.month == month, NssfBatch.status == DRAFT,
        (NssfBatch.corrects_id.is_not(None)) if corrects else NssfBatch.corrects_id.is_(None)
    )).all()
    if drafts:
        session.execute(delete(NssfBatchLine).where(NssfBatchLine.batch_id.in_(drafts)))
        session.execute(delete(NssfBatch).where(NssfBatch.id.in_(drafts)))
        session.flush()


def make_run(session: Session, actor: User, *, group_id: int, month: dt.date,
             ahead: Mapping[int, int] | None = None, note: str = "") -> BatchRow:
    """Keep the month's run as a draft batch (a draft made before for the month is
    replaced). Refused when the month's batch was exported (make a correction), when the
    month has not come yet, or when nobody has anything to pay."""
    require(session, actor, Permission.RECORD, group_id)
    month = month_start(clock.check_date(month))
    note = check_text((note or "").strip())
    if month > month_start(clock.today()):
        raise UserError(N_("{month} has not come yet; months ahead are paid in this month's "
                           "run."), month=month.strftime("%m/%Y"))
    done = session.scalar(select(NssfBatch).where(
        NssfBatch.group_id == group_id, NssfBatch.month == month,
        NssfBatch.corrects_id.is_(None), NssfBatch.status.in_(PAID_STATUSES)))
    if done is not None:
        raise UserError(N_("Batch {number} for {month} is already exported; make a correction "
                           "batch instead."), number=done.number, month=month.strftime("%m/%Y"))
    preview = preview_run(session, actor, group_id=group_id, month=month, ahead=ahead)
    paying = [r for r in preview.rows if r.paid]
    if not paying:
        raise UserError(N_("Nothing to remit for {month}."), month=month.strftime("%m/%Y"))
    _drop_drafts(session, group_id, month, corrects=False)
    batch = _new_batch(session, actor, group_id, month, None, note)
    mode = _rounding(session, group_id)
    for row in paying:
        e = session.get(NssfEnrolment, row.enrolment_id)
        for due in row.months:
            if due.skipped:
                continue
            line = _line(session, e, row.name, due.period, mode,
                         contribution=due.contribution, from_pot=due.from_pot,
                         from_advance=due.from_advance, from_subsidy=due.from_subsidy,
                         split=due.split, level=due.level, number=due.level_number)
            line.batch_id = batch.id
            session.add(line)
    session.flush()
    audit.record(session, actor, "nssf.run", group_id=group_id, batch=batch.number,
                 month=month, total=preview.total)
    return batch_row(session, actor, batch.id)


def make_correction(session: Session, actor: User, *, batch_id: int, note: str) -> BatchRow:
    """A draft correcting an exported batch: for each member of its month (and each month
    it paid), what is due now less what was paid; more is funded as a run is (pot, then
    the policy), less goes back to her pot. ``note`` says what was wrong."""
    original = find_batch(session, batch_id)
    gid = original.group_id
    require(session, actor, Permission.RECORD, gid)
    note = check_text((note or "").strip())
    if original.status == DRAFT:
        raise UserError(N_("A draft is made again, not corrected."))
    if not note:
        raise UserError(N_("Say what the correction is for."))
    month = original.month
    mode = _rounding(session, gid)
    s = scheme_mod.scheme(session, gid, month)
    periods_by_enrolment: dict[int, set[dt.date]] = defaultdict(set)
    for line in session.scalars(select(NssfBatchLine).where(NssfBatchLine.batch_id.in_(
            select(NssfBatch.id).where(NssfBatch.group_id == gid, NssfBatch.month == month,
                                       NssfBatch.status.in_(PAID_STATUSES))))):
        periods_by_enrolment[line.enrolment_id].add(line.period)
    for e in _open_enrolments(session, gid, month):
        if e.contract_start <= month <= e.contract_end and (
                e.ended_on is None or month <= month_start(e.ended_on)):
            periods_by_enrolment[e.id].add(month)
    paid = _paid(session, list(periods_by_enrolment))
    costs = Costs(session, gid, list(periods_by_enrolment))
    lines = []
    for enrolment_id, periods in sorted(periods_by_enrolment.items()):
        e = session.get(NssfEnrolment, enrolment_id)
        member = session.get(Member, e.member_id)
        pot_left = pot.pot_balance(session, gid, member.id)
        for period in sorted(periods):
            level, number, total, split = costs(e, period)
            if e.ended_on is not None and period > month_start(e.ended_on):
                total, split = 0, (0, 0, 0)
            before = paid.get((e.id, period), [0, 0, 0, 0])
            diff = total - before[0]
            if diff == 0:
                continue
            from_pot = diff if diff < 0 else min(pot_left, diff)
            advance = subsidy = 0
            need = diff - from_pot
            if need > 0:
                if s.shortage == SHORTAGE_ADVANCE:
                    advance = need
                elif s.shortage == SHORTAGE_SUBSIDY and need <= pot.subsidy_balance(session, gid):
                    subsidy = need
                else:
                    continue
            pot_left -= from_pot
            lines.append(_line(session, e, member.name_lao, period, mode, contribution=diff,
                               from_pot=from_pot, from_advance=advance, from_subsidy=subsidy,
                               split=(split[0] - before[1], split[1] - before[2],
                                      split[2] - before[3]), level=level, number=number))
    if not lines:
        raise UserError(N_("Nothing differs from what batch {number} paid; there is nothing "
                           "to correct."), number=original.number)
    _drop_drafts(session, gid, month, corrects=True)
    batch = _new_batch(session, actor, gid, month, original.id, note)
    for line in lines:
        line.batch_id = batch.id
        session.add(line)
    session.flush()
    audit.record(session, actor, "nssf.correction", group_id=gid, batch=batch.number,
                 corrects=original.number, note=note)
    return batch_row(session, actor, batch.id)


def discard_draft(session: Session, actor: User, *, batch_id: int) -> None:
    batch = find_batch(session, batch_id)
    require(session, actor, Permission.RECORD, batch.group_id)
    if batch.status != DRAFT:
        raise UserError(N_("Batch {number} was exported; it is kept as it is."),
                        number=batch.number)
    session.execute(delete(NssfBatchLine).where(NssfBatchLine.batch_id == batch.id))
    session.delete(batch)
    session.flush()
    audit.record(session, actor, "nssf.discard", group_id=batch.group_id, batch=batch.number)


def _post_batch(session: Session, actor: User, batch: NssfBatch) -> None:
    gid = batch.group_id
    today = clock.today()
    lines = batch_line_rows(session, batch.id)
    per_member: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    subsidy = total = 0
    for line in lines:
        per_member[line.member_id][0] += line.from_pot
        per_member[line.member_id][1] += line.from_advance
        subsidy += line.from_subsidy
        total += line.contribution
    problems = []
    pots = ledger.member_balances(session, gid, "nssf_pot")
    for member_id, (from_pot, _adv) in per_member.items():
        held = pots.get(member_id, 0)
        if from_pot > held:
            member = session.get(Member, member_id)
            problems.append(UserError(
                N_("{name}'s pot holds {balance} now, less than the {amount} this draft takes "
                   "from it; make the run again."), name=member.name_lao,
                balance=_money(session, gid, held), amount=_money(session, gid, from_pot)))
    if subsidy > pot.subsidy_balance(session, gid):
        problems.append(UserError(N_("The subsidy fund holds less than this draft takes from "
                                     "it; make the run again.")))
    if batch.corrects_id is None:
        paid = _paid(session, sorted({line.enrolment_id for line in lines}))
        for line in lines:
            if paid.get((line.enrolment_id, line.period), [0])[0] > 0:
                problems.append(UserError(
                    N_("{name}'s {month} was paid by another batch since this draft was made; "
                       "make the run again."), name=line.name,
                    month=line.period.strftime("%m/%Y")))
    if problems:
        raise ValidationError(problems)
    s = scheme_mod.scheme(session, gid, batch.month)
    rate = s.advance_rate
    if batch.corrects_id is None and rate > 0:
        interest_lines = []
        for member_id, owed in sorted(ledger.member_balances(session, gid,
                                                             "nssf_advances").items()):
            interest = round_to_minor(owed * rate / 1200, 0, _rounding(session, gid)) \
                if owed > 0 else 0
            if interest > 0:
                interest_lines.append(Line("nssf_advances", interest, member_id=member_id))
        if interest_lines:
            ledger.post_entry(session, actor, group_id=gid, value_date=today, kind=KIND_INTEREST,
                              remittance_id=batch.id,
                              lines=interest_lines + [Line("interest_income", -sum(
                                  line.amount for line in interest_lines))])
    entry_lines = []
    for member_id, (from_pot, advance) in sorted(per_member.items()):
        if from_pot:
            entry_lines.append(Line("nssf_pot", from_pot, member_id=member_id))
        if advance:
            entry_lines.append(Line("nssf_advances", advance, member_id=member_id))
    if subsidy:
        entry_lines.append(Line("nssf_subsidy", subsidy))
    if total:
        entry_lines.append(Line("nssf_payable", -total))
    if len(entry_lines) >= 2:
        ledger.post_entry(session, actor, group_id=gid, value_date=today, kind=KIND_CHARGE,
                          remittance_id=batch.id, lines=entry_lines)


def _layout(s: scheme_mod.Scheme, language: str) -> list[list[str]]:
    return [[field, title or gettext(FILE_FIELD_TITLES[field], language)]
            for field, title in s.columns]


def export_batch(session: Session, actor: User, *, batch_id: int, fmt: str,
                 render: Callable[[RemittanceFile, str], bytes] | None,
                 language: str | None = None) -> bytes:
    """The batch's file in ``fmt`` (csv or xlsx), written by ``render`` (the reports'
    writer: models never write spreadsheets). A draft is exported first: its money is
    posted and it is frozen, in ``language`` (default: the messages'). An exported batch
    gives the same bytes every time; bytes that differ from the first export's mean its
    records were changed (``LedgerIntegrityError``). With ``render=None`` the batch is
    only exported (the demo's batches) and no bytes are made: the first file written later
    sets the bytes every later one must match."""
    batch = find_batch(session, batch_id)
    gid = batch.group_id
    if fmt not in FORMATS:
        raise UserError(N_("Choose csv or xlsx."))
    if batch.status == DRAFT:
        require(session, actor, Permission.RECORD, gid)
        _post_batch(session, actor, batch)
        language = language or i18n.current_language()
        batch.status = EXPORTED
        batch.exported_by = actor.id
        batch.exported_at = clock.now().replace(microsecond=0)
        batch.language = language
        batch.layout = _layout(scheme_mod.scheme(session, gid, batch.month), language)
        session.flush()
        audit.record(session, actor, "nssf.export", group_id=gid, batch=batch.number)
    else:
        require(session, actor, Permission.EXPORT, gid)
    if render is None:
        return b""
    data = remittance_file(session, actor, batch_id=batch.id)
    content = render(data, fmt)
    digest = hashlib.sha256(content).hexdigest()
    stored = getattr(batch, f"{fmt}_sha256")
    if stored is None:
        setattr(batch, f"{fmt}_sha256", digest)
        session.flush()
    elif stored != digest:
        raise LedgerIntegrityError(
            N_("Batch {number}'s file comes out different from the one first written on "
               "{date}: its records were changed. Run verify."),
            number=batch.number, date=fmt_date(batch.exported_at.date()))
    audit.record(session, actor, "nssf.file", group_id=gid, batch=batch.number, format=fmt,
                 sha256=digest)
    return content


def confirm_batch(session: Session, actor: User, *, batch_id: int, receipt: str,
                  paid_on: dt.date, paid_from: str = "cash") -> BatchRow:
    """The LSSO received the batch: its receipt number and the day it was paid; the money
    leaves the cash box (or the bank). A correction that gives money back brings it in."""
    batch = find_batch(session, batch_id)
    gid = batch.group_id
    require(session, actor, Permission.RECORD, gid)
    receipt = check_text((receipt or "").strip())
    problems = []
    if batch.status != EXPORTED:
        problems.append(UserError(N_("Only an exported batch can be confirmed (batch {number} "
                                     "is {status})."), number=batch.number,
                                  status=gettext(BATCH_STATUS_NAMES[batch.status])))
    if not receipt:
        problems.append(UserError(N_("Enter the LSSO's receipt number.")))
    elif len(receipt) > 60:
        problems.append(UserError(N_("The receipt number is too long (at most 60 characters).")))
    clock.check_date(paid_on)
    if paid_on > clock.today() or (batch.exported_at and paid_on < batch.exported_at.date()):
        problems.append(UserError(N_("The day paid must be between the export and today.")))
    if paid_from not in pot.PAY_ACCOUNTS:
        problems.append(UserError(N_("Money is paid from the cash box or the bank.")))
    total = sum(line.contribution for line in batch_line_rows(session, batch.id))
    if not problems and total > 0 and (short := cashbox.shortfall(session, gid, paid_from,
                                                                  total)):
        problems.append(short)
    if problems:
        raise ValidationError(problems)
    if total:
        ledger.post_entry(session, actor, group_id=gid, value_date=paid_on, kind=KIND_REMITTED,
                          remittance_id=batch.id, lines=[Line("nssf_payable", total),
                                                         Line(paid_from, -total)])
    batch.status = CONFIRMED
    batch.lsso_receipt = receipt
    batch.paid_on = paid_on
    batch.paid_from = paid_from
    batch.confirmed_by = actor.id
    batch.confirmed_at = clock.now()
    session.flush()
    audit.record(session, actor, "nssf.confirm", group_id=gid, batch=batch.number,
                 receipt=receipt, total=total)
    return batch_row(session, actor, batch.id)


