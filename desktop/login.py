"""Getting in: the first-run wizard (create the administrator), the demo offer, the log-in
dialog with its lock-out message, and the language buttons they share."""
from __future__ import annotations

import importlib
import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import errors
from desktop.qt_i18n import language_bridge, switch_language
from desktop.widgets.fields import ChoiceBox
from desktop.widgets.forms import FormDialog
from desktop.widgets.labels import heading, mark_data, problems_label
from models.core import first_run, i18n, users
from models.core.db import Database
from models.core.errors import UserError
from models.core.groups import FREQUENCY_NAMES
from models.core.i18n import N_, _
from models.core.schema import User

LANGUAGE_NAMES = {"lo": "ລາວ", "en": "English"}  # each in its own language


class LanguageButtons(QWidget):
    """Two buttons, ລາວ | English; the current language is the pressed one.

    ``chosen``: pressed in this widget. ``LanguageButtons.picked``: pressed anywhere since
    the program started (the first-run question, the log-in): the person at the screen
    chose, so logging in keeps that language instead of the account's stored one."""

    picked = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        self.chosen = False
        for code in i18n.LANGUAGES:
            button = mark_data(QPushButton(LANGUAGE_NAMES[code]))
            button.setCheckable(True)
            button.setObjectName("languageButton")
            button.clicked.connect(lambda _checked=False, c=code: self.choose(c))
            layout.addWidget(button)
            self.buttons[code] = button
        self.show_current()
        language_bridge().changed.connect(self.show_current)

    def choose(self, language: str) -> None:
        self.chosen = True
        LanguageButtons.picked = True
        if language != i18n.current_language():
            switch_language(language)
        self.show_current()

    def show_current(self, *_args: object) -> None:
        for code, button in self.buttons.items():
            button.setChecked(code == i18n.current_language())


def demo_available() -> bool:
    return importlib.util.find_spec("models.demo") is not None


class FirstRunDialog(FormDialog):
    """The ledger has no users: create the first user and her group. She becomes the
    administrator (all groups) and, unless she unticks it, the treasurer of that group, so
    she can record from the first meeting; approving stays with the leaders, and the page
    says so in plain words."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.username = ""
        self.group_id: int | None = None
        self.languages = LanguageButtons()
        self.layout().insertWidget(0, self.languages, 0, Qt.AlignmentFlag.AlignRight)
        self.title = heading()
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.body.insertWidget(0, self.title)
        self.body.insertWidget(1, self.intro)
        self.display_name = QLineEdit()
        self.user_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.group_name = mark_data(QLineEdit())
        self.village = mark_data(QLineEdit())
        self.frequency = ChoiceBox(FREQUENCY_NAMES)
        self.frequency.choose("monthly")
        self.treasurer = QCheckBox()
        self.treasurer.setChecked(True)
        self.duties = QLabel()
        self.duties.setObjectName("duties")
        self.duties.setWordWrap(True)
        self.add_row(N_("Your name"), self.display_name)
        self.add_row(N_("User name (one word)"), self.user_name)
        self.add_row(N_("Password"), self.password)
        self.add_row(N_("Password again"), self.password_again)
        self.group_heading = QLabel()
        self.group_heading.setObjectName("subheading")
        self.form.addRow(self.group_heading)
        self.add_row(N_("Group name"), self.group_name)
        self.add_row(N_("Village"), self.village)
        self.add_row(N_("Meets"), self.frequency)
        self.form.addRow(self.treasurer)
        # Below the form, not in it: a form row gives a wrapping label too little height.
        self.layout().insertWidget(self.layout().count() - 2, self.duties)
        self.setMinimumWidth(680)
        self.treasurer.toggled.connect(self._show_duties)
        self.retranslate()
        language_bridge().changed.connect(self.retranslate)

    def retranslate(self, *_args: object) -> None:
        super().retranslate()
        self.setWindowTitle(_("Welcome to Kongthun"))
        self.title.setText(_("Welcome to Kongthun"))
        self.intro.setText(_("This ledger has no users yet. Create yourself as the "
                             "administrator, and the group you keep the books for. Keep the "
                             "password safe."))
        self.group_heading.setText(_("Your group"))
        self.treasurer.setText(_("I am also this group's treasurer: I record the money"))
        self.frequency.retranslate()
        self.save_button.setText(_("Create administrator and group"))
        self._show_duties()

    def _show_duties(self, *_args: object) -> None:
        first = (_("You will record meetings, savings and payments.")
                 if self.treasurer.isChecked() else
                 _("Give the treasurer's role to the person who keeps the money, under "
                   "“Users”."))
        self.duties.setText(" ".join((
            _("Who does what:"), first,
            _("Leaders approve loans and welfare claims. Nobody approves what she recorded "
              "herself or her own loan, so that two people always see the money. Before "
              "the first loan, add at least one leader under “Users”."))))

    def save(self) -> bool:
        if self.password.text() != self.password_again.text():
            self.show_problems(UserError(N_("The two passwords are not the same.")))
            return False
        try:
            with self.database.write() as session:
                started = first_run.start_ledger(
                    session, username=self.user_name.text(),
                    display_name=self.display_name.text(), password=self.password.text(),
                    language=i18n.current_language(), group_name=self.group_name.text(),
                    village=self.village.text(), meeting_frequency=self.frequency.currentData(),
                    treasurer=self.treasurer.isChecked())
                self.username, self.group_id = started.username, started.group_id
                code = users.new_recovery_code(session, session.get(User, started.user_id))
        except UserError as error:
            self.show_problems(error)
            return False
        except Exception as exc:  # noqa: BLE001
            errors.show_unexpected(self, exc)
            return False
        errors.show_info(self, _(
            "Your recovery code:\n\n{code}\n\nWrite it on paper now and keep it with the "
            "cash box key. If you forget your password or are locked out, it lets you set a "
            "new one (kongthun recover). It is shown only this once.").format(code=code),
            title=_("Recovery code"))
        return True

    @classmethod
    def ask(cls, database: Database, parent: QWidget | None = None) -> str | None:
        """The new administrator's user name, or ``None`` if the wizard was closed."""
        dialog = cls(database, parent)
        return dialog.username if dialog.exec() else None


