"""The NSSF screen's batch steps: the remittance file saved as CSV or Excel (exporting a
draft posts its money and freezes it), the summary the leader signs, the LSSO's receipt
typed in (confirmed), a correction batch, and a grant into the subsidy fund."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from desktop.nssf_dialogs import NSSF_TOPICS, month_text
from desktop.savings_dialogs import INTO_NAMES
from desktop.widgets import (
    ChoiceBox,
    DateField,
    FormDialog,
    heading,
    mark_data,
    read_date,
    read_money,
)
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import N_, _
from models.core.money import format_money
from models.nssf import pot, remittance
from models.nssf.batches import BatchRow
from reports import nssf_summary_pdf


def batch_title(batch: BatchRow) -> str:
    return _("Batch {number} for {month}").format(number=batch.number,
                                                  month=month_text(batch.month))


def file_name(batch: BatchRow, fmt: str) -> str:
    return f"nssf-{batch.month:%Y-%m}-batch-{batch.number}.{fmt}"


def save_file(parent: QWidget | None, ctx: ScreenContext, batch: BatchRow,
              fmt: str) -> Path | None:
    """The batch's remittance file as CSV or Excel, through the one save flow. A draft is
    exported by it: its money is posted and the batch frozen, in the same transaction as
    the file is written, so a cancelled or failed save changes nothing."""
    from reports.nssf_file import export_remittance, write_file

    batch_id = batch.id

    def write(session, actor, path: Path) -> None:  # noqa: ANN001
        write_file(export_remittance(session, actor, batch_id=batch_id, fmt=fmt), path)

    what = _("the remittance file") if fmt == "csv" else _("the remittance workbook")
    saved = save_document(parent, ctx, [Paper(file_name(batch, fmt), write)], what=what,
                          printable=False, topics=tuple(NSSF_TOPICS),
                          saved=_("The remittance file was saved to {path}."))
    return saved[0] if saved else None


def print_summary(parent: QWidget | None, ctx: ScreenContext, batch: BatchRow) -> Path | None:
    """The A4 summary the leader signs, printed or saved as a PDF."""
    batch_id = batch.id

    def write(session, actor, path: Path) -> None:  # noqa: ANN001
        nssf_summary_pdf.write_summary(
            nssf_summary_pdf.summary(session, actor, batch_id=batch_id), path)

    saved = save_document(parent, ctx, [Paper(file_name(batch, "pdf"), write)],
                          what=_("the summary to sign"),
                          saved=_("The summary was saved to {path}."))
    return saved[0] if saved else None


def _batch_heading(ctx: ScreenContext, batch: BatchRow) -> QLabel:
    total = format_money(batch.total, ctx.currency())
    return mark_data(heading(f"{batch_title(batch)} · {total}"))


class ConfirmBatchDialog(FormDialog):
    """The LSSO has the money: its receipt number and the day it was paid; the money
    leaves the cash box or the bank. ``ask(parent, ctx, batch)`` gives the confirmed
    batch."""

    def __init__(self, ctx: ScreenContext, batch: BatchRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.batch = batch
        self.body.insertWidget(0, _batch_heading(ctx, batch))
        self.receipt = mark_data(QLineEdit())
        self.paid_on = DateField(clock.today())
        self.paid_from = ChoiceBox(INTO_NAMES, pot.PAY_ACCOUNTS)
        self.add_row(N_("LSSO receipt number"), self.receipt)
        self.add_row(N_("Day paid"), self.paid_on)
        self.add_row(N_("Paid from"), self.paid_from)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("The LSSO's receipt"))
        self.save_button.setText(_("Confirm batch"))
        self.paid_from.retranslate()

    def save(self) -> bool:
        problems: list[UserError] = []
        paid_on = read_date(self.paid_on, problems)
        if self.refuse(problems):
            return False
        batch_id, receipt, paid_from = self.batch.id, self.receipt.text(), \
            self.paid_from.currentData()
        return self.submit(
            self.ctx, lambda s, actor: remittance.confirm_batch(
                s, actor, batch_id=batch_id, receipt=receipt, paid_on=paid_on,
                paid_from=paid_from),
            changed=NSSF_TOPICS,
            message=lambda row: _("Batch {number} is confirmed with the LSSO's receipt "
                                  "{receipt}.").format(number=row.number,
                                                       receipt=row.lsso_receipt))


class CorrectionDialog(FormDialog):
    """A new batch correcting an exported one: what is due now less what was paid. The
    exported batch itself is never changed."""

    def __init__(self, ctx: ScreenContext, batch: BatchRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.batch = batch
        self.body.insertWidget(0, _batch_heading(ctx, batch))
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.body.insertWidget(1, self.explain)
        self.note = mark_data(QLineEdit())
        self.add_row(N_("What was wrong"), self.note)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Correct a batch"))
        self.save_button.setText(_("Make correction batch"))
        self.explain.setText(_("Batch {number} stays as it was sent. The correction is a new "
                               "batch with only the differences: more to pay is taken like a "
                               "run; money paid too much goes back to her pot.").format(
            number=self.batch.number))
        self.note.setPlaceholderText(_("for example: wrong level for member 5"))

    def save(self) -> bool:
        batch_id, note = self.batch.id, self.note.text()
        return self.submit(
            self.ctx, lambda s, actor: remittance.make_correction(s, actor, batch_id=batch_id,
                                                                  note=note),
            changed=NSSF_TOPICS,
            message=lambda row: _("Batch {number} corrects batch {corrects}; export it to "
                                  "send it.").format(number=row.number,
                                                     corrects=row.corrects_number))


class GrantDialog(FormDialog):
    """A grant received into the subsidy fund, with who gave it."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.amount = mark_data(QLineEdit())
        self.donor = mark_data(QLineEdit())
        self.on = DateField(clock.today())
        self.into = ChoiceBox(INTO_NAMES, pot.PAY_ACCOUNTS)
        self.add_row(N_("Amount"), self.amount)
        self.add_row(N_("Given by"), self.donor)
        self.add_row(N_("Date"), self.on)
        self.add_row(N_("Paid into"), self.into)
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Grant to the subsidy fund"))
        self.save_button.setText(_("Record grant"))
        self.donor.setPlaceholderText(_("for example the village fund"))
        self.into.retranslate()

    def save(self) -> bool:
        problems: list[UserError] = []
        amount = read_money(self.amount.text(), self.ctx, problems)
        on = read_date(self.on, problems)
        if self.refuse(problems):
            return False
        gid, donor, into = self.ctx.group_id, self.donor.text(), self.into.currentData()
        return self.submit(
            self.ctx, lambda s, actor: pot.record_grant(s, actor, group_id=gid, amount=amount,
                                                        donor=donor, on=on, paid_to=into),
            changed=NSSF_TOPICS,
            message=lambda seq: _("The grant was recorded as entry {seq}.").format(seq=seq))
