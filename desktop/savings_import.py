"""Bringing an existing group in from its paper books: save the Excel template, fill it in,
choose it; every problem of every row is listed at once, and nothing is saved until all
rows are right; then the members and their balances come in as one opening entry."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop import errors
from desktop.context import ScreenContext
from desktop.documents import Paper, choose_file, save_document
from desktop.widgets.labels import date_text, mark_data
from desktop.widgets.layout import FittedDialog
from desktop.widgets.tables import Column, RowTableModel, TableView
from models.core import clock, groups, members
from models.core.errors import UserError
from models.core.i18n import N_, _, gettext
from models.opening.balances import (
    OpeningData,
    OpeningPreview,
    RowProblem,
    import_opening,
    preview_opening,
)
from reports.opening_template import read_template, write_template

TEMPLATE_NAME = "opening-balances.xlsx"


@dataclass(frozen=True)
class ProblemRow:
    sheet: str
    row: int | None
    text: str


def problem_rows(preview: OpeningPreview) -> list[ProblemRow]:
    rows = []
    for problem in preview.problems:
        if isinstance(problem, RowProblem):
            rows.append(ProblemRow(gettext(problem.sheet), problem.row, str(problem.problem)))
        else:
            rows.append(ProblemRow("", None, str(problem)))
    return rows


class OpeningImportDialog(FittedDialog):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: OpeningData | None = None
        self.preview: OpeningPreview | None = None
        self.imported: OpeningPreview | None = None
        self.resize(980, 720)
        layout = QVBoxLayout(self)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        steps = QHBoxLayout()
        self.template_button = QPushButton()
        self.choose_button = QPushButton()
        steps.addWidget(self.template_button)
        steps.addWidget(self.choose_button)
        steps.addStretch(1)
        layout.addLayout(steps)
        self.file_label = mark_data(QLabel())
        layout.addWidget(self.file_label)
        self.figures = mark_data(QLabel())
        self.figures.setWordWrap(True)
        layout.addWidget(self.figures)
        self.tabs = QTabWidget()
        self.problems_model = RowTableModel([
            Column(N_("Sheet"), lambda p: p.sheet),
            Column(N_("Row"), lambda p: "" if p.row is None else p.row, right=True),
            Column(N_("Problem"), lambda p: p.text, tip=True),
        ], self)
        self.members_model = RowTableModel([
            Column(N_("Number"), lambda m: m.number, right=True),
            Column(N_("Name"), lambda m: m.name_lao),
            Column(N_("Already in the group"), lambda m: _("Yes") if m.existing_id else ""),
            Column(N_("Savings"), lambda m: self.ctx.money(m.savings), right=True),
            Column(N_("Unpaid fines"), lambda m: self.ctx.money(m.fines_owed) if m.fines_owed
                   else "", right=True),
        ], self)
        self.tabs.addTab(TableView(self.problems_model), "")
        self.tabs.addTab(TableView(self.members_model), "")
        layout.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.close_button = QPushButton()
        self.import_button = QPushButton()
        self.import_button.setObjectName("primaryButton")
        self.import_button.setEnabled(False)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.import_button)
        layout.addLayout(buttons)
        self.template_button.clicked.connect(self.save_template)
        self.choose_button.clicked.connect(self.choose)
        self.import_button.clicked.connect(self.bring_in)
        self.close_button.clicked.connect(self.reject)
        self.retranslate()


    # -- the template -------------------------------------------------------------------
    def save_template(self) -> Path | None:
        gid, cur = self.ctx.group_id, self.ctx.currency()

        def write(s, actor, path: Path) -> None:  # noqa: ANN001
            write_template(path, group_name=groups.get_group(s, gid).name,
                           currency_exponent=cur.exponent, as_of=clock.today(),
                           members=members.list_members(s, actor, gid, include_inactive=False))

        saved = save_document(self, self.ctx, [Paper(TEMPLATE_NAME, write)],
                              what=_("the template"), printable=False,
                              saved=_("The template was saved to {path}."))
        return saved[0] if saved else None

    # -- choosing and checking ----------------------------------------------------------
    def choose(self) -> OpeningPreview | None:
        path = choose_file(self, _("Choose the filled-in template"), _("Excel files (*.xlsx)"))
        return self.load(Path(path)) if path else None

    def load(self, path: Path) -> OpeningPreview | None:
        """Read a filled-in template and check every row; nothing is saved."""
        self.data, self.preview = None, None
        self.import_button.setEnabled(False)
        self.file_label.setText(str(path))
        gid = self.ctx.group_id
        try:
            data = read_template(path)
            preview = self.ctx.read(lambda s, a: preview_opening(s, a, group_id=gid, data=data))
        except UserError as error:
            errors.show_error(self, error)
            return None
        self.data, self.preview = data, preview
        self._show()
        return preview

    def _show(self) -> None:
        p = self.preview
        if p is None:
            return
        self.problems_model.set_rows(problem_rows(p))
        self.members_model.set_rows(p.members)
        lines = [_("Balances on {date}: cash {cash} · bank {bank} · welfare fund {welfare}")
                 .format(date=date_text(p.as_of) if p.as_of else "?", cash=self.ctx.money(p.cash),
                         bank=self.ctx.money(p.bank), welfare=self.ctx.money(p.welfare_fund)),
                 _("{count} members · savings {savings} · unpaid fines {fines} · loans still "
                   "owed {loans}").format(count=len(p.members),
                                          savings=self.ctx.money(p.total_savings),
                                          fines=self.ctx.money(p.total_fines),
                                          loans=self.ctx.money(p.total_loans)),
                 _("The loan fund's earnings so far: {amount}").format(
                     amount=self.ctx.money(p.loan_fund_earnings))]
        if p.problems:
            lines.append(_("{count} problems: correct them in the file and choose it again. "
                           "Nothing is saved until every row is right.").format(
                count=len(p.problems)))
            self.tabs.setCurrentIndex(0)
        else:
            lines.append(_("Every row is right."))
            self.tabs.setCurrentIndex(1)
        self.figures.setText("\n".join(lines))
        self.import_button.setEnabled(not p.problems)

    # -- importing ----------------------------------------------------------------------
    def bring_in(self) -> bool:
        if self.data is None or self.preview is None or self.preview.problems:
            return False
        p = self.preview
        text = _("Bring in {count} members and the balances of {date}? Everything comes in "
                 "as one opening entry.").format(count=len(p.members),
                                                 date=date_text(p.as_of))
        if not errors.confirm(self, text, confirm_text=_("Bring it in")):
            return False
        gid, data = self.ctx.group_id, self.data
        outcome = self.ctx.run(
            self, lambda s, actor: import_opening(s, actor, group_id=gid, data=data),
            changed={"members", "savings", "journal", "cash", "loans", "welfare"},
            message=lambda done: _("{count} members and their balances were brought in.")
            .format(count=len(done.members)))
        if outcome:
            self.imported = outcome.value
            self.accept()
        return bool(outcome)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Bring in an existing group"))
        self.explain.setText("\n".join([
            _("1. Save the empty template and fill it in from the paper books (Excel or "
              "LibreOffice)."),
            _("2. Choose the filled-in file: every problem is listed with its sheet and row."),
            _("3. When every row is right, bring it in: all at once, or nothing.")]))
        self.template_button.setText(_("1. Save the empty template…"))
        self.choose_button.setText(_("2. Choose the filled-in file…"))
        self.import_button.setText(_("3. Bring it in"))
        self.close_button.setText(_("Close"))
        self.tabs.setTabText(0, _("Problems"))
        self.tabs.setTabText(1, _("Members"))
        self.problems_model.retranslate()
        self.members_model.retranslate()
        self._show()

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> OpeningPreview | None:  # noqa: ANN001
        dialog = cls(ctx, parent)
        return dialog.imported if dialog.exec() else None
