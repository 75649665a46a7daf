"""The group's savings rules (administrators): read them, change them from a date on, and
see what the change means before saving it.

Every rule is a dated setting (``models.savings.rules``): a change applies from its date
and never rewrites the past; the way of saving and the share price are kept per cycle, so
a change to them starts with the next cycle. The rules are listed once, in ``FIELDS``:
each ``RuleField`` names its setting, its title, its tab and its kind of input, and the
dialog builds, fills, reads and retranslates the inputs from that list. A new savings
setting needs one line there (and, if it should, a sentence in ``preview_lines``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.context import ScreenContext
from desktop.permission_tips import allow
from desktop.widgets.fields import ChoiceBox, DateField, read_date
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import mark_data
from models.core import clock, settings
from models.core.errors import UserError, ValidationError
from models.core.i18n import N_, _
from models.core.ledger import fmt_date
from models.core.money import Currency, format_amount, format_money, format_money_range, parse_money
from models.core.permissions import Permission
from models.savings import rules as savings_rules
from models.savings.rules import (
    EXIT_VALUE_NAMES,
    FREE,
    LOAN_POLICY_NAMES,
    MODE_NAMES,
    SHAREOUT_METHOD_NAMES,
    SHARES,
    TIME_UNIT_NAMES,
    TIME_WEIGHTED,
    WITHDRAWALS_ALLOWED,
    WITHDRAWALS_NEVER,
)

WITHDRAWAL_NAMES = {WITHDRAWALS_NEVER: N_("Not during the cycle (savings come back at the "
                                          "share-out)"),
                    WITHDRAWALS_ALLOWED: N_("Allowed during the cycle")}
TAB_NAMES = (N_("Saving"), N_("Withdrawals"), N_("Fines"), N_("Share-out"))
SAVING, WITHDRAWALS, FINES, SHAREOUT = range(4)

MONEY, COUNT, CHOICE, FINE_LIST = "money", "count", "choice", "fines"


@dataclass(frozen=True)
class RuleField:
    """One savings rule in the editor. ``name`` is its setting key without ``savings.``;
    ``title`` an ``N_()`` text; ``kind`` one of MONEY, COUNT (a spin box from ``low`` to
    ``high``), CHOICE (``names``: code → ``N_()`` name) or FINE_LIST; ``open_when`` says
    from the values being edited whether the input applies (else it is greyed)."""

    name: str
    title: str
    tab: int
    kind: str
    low: int = 0
    high: int = 1_000_000
    names: dict[str, str] = field(default_factory=dict)
    open_when: Callable[[dict[str, Any]], bool] | None = None


def _shares(values: dict[str, Any]) -> bool:
    return values.get("mode") == SHARES


def _withdrawals(values: dict[str, Any]) -> bool:
    return values.get("withdrawals") == WITHDRAWALS_ALLOWED


FIELDS: tuple[RuleField, ...] = (
    RuleField("mode", N_("How members save"), SAVING, CHOICE, names=MODE_NAMES),
    RuleField("share_price", N_("Price of one share"), SAVING, MONEY, open_when=_shares),
    RuleField("min_shares", N_("Fewest shares a member buys when she saves"), SAVING, COUNT,
              low=0, high=100, open_when=_shares),
    RuleField("max_shares", N_("Most shares per meeting"), SAVING, COUNT, low=1, high=100,
              open_when=_shares),
    RuleField("min_deposit", N_("Smallest deposit (free-amount groups)"), SAVING, MONEY,
              open_when=lambda v: not _shares(v)),
    RuleField("withdrawals", N_("Withdrawals during the cycle"), WITHDRAWALS, CHOICE,
              names=WITHDRAWAL_NAMES),
    RuleField("withdrawal_notice_days", N_("Days of notice before a withdrawal"), WITHDRAWALS,
              COUNT, low=0, high=365, open_when=_withdrawals),
    RuleField("withdrawal_max_percent",
              N_("Largest withdrawal, in percent of the member's savings"), WITHDRAWALS, COUNT,
              low=1, high=100, open_when=_withdrawals),
    RuleField("loan_security_percent",
              N_("Savings kept to secure a member's loans, in percent of what she still owes"),
              WITHDRAWALS, COUNT, low=0, high=100),
    RuleField("exit_below_par",
              N_("A member who leaves while the fund is worth less than its savings gets"),
              WITHDRAWALS, CHOICE, names=EXIT_VALUE_NAMES),
    RuleField("fine_absence", N_("Fine for missing a meeting"), FINES, MONEY),
    RuleField("fine_late", N_("Fine for coming late"), FINES, MONEY),
    RuleField("custom_fines", N_("Other fines"), FINES, FINE_LIST),
    RuleField("shareout_method", N_("How the share-out divides the fund"), SHAREOUT, CHOICE,
              names=SHAREOUT_METHOD_NAMES),
    RuleField("shareout_time_unit", N_("Savings are counted by"), SHAREOUT, CHOICE,
              names=TIME_UNIT_NAMES, open_when=lambda v: v.get("shareout_method") == TIME_WEIGHTED),
    RuleField("shareout_loans", N_("Loans still owed at share-out"), SHAREOUT, CHOICE,
              names=LOAN_POLICY_NAMES),
    RuleField("shareout_round_to",
              N_("Round payouts down to a multiple of (smallest note, in the smallest unit)"),
              SHAREOUT, MONEY),
)


@dataclass(frozen=True)
class EditorState:
    """What the dialog reads when it opens: every rule's value on ``day`` (the settings,
    not the cycle's copy) and the cycle open then."""

    day: dt.date
    values: dict[str, Any]
    cycle: savings_rules.CycleRow | None


