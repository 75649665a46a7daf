"""The one "run an action" helper and the one place that shows errors."""
from __future__ import annotations

import datetime as dt
import logging

from desktop import errors
from desktop.actions import run_action
from desktop.context import Change
from models.core import members, users
from models.core.errors import UserCancelled, UserError
from models.core.i18n import gettext
from models.core.members import MemberDetails
from models.core.schema import Member


def env_date() -> dt.date:
    return dt.date(2025, 3, 1)


def _member_count(env) -> int:  # noqa: ANN001
    with env.db.read() as s:
        return s.query(Member).count()


def test_a_successful_action_commits_and_announces_what_changed(ctx, env, qtbot):
    changes, notes = [], []
    ctx.signals.ledger_changed.connect(changes.append)
    ctx.signals.status_posted.connect(notes.append)
    details = MemberDetails(name_lao="ນາງ ດາ", gender="f", joined_on=env_date())
    outcome = run_action(ctx, None, lambda s, actor: members.add_member(
        s, actor, group_id=env.group_id, details=details), changed={"members"},
        message=lambda row: f"added {row.number}")
    assert outcome.ok and outcome.value.number == 4
    assert _member_count(env) == 4
    assert changes == [Change(frozenset({"members"}), env.group_id)]
    assert notes == ["added 4"]


def test_a_refused_action_shows_the_translated_reason_and_writes_nothing(make_ctx, env,
                                                                        messages, lao):
    auditor = make_ctx("auditor")
    changes = []
    auditor.signals.ledger_changed.connect(changes.append)
    details = MemberDetails(name_lao="ນາງ ດາ", gender="f", joined_on=env_date())
    outcome = run_action(auditor, None, lambda s, actor: members.add_member(
        s, actor, group_id=env.group_id, details=details), changed={"members"})
    assert not outcome
    assert _member_count(env) == 3
    assert changes == []
    assert messages.last.kind == errors.WARNING
    assert messages.last.title == gettext("Not saved", "lo")
    assert messages.last.text == gettext("{user} may not {action} here.", "lo").format(
        user="auditor", action=gettext("manage members", "lo"))


def test_several_problems_are_listed_together(ctx, env, messages):
    details = MemberDetails(name_lao="", gender="?", joined_on=env_date())
    run_action(ctx, None, lambda s, actor: members.add_member(
        s, actor, group_id=env.group_id, details=details))
    assert messages.last.text.splitlines() == ["• Enter the member's name.",
                                               "• Choose woman, man or other."]


def test_a_bug_is_logged_and_shown_with_details_never_swallowed(ctx, messages, caplog):
    def broken(session, actor):  # noqa: ANN001, ANN202
        raise ZeroDivisionError("the bug")

    with caplog.at_level(logging.ERROR, logger="kongthun.desktop"):
        assert not run_action(ctx, None, broken)
    assert messages.last.title == "Something went wrong"
    assert "ZeroDivisionError: the bug" in messages.last.details
    assert any("unexpected error" in r.message for r in caplog.records)


def test_cancelling_unwinds_quietly(ctx, messages):
    def cancelled(session, actor):  # noqa: ANN001, ANN202
        raise UserCancelled()

    assert not run_action(ctx, None, cancelled)
    assert messages.shown == []


def test_the_actor_is_re_read_so_a_switched_off_user_can_do_nothing(make_ctx, ctx, env,
                                                                   messages):
    treasurer = make_ctx("treasurer")
    assert run_action(ctx, None, lambda s, actor: users.set_active(
        s, actor, user_id=env.user_ids["treasurer"], active=False))
    assert not run_action(treasurer, None, lambda s, actor: None)
    assert messages.last.text == "Your account is no longer active."


def test_questions_and_errors_name_their_buttons_in_lao(app, messages, lao):
    errors.confirm(None, "x", confirm_text=gettext("Reverse entry", "lo"))
    errors.show_error(None, UserError("Enter an amount."))
    assert messages.shown[0].buttons == [gettext("Reverse entry", "lo"), "ຍົກເລີກ"]
    assert messages.shown[1].buttons == ["ຕົກລົງ"]
    assert messages.shown[1].title == gettext("Not saved", "lo")


def test_the_details_of_a_bug_are_behind_a_lao_button(app, qtbot, lao):
    dialog = errors.MessageDialog(None, kind=errors.ERROR, title="t", text="x",
                                  buttons=[errors.Button("ok", "ຕົກລົງ")], details="trace")
    qtbot.addWidget(dialog)
    assert dialog.details_button.text() == gettext("Show details", "lo") != "Show details"
    assert dialog.details.isHidden()
    dialog.details_button.click()
    assert not dialog.details.isHidden()


def test_a_strong_confirmation_needs_the_box_ticked(app, qtbot):
    dialog = errors.MessageDialog(None, kind=errors.WARNING, title="t", text="x",
                                  buttons=[errors.Button("yes", "Restore", danger=True),
                                           errors.Button("no", "Cancel")],
                                  require_tick="I understand")
    qtbot.addWidget(dialog)
    assert not dialog.button("yes").isEnabled()
    dialog.tick.setChecked(True)
    assert dialog.button("yes").isEnabled()
    dialog.button("yes").click()
    assert dialog.choice == "yes"


def test_confirm_says_yes_only_for_the_confirm_button(app, messages):
    messages.answer = "no"
    assert not errors.confirm(None, "Sure?")
    messages.answer = "yes"
    assert errors.confirm(None, "Sure?", confirm_text="Reverse entry", danger=True)