class DemoOfferDialog(QDialog):
    """The first question on a new ledger: the demo or my own administrator, with the
    language switch (the person may not read the language it opens in)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoOffer")
        self.setMinimumWidth(560)
        self.choice = ""
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self.languages = LanguageButtons()
        layout.addWidget(self.languages, 0, Qt.AlignmentFlag.AlignRight)
        self.title = heading()
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        self.demo_button = QPushButton()
        self.own_button = QPushButton()
        self.own_button.setObjectName("primaryButton")
        self.own_button.setDefault(True)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.own_button)
        layout.addLayout(buttons)
        self.demo_button.clicked.connect(lambda: self._answer("demo"))
        self.own_button.clicked.connect(lambda: self._answer("empty"))
        self.retranslate()
        language_bridge().changed.connect(self.retranslate)

    def _answer(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def retranslate(self, *_args: object) -> None:
        self.setWindowTitle(_("Try the demo?"))
        self.title.setText(_("Try the demo?"))
        self.text.setText(_("This ledger is new. Load demo groups with members, meetings and "
                            "loans to try the app, or start with your own administrator? Demo "
                            "data always shows a banner saying it is only a demo."))
        self.demo_button.setText(_("Load the demo"))
        self.own_button.setText(_("Create my administrator"))

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> str:
        """"demo", "empty" (my own administrator), or "" when closed."""
        dialog = cls(parent)
        dialog.exec()
        return dialog.choice


def offer_demo(database: Database, parent: QWidget | None = None) -> str | None:
    """On a new, empty ledger: offer the demo groups (only when the demo builder is
    installed; it builds into an empty ledger only, so this comes before the administrator
    is created). Returns the demo's user name to log in with, or ``None``."""
    if not demo_available():
        return None
    if DemoOfferDialog.ask(parent) != "demo":
        return None
    try:
        summary = build_demo_with_progress(database, parent)
    except UserError as error:
        errors.show_error(parent, error)
        return None
    except Exception as exc:  # noqa: BLE001
        errors.show_unexpected(parent, exc)
        return None
    username = summary.usernames[0] if getattr(summary, "usernames", None) else "admin"
    password = getattr(summary, "password", "demo")
    errors.show_info(parent, _("The demo is ready. Log in as {user} with the password "
                               "{password}.").format(user=username, password=password))
    return username


