"""``FormDialog``: a form that lists every problem inside itself and saves nothing until
all are put right."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.errors import error_text
from desktop.widgets.labels import problems_label
from desktop.widgets.layout import FittedDialog, ScrollBody
from models.core.errors import UserError, ValidationError
from models.core.i18n import _


class FormDialog(FittedDialog):
    """A form with its problems shown inside it: when saving fails the dialog stays open,
    lists every problem, and nothing is saved. Subclasses add rows to ``self.form`` (or
    widgets to ``self.body``, the scrolling part above and below it) and implement
    ``save() -> bool``. The problems and the buttons stay in view; the form scrolls when
    the screen is too small for it.

    ``save`` is usually: read the fields collecting every problem, ``refuse(problems)``,
    then ``submit(ctx, op, ...)``; what ``op`` gave is ``saved``, and ``ask`` opens the
    form and returns it (``None`` when cancelled)."""

    saved: Any = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.problems = problems_label()
        layout.addWidget(self.problems)
        self.scroll = ScrollBody()
        self.body = QVBoxLayout(self.scroll.widget())
        self.body.setContentsMargins(0, 0, 0, 0)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.body.addLayout(self.form)
        self.body.addStretch(1)
        layout.addWidget(self.scroll, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton()
        self.save_button.setDefault(True)
        self.save_button.setObjectName("primaryButton")
        self.cancel_button = QPushButton()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self._save_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self._labels: list[tuple[QLabel, str]] = []

    def add_row(self, title: str, field: QWidget, form: QFormLayout | None = None) -> QLabel:
        """``title`` is an ``N_()`` text (retranslated with the dialog); ``form``: another
        form of the dialog (a tab's) instead of the main one."""
        label = QLabel(_(title))
        label.setBuddy(field)
        self._labels.append((label, title))
        (form or self.form).addRow(label, field)
        return label

    def retranslate(self) -> None:
        for label, title in self._labels:
            label.setText(_(title))
        self.cancel_button.setText(_("Cancel"))

    def show_problems(self, error: UserError) -> None:
        self.problems.setText(error_text(error))
        self.problems.setVisible(True)

    def clear_problems(self) -> None:
        self.problems.clear()
        self.problems.setVisible(False)

    def refuse(self, problems: list[UserError]) -> bool:
        """Show every problem the fields have at once; True when there is any (then nothing
        is saved and the form stays open)."""
        if problems:
            self.show_problems(ValidationError(problems))
        return bool(problems)

    def submit(self, ctx, op: Callable[[Any, Any], Any], *, changed: Iterable[str],  # noqa: ANN001
               message: Callable[[Any], str] | str | None = None) -> bool:
        """Run ``op(session, actor)`` as one transaction (``ctx.run``): a refusal is listed in
        the form, which stays open; what it gives is kept in ``saved``."""
        outcome = ctx.run(self, op, changed=changed, on_user_error=self.show_problems,
                          message=message)
        if outcome:
            self.saved = outcome.value
        return bool(outcome)

    def save(self) -> bool:
        raise NotImplementedError

    @classmethod
    def ask(cls, parent: QWidget | None, *args: Any) -> Any:
        """Open the form over ``parent`` (made with ``args``); what it saved, or ``None``."""
        dialog = cls(*args, parent=parent)
        return dialog.saved if dialog.exec() else None

    def _save_clicked(self) -> None:
        self.clear_problems()
        if self.save():
            self.accept()