def read_state(session, group_id: int, day: dt.date) -> EditorState:  # noqa: ANN001
    values = {f.name: settings.get(session, group_id, f"savings.{f.name}", on=day)
              for f in FIELDS}
    cycle = savings_rules.cycle_on(session, group_id, day)
    return EditorState(day, values, None if cycle is None else savings_rules.cycle_row(cycle))


def preview_lines(values: dict[str, Any], day: dt.date, cur: Currency,
                  cycle: savings_rules.CycleRow | None = None) -> list[str]:
    """What the rules mean for a member, in plain sentences, from ``day``."""
    date = fmt_date(day)

    lines = []
    if values["mode"] == SHARES:
        price, low, high = values["share_price"], values["min_shares"], values["max_shares"]
        lines.append(_("From {date} a member buys {low}–{high} shares of {price}: "
                       "{amounts} a meeting.").format(
            date=date, low=low, high=high, price=format_money(price, cur),
            amounts=format_money_range(low * price, high * price, cur)))
    elif values["min_deposit"]:
        lines.append(_("From {date} a member saves any amount of at least {amount}.").format(
            date=date, amount=format_money(values["min_deposit"], cur)))
    else:
        lines.append(_("From {date} a member saves any amount she likes.").format(date=date))
    if cycle is not None and cycle.is_open and (
            values["mode"] != cycle.mode
            or (values["mode"] == SHARES and values["share_price"] != cycle.share_price)):
        lines.append(_("The cycle open now (number {number}) keeps its way of saving and "
                       "share price; this change starts with the next cycle, after the "
                       "share-out.").format(number=cycle.number))
    if values["withdrawals"] == WITHDRAWALS_ALLOWED:
        notice = values["withdrawal_notice_days"]
        lines.append((_("She may take out up to {percent}% of her savings, after {days} days' "
                        "notice.") if notice else
                      _("She may take out up to {percent}% of her savings.")).format(
            percent=values["withdrawal_max_percent"], days=notice))
    else:
        lines.append(_("She takes nothing out during the cycle; her savings come back at the "
                       "share-out."))
    if values["loan_security_percent"]:
        lines.append(_("While she owes on a loan, {percent}% of what she owes stays in her "
                       "savings.").format(percent=values["loan_security_percent"]))
    fines = [(_("missing a meeting"), values["fine_absence"]),
             (_("coming late"), values["fine_late"])]
    fines += [(f["name"], f["amount"]) for f in values["custom_fines"]]
    fines = [(name, amount) for name, amount in fines if amount]
    if fines:
        lines.append(_("Fines: {fines}.").format(fines=", ".join(
            f"{name} {format_money(amount, cur)}" for name, amount in fines)))
    else:
        lines.append(_("No fines."))
    lines.append(_("Share-out: {method}.").format(
        method=_(SHAREOUT_METHOD_NAMES[values["shareout_method"]])))
    return lines