class DemoProgressDialog(QProgressDialog):
    """Building the demo takes a while: a bar with the step and the group being built.
    It cannot be cancelled (half a demo would leave the ledger no longer empty)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoProgress")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setCancelButton(None)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(520)
        self.setWindowTitle(_("Loading the demo"))
        self.setLabelText(_("Creating the demo users…"))
        self.setRange(0, 0)

    def show_progress(self, step) -> None:  # noqa: ANN001
        """Show a ``models.demo.DemoProgress`` and let the window draw itself."""
        self.setRange(0, step.total)
        self.setValue(step.done)
        if step.group is not None:
            self.setLabelText(_("Building demo group {number} of {count}: {name}").format(
                number=step.group, count=step.groups, name=step.group_name))
        QApplication.processEvents()


GROUPS = 5  # the demo the first run offers: the study's five groups


def build_demo_with_progress(database: Database, parent: QWidget | None = None):  # noqa: ANN201
    """Build the demo (seed 1, five groups) while a progress dialog shows each step."""
    demo = importlib.import_module("models.demo")
    dialog = DemoProgressDialog(parent)
    dialog.show()
    QApplication.processEvents()
    try:
        return demo.build_demo(database, seed=1, groups=GROUPS,
                               progress=dialog.show_progress)
    finally:
        dialog.close()
        dialog.deleteLater()


class LoginDialog(QDialog):
    """User name and password. Wrong passwords count; after several the account locks
    for a while and the dialog says so."""

    def __init__(self, database: Database, parent: QWidget | None = None,
                 username: str = "") -> None:
        super().__init__(parent)
        self.database = database
        self.user: User | None = None
        self.setObjectName("loginDialog")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self.languages = LanguageButtons()
        layout.addWidget(self.languages, 0, Qt.AlignmentFlag.AlignRight)
        self.title = heading()
        self.title.setObjectName("appTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel()
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        self.user_label = QLabel()
        self.user_name = QLineEdit(username)
        self.password_label = QLabel()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for label, field in ((self.user_label, self.user_name),
                             (self.password_label, self.password)):
            label.setBuddy(field)
            layout.addWidget(label)
            layout.addWidget(field)
        self.message = problems_label()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.quit_button = QPushButton()
        self.login_button = QPushButton()
        self.login_button.setObjectName("primaryButton")
        self.login_button.setDefault(True)
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)
        layout.addLayout(buttons)
        self.quit_button.clicked.connect(self.reject)
        self.login_button.clicked.connect(self.try_login)
        (self.password if username else self.user_name).setFocus()
        self.retranslate()
        language_bridge().changed.connect(self.retranslate)

    def retranslate(self, *_args: object) -> None:
        self.setWindowTitle(_("Log in"))
        self.title.setText(_("Kongthun"))
        self.subtitle.setText(_("The ledger of savings groups and welfare funds"))
        self.user_label.setText(_("User name"))
        self.password_label.setText(_("Password"))
        self.login_button.setText(_("Log in"))
        self.quit_button.setText(_("Quit"))
        if self._error is not None:
            self.message.setText(str(self._error))

    _error: UserError | None = None

    def try_login(self) -> bool:
        self._error = None
        try:
            self.user = users.login(self.database, self.user_name.text(), self.password.text())
        except UserError as error:
            self._error = error
            self.message.setText(str(error))
            self.message.setVisible(True)
            self.password.clear()
            self.password.setFocus()
            return False
        except Exception as exc:  # noqa: BLE001
            errors.show_unexpected(self, exc)
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, database: Database, parent: QWidget | None = None,
            username: str = "") -> tuple[User, bool] | None:
        """The logged-in user and whether a language was chosen in the dialog; ``None``
        when the user quit."""
        dialog = cls(database, parent, username)
        if dialog.exec() and dialog.user is not None:
            return dialog.user, dialog.languages.chosen or LanguageButtons.picked
        return None
