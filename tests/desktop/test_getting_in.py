"""Getting in: the first-run wizard, the demo offer, the log-in dialog and its lock-out,
starting the app, logging out, the idle lock."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from desktop import app as app_module
from desktop import login as login_module
from desktop.app import AppController, register_fonts, run_app
from desktop.login import FirstRunDialog, LoginDialog, offer_demo
from desktop.qt_i18n import switch_language
from models.core import i18n, permissions, users
from models.core.i18n import gettext


def test_the_first_run_wizard_makes_her_administrator_and_treasurer_of_her_group(
        app, db, qtbot, messages):
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    assert "Nobody approves what she recorded herself" in dialog.duties.text()
    dialog.display_name.setText("ນາງ ສຸດາ")
    dialog.user_name.setText("suda")
    dialog.password.setText("secret")
    dialog.password_again.setText("secret")
    dialog.group_name.setText("ກຸ່ມຕັດຫຍິບ")
    dialog.village.setText("Ban Nongbone")
    assert dialog.save(), dialog.problems.text()
    assert dialog.username == "suda"
    [shown] = messages.shown
    assert shown.title == "Recovery code" and "Write it on paper" in shown.text
    code = shown.text.split("\n\n")[1]
    assert len(code) == 24 and code.count("-") == 4
    user = users.login(db, "suda", "secret")
    assert user.display_name == "ນາງ ສຸດາ"
    with db.read() as s:
        assert users.list_users(s, user)[0].roles == (
            (None, "admin"), (dialog.group_id, "treasurer"))
        assert permissions.has_permission(s, user, permissions.Permission.RECORD,
                                          dialog.group_id)


def test_the_wizard_can_leave_the_treasurer_role_to_someone_else(app, db, qtbot, messages):
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.treasurer.setChecked(False)
    assert "Give the treasurer's role to the person who keeps the money" in \
        dialog.duties.text()
    for field, text in ((dialog.display_name, "Suda"), (dialog.user_name, "suda"),
                        (dialog.password, "secret"), (dialog.password_again, "secret"),
                        (dialog.group_name, "Tailors")):
        field.setText(text)
    assert dialog.save(), dialog.problems.text()
    user = users.login(db, "suda", "secret")
    with db.read() as s:
        assert users.list_users(s, user)[0].roles == ((None, "admin"),)


def test_the_wizard_lists_every_problem_and_creates_nobody(app, db, qtbot):
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.user_name.setText("two words")
    dialog.password.setText("ab")
    dialog.password_again.setText("ab")
    assert not dialog.save()
    problems = dialog.problems.text()
    assert "one word" in problems and "4 characters" in problems and "name" in problems
    assert "Enter the group's name." in problems
    with db.read() as s:
        assert not users.has_users(s)


def test_the_wizard_refuses_two_different_passwords(app, db, qtbot):
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.display_name.setText("Suda")
    dialog.user_name.setText("suda")
    dialog.password.setText("secret")
    dialog.password_again.setText("secreT")
    assert not dialog.save()
    assert "not the same" in dialog.problems.text()


def test_the_demo_is_offered_only_when_its_builder_is_installed(app, db, messages,
                                                               monkeypatch):
    monkeypatch.setattr(login_module, "demo_available", lambda: False)
    assert offer_demo(db) is None
    assert messages.shown == []
    monkeypatch.setattr(login_module, "demo_available", lambda: True)
    asked = []
    monkeypatch.setattr(login_module.DemoOfferDialog, "ask",
                        classmethod(lambda cls, parent=None: asked.append(1) or "empty"))
    assert offer_demo(db) is None
    assert asked == [1]
    with db.read() as s:
        assert not users.has_users(s)


def test_the_first_run_question_has_a_language_switch(app, qtbot):
    switch_language("lo")
    dialog = login_module.DemoOfferDialog()
    qtbot.addWidget(dialog)
    assert dialog.title.text() == gettext("Try the demo?", "lo")
    assert dialog.languages.buttons["lo"].isChecked()
    dialog.languages.buttons["en"].click()
    assert dialog.title.text() == "Try the demo?"
    assert dialog.demo_button.text() == "Load the demo"
    assert dialog.own_button.text() == "Create my administrator"
    dialog.demo_button.click()
    assert dialog.choice == "demo" and dialog.result() == dialog.DialogCode.Accepted


def test_the_language_chosen_at_log_in_is_the_windows_and_stays(app, env, monkeypatch, qtbot):
    with env.db.write() as s:  # the treasurer's account is in Lao
        users.set_language(s, env.user(s, "treasurer"), "lo")
    switch_language("lo")
    pressed = {"english": True}

    def exec_(dialog):  # noqa: ANN001, ANN202
        if pressed["english"]:
            dialog.languages.buttons["en"].click()  # she reads English better
        dialog.user_name.setText("treasurer")
        dialog.password.setText("demo")
        return dialog.try_login()

    monkeypatch.setattr(LoginDialog, "exec", exec_)
    controller = AppController(env.db)
    assert controller.log_in()
    qtbot.addWidget(controller.window)
    assert i18n.current_language() == "en"
    assert controller.window.logout_button.text() == "Log out"
    with env.db.read() as s:
        assert env.user(s, "treasurer").language == "en"  # the next log-in opens in it
    pressed["english"] = False
    login_module.LanguageButtons.picked = False  # as after starting the program again
    controller.window.log_out()
    qtbot.addWidget(controller.window)
    assert i18n.current_language() == "en"
    assert controller.window.logout_button.text() == "Log out"


def test_english_picked_at_the_first_question_carries_into_the_demo_window(app, db,
                                                                           monkeypatch, qtbot):
    """The demo's users are Lao; she pressed English on the first question and logs in
    without touching the switch again."""
    from models import demo

    demo.build_demo(db, seed=1, groups=1, years=1, activities=[])
    switch_language("lo")
    login_module.LanguageButtons().choose("en")

    def exec_(dialog):  # noqa: ANN001, ANN202
        dialog.user_name.setText("treasurer")
        dialog.password.setText("demo")
        return dialog.try_login()

    monkeypatch.setattr(LoginDialog, "exec", exec_)
    controller = AppController(db)
    assert controller.log_in()
    qtbot.addWidget(controller.window)
    assert i18n.current_language() == "en"
    assert controller.window.logout_button.text() == "Log out"


def test_log_in_with_the_right_password(app, env, qtbot):
    dialog = LoginDialog(env.db, username="treasurer")
    qtbot.addWidget(dialog)
    dialog.password.setText("demo")
    assert dialog.try_login()
    assert dialog.user.username == "treasurer"


def test_wrong_passwords_lock_the_account_and_the_dialog_says_so(app, env, qtbot):
    dialog = LoginDialog(env.db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user_name.setText("treasurer")
    for _attempt in range(5):
        dialog.password.setText("wrong")
        assert not dialog.try_login()
        assert dialog.message.text() == "Wrong user name or password."
        assert dialog.password.text() == ""
    dialog.password.setText("demo")  # right, but too late
    assert not dialog.try_login()
    assert dialog.message.isVisible()
    assert dialog.message.text().startswith("Too many wrong passwords. Try again in 5 minutes")


def test_the_lock_out_message_is_in_lao_and_follows_a_language_switch(app, env, qtbot, lao):
    dialog = LoginDialog(env.db, username="leader")
    qtbot.addWidget(dialog)
    for _attempt in range(6):
        dialog.password.setText("wrong")
        dialog.try_login()
    lao_text = dialog.message.text()
    assert lao_text == gettext("Too many wrong passwords. Try again in {minutes} minutes, or "
                               "ask an administrator to reset the password.", "lo").format(
        minutes=5)
    assert dialog.login_button.text() == gettext("Log in", "lo")
    dialog.languages.choose("en")
    assert dialog.message.text().startswith("Too many wrong passwords")
    assert dialog.login_button.text() == "Log in"


def test_typing_a_lao_user_name_with_key_events(app, db, qtbot):
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.display_name.setFocus()
    for char in "ສຸດາ":
        QApplication.sendEvent(dialog.display_name, QKeyEvent(
            QEvent.Type.KeyPress, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
    assert dialog.display_name.text() == "ສຸດາ"


def test_the_bundled_fonts_are_registered_with_lao_first_class(app):
    families = register_fonts()
    assert "Noto Sans Lao" in families and "Noto Sans" in families
    font = QApplication.font()
    assert font.families()[:2] == ["Noto Sans", "Noto Sans Lao"]
    assert font.pointSize() >= 13


def test_run_app_opens_migrates_and_makes_the_days_backup(app, tmp_path, monkeypatch):
    monkeypatch.setattr(AppController, "start", lambda self: False)
    path = tmp_path / "new.sqlite3"
    assert run_app(str(path)) == 0
    assert path.exists()
    assert list((tmp_path / "backups" / "new").glob("kongthun-*.sqlite3"))


def test_first_start_runs_the_wizard_then_the_log_in_then_the_window(app, db, monkeypatch,
                                                                      qtbot):
    calls = []
    monkeypatch.setattr(app_module, "offer_demo", lambda database: calls.append("demo"))

    def wizard(database):  # noqa: ANN001, ANN202
        calls.append("wizard")
        with database.write() as s:
            users.create_first_admin(s, username="suda", display_name="Suda", password="abcd")
        return "suda"

    def log_in(database, parent=None, username=""):  # noqa: ANN001, ANN202
        calls.append(f"login {username}")
        return users.login(database, username, "abcd"), False

    monkeypatch.setattr(app_module.FirstRunDialog, "ask", staticmethod(wizard))
    monkeypatch.setattr(app_module.LoginDialog, "ask", staticmethod(log_in))
    controller = AppController(db)
    assert controller.start()
    qtbot.addWidget(controller.window)
    assert calls == ["demo", "wizard", "login suda"]
    assert controller.window.isVisible()
    assert controller.window.user_name.text() == "Suda"
    window = controller.window
    window.log_out()  # back to the log-in dialog
    assert calls[-1] == "login suda"
    assert controller.window is not window and controller.window.isVisible()
    qtbot.addWidget(controller.window)


def test_the_idle_lock_covers_the_window_and_wants_the_password(window, qtbot):
    window.idle.idled.emit()
    assert window.cover.is_locked
    window.cover.password.setText("wrong")
    assert not window.cover.try_unlock()
    assert window.cover.message.text() == "Wrong user name or password."
    assert window.cover.is_locked
    window.cover.password.setText("demo")
    assert window.cover.try_unlock()
    assert not window.cover.is_locked
    assert window.idle.timer.isActive()


def test_the_idle_timer_uses_the_groups_setting_and_restarts_on_input(window, qtbot):
    assert window.idle.minutes == 10
    assert window.idle.timer.interval() == 10 * 60_000
    window.idle.timer.start(1000)
    qtbot.wait(400)
    QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A,
                                             Qt.KeyboardModifier.NoModifier, "a"))
    assert window.idle.timer.remainingTime() > 800


def test_the_backup_of_run_app_is_made_once_a_day(app, tmp_path, monkeypatch):
    monkeypatch.setattr(AppController, "start", lambda self: False)
    path = tmp_path / "ledger.sqlite3"
    run_app(str(path))
    run_app(str(path))
    assert len(list((tmp_path / "backups" / "ledger").glob("kongthun-*.sqlite3"))) == 1


def test_loading_the_demo_shows_each_step_and_the_window_keeps_drawing(app, db, messages,
                                                                       monkeypatch):
    from PySide6.QtCore import QTimer

    from models import demo

    real_build = demo.build_demo
    seen, ticks = [], []

    def small_demo(database, *, seed, groups, progress):  # noqa: ANN001, ANN202
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(0)

        def watch(step):  # noqa: ANN001, ANN202
            progress(step)
            dialog = next(w for w in QApplication.topLevelWidgets()
                          if w.objectName() == "demoProgress")
            seen.append((dialog.isVisible(), dialog.value(), dialog.maximum(),
                         dialog.labelText()))

        try:  # one group, one year: the same steps as the five-group demo, sooner
            return real_build(database, seed=seed, groups=1, years=1, progress=watch)
        finally:
            timer.stop()

    monkeypatch.setattr(demo, "build_demo", small_demo)
    monkeypatch.setattr(login_module.DemoOfferDialog, "ask",
                        classmethod(lambda cls, parent=None: "demo"))
    assert offer_demo(db) == "admin"
    assert seen and all(visible for visible, *_ in seen)
    values = [value for _, value, _, _ in seen]
    assert values == sorted(values) and values[-1] == seen[-1][2] == 1 + 12 + 1
    assert "Building demo group 1 of 1:" in seen[-1][3]
    assert len(ticks) >= 5  # the event loop ran while the demo was built
    assert "The demo is ready" in messages.last.text
    assert not [w for w in QApplication.topLevelWidgets()
                if w.objectName() == "demoProgress" and w.isVisible()]


def test_the_window_knows_every_capability_before_it_reads_a_ledger():
    """Started as `kongthun` starts (a fresh process, the ledger already there), the
    journal names each kind of entry in words, never by its code."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("from desktop.app import application; application(); "
            "from models.core import entry_text, i18n; i18n.set_language('en'); "
            "print(entry_text.kind_name('loan_disbursement'), '|', "
            "entry_text.kind_name('welfare_payout'))")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=root, env={"PYTHONPATH": str(root),
                                         "QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    assert done.stdout.strip() == "Loan paid out | Welfare benefit paid", done.stderr