class FinesTable(QWidget):
    """The group's other fines: a name and an amount a line, with add and remove."""

    def __init__(self, cur: Currency, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cur = cur
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(150)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add_fine("", 0))
        self.remove_button.clicked.connect(self.remove_fine)
        self.retranslate()

    def set_fines(self, fines: list[dict]) -> None:
        self.table.setRowCount(0)
        for fine in fines:
            self.add_fine(fine["name"], fine["amount"])

    def add_fine(self, name: str, amount: int) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(format_amount(amount, self.cur)
                                                    if amount else ""))

    def remove_fine(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def fines(self, problems: list[UserError]) -> list[dict]:
        """The fines typed (empty lines left out); amounts that are not amounts are added
        to ``problems``."""
        found = []
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, 0) or QTableWidgetItem()).text().strip()
            text = (self.table.item(row, 1) or QTableWidgetItem()).text().strip()
            if not name and not text:
                continue
            try:
                amount = parse_money(text, self.cur) if text else 0
            except UserError as error:
                problems.append(UserError(N_("Other fine {name}: {problem}"), name=name or "?",
                                          problem=error))
                continue
            found.append({"name": name, "amount": amount})
        return found

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_("Fine"), _("Amount")])
        self.add_button.setText(_("Add a fine"))
        self.remove_button.setText(_("Remove the fine"))


