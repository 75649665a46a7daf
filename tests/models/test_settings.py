"""Dated settings: a change applies from its date and never rewrites the past."""
from __future__ import annotations

import datetime as dt

import pytest

from models.core import ledger, settings
from models.core.errors import UserError


def test_a_setting_changes_from_its_date(env):
    with env.db.write() as s:
        settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key="rounding",
                           value="half-up", effective_from=dt.date(2026, 7, 1))
    with env.db.read() as s:
        assert settings.get(s, env.group_id, "rounding", on=dt.date(2026, 6, 30)) == "half-even"
        assert settings.get(s, env.group_id, "rounding", on=dt.date(2026, 7, 1)) == "half-up"
        assert settings.get(s, env.group_id, "rounding") == "half-up"
        assert settings.history(s, env.group_id, "rounding") == [(dt.date(2026, 7, 1), "half-up")]


def test_bad_values_and_unknown_keys_are_refused(env):
    with pytest.raises(UserError, match="Choose one of"):
        with env.db.write() as s:
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key="rounding",
                               value="banker", effective_from=dt.date(2026, 7, 1))
    with pytest.raises(UserError, match="Unknown setting"):
        with env.db.write() as s:
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key="nope",
                               value=1, effective_from=dt.date(2026, 7, 1))


def test_settings_cannot_change_inside_a_locked_period(env):
    with env.db.write() as s:
        ledger.lock_period(s, env.user(s, "admin"), group_id=env.group_id,
                           through=dt.date(2026, 6, 30))
    with pytest.raises(UserError, match="locked through 30/06/2026"):
        with env.db.write() as s:
            settings.set_value(s, env.user(s, "admin"), group_id=env.group_id, key="rounding",
                               value="half-up", effective_from=dt.date(2026, 6, 1))