class SavingsRulesDialog(FormDialog):
    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        self.cur = ctx.currency()
        gid = ctx.group_id
        self.state: EditorState = ctx.read(lambda s, actor: read_state(s, gid, clock.today()))
        self.inputs: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        pages = []
        for _name in TAB_NAMES:
            page = QWidget()
            form = QFormLayout(page)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.tabs.addTab(scroll, "")
            pages.append(form)
        for rule in FIELDS:
            widget = self._make_input(rule, self.state.values[rule.name])
            self.inputs[rule.name] = widget
            label = self.add_row(rule.title, widget, pages[rule.tab])
            label.setWordWrap(True)
        self.tabs.setMinimumHeight(280)
        self.body.insertWidget(0, self.tabs, 1)  # the form's scrolling body (FormDialog)
        self.effective = DateField(clock.today())
        self.add_row(N_("These rules apply from"), self.effective)
        self.preview_title = QLabel()
        self.preview_title.setObjectName("subheading")
        self.preview = mark_data(QLabel())
        self.preview.setObjectName("preview")
        self.preview.setWordWrap(True)
        self.body.insertWidget(2, self.preview_title)
        self.body.insertWidget(3, self.preview)
        # Everyone may read the rules; only administrators change them.
        self.may_change = ctx.can(Permission.CHANGE_SETTINGS)
        allow(self.save_button, ctx, Permission.CHANGE_SETTINGS, may=self.may_change)
        for widget in self.inputs.values():
            self._watch(widget)
        self.effective.textChanged.connect(self.update_preview)
        self.retranslate()
        self.resize(760, 640)

    # -- inputs -------------------------------------------------------------------------
    def _make_input(self, rule: RuleField, value: Any) -> QWidget:
        if rule.kind == CHOICE:
            box = ChoiceBox(rule.names)
            box.choose(value)
            return box
        if rule.kind == COUNT:
            spin = QSpinBox()
            spin.setRange(rule.low, rule.high)
            spin.setValue(value)
            return spin
        if rule.kind == FINE_LIST:
            table = FinesTable(self.cur)
            table.set_fines(value)
            return table
        return QLineEdit(format_amount(value, self.cur))

    def _watch(self, widget: QWidget) -> None:
        if isinstance(widget, ChoiceBox):
            widget.currentIndexChanged.connect(self.update_preview)
        elif isinstance(widget, QSpinBox):
            widget.valueChanged.connect(self.update_preview)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.update_preview)
        elif isinstance(widget, FinesTable):
            widget.table.itemChanged.connect(self.update_preview)
            widget.table.model().rowsRemoved.connect(self.update_preview)

    def values(self, problems: list[UserError]) -> dict[str, Any]:
        """Every rule as typed; what cannot be read is added to ``problems`` (the value
        before the change is kept for it)."""
        found: dict[str, Any] = {}
        for rule in FIELDS:
            widget = self.inputs[rule.name]
            if isinstance(widget, ChoiceBox):
                found[rule.name] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                found[rule.name] = widget.value()
            elif isinstance(widget, FinesTable):
                found[rule.name] = widget.fines(problems)
            else:
                try:
                    found[rule.name] = parse_money(widget.text(), self.cur)
                except UserError as error:
                    problems.append(UserError(N_("{setting}: {problem}"),
                                              setting=savings_rules.Label(rule.title),
                                              problem=error))
                    found[rule.name] = self.state.values[rule.name]
        return found

    def changes(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in values.items()
                if value != self.state.values[name]}

    def update_preview(self, *_args: object) -> None:
        problems: list[UserError] = []
        values = self.values(problems)
        for rule in FIELDS:
            opened = self.may_change and (rule.open_when is None or rule.open_when(values))
            self.inputs[rule.name].setEnabled(opened)
        try:
            day = self.effective.date() or clock.today()
        except UserError:
            day = clock.today()
        lines = preview_lines(values, day, self.cur, self.state.cycle)
        if values["mode"] == SHARES and values["min_shares"] > values["max_shares"]:
            lines.insert(0, _("The fewest shares ({low}) is more than the most shares "
                              "({high}).").format(low=values["min_shares"],
                                                  high=values["max_shares"]))
        if not self.changes(values):
            lines.append(_("Nothing is changed yet."))
        self.preview.setText("\n".join(lines))

    # -- text ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Savings rules"))
        self.save_button.setText(_("Save the rules"))
        self.preview_title.setText(_("What this means for a member"))
        for index, name in enumerate(TAB_NAMES):
            self.tabs.setTabText(index, _(name))
        for widget in self.inputs.values():
            if isinstance(widget, (ChoiceBox, FinesTable)):
                widget.retranslate()
        self.update_preview()

    # -- saving -------------------------------------------------------------------------
    def save(self) -> bool:
        problems: list[UserError] = []
        values = self.values(problems)
        day = read_date(self.effective, problems)
        if problems:
            self.show_problems(ValidationError(problems))
            return False
        changes = self.changes(values)
        if not changes:
            self.show_problems(UserError(N_("Nothing was changed: change a rule first.")))
            return False
        if values["mode"] == FREE:
            changes.pop("share_price", None)
        gid = self.ctx.group_id
        outcome = self.ctx.run(
            self, lambda s, actor: savings_rules.set_rules(
                s, actor, group_id=gid, effective_from=day, changes=changes),
            changed={"settings", "savings"}, on_user_error=self.show_problems,
            message=_("The savings rules were saved."))
        self.saved = bool(outcome)
        return self.saved

    @classmethod
    def ask(cls, parent, ctx: ScreenContext) -> bool:  # noqa: ANN001
        dialog = cls(ctx, parent)
        return bool(dialog.exec()) and dialog.saved
