"""A group keeps its books in one currency, chosen when it is created; every service,
screen and paper finds it by the one lookup, ``models.core.groups.group_currency``."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models.core import groups, users
from models.core.errors import NotFound
from models.core.groups import group_currency
from models.loans import common as loan_common
from models.savings import rules as savings_rules

ROOT = Path(__file__).resolve().parents[2]


def test_a_group_keeping_baht_shows_its_amounts_in_baht(db):
    """A group near the Thai border keeps baht: 1,250 satang is ฿12.50 in the loans' and
    the savings' messages alike, and kip stays kip for the kip group beside it."""
    with db.write() as s:
        admin = users.create_first_admin(s, username="admin", display_name="Admin",
                                          password="demo")
        baht = groups.create_group(s, admin, name="ກຸ່ມບ້ານແດນ", currency="THB").id
        kip = groups.create_group(s, admin, name="ກຸ່ມບ້ານໜອງບອນ").id
    with db.read() as s:
        assert group_currency(s, baht).code == "THB"
        assert group_currency(s, kip).code == "LAK"
        assert loan_common.money_text(s, baht, 1_250) == "฿12.50"
        assert savings_rules.money_text(s, baht, 1_250) == "฿12.50"
        assert loan_common.money_text(s, kip, 1_250_000) == "1,250,000 ₭"


def test_a_group_that_does_not_exist_is_said_so(db):
    with db.read() as s, pytest.raises(NotFound, match="No such group"):
        group_currency(s, 999)


def _copies(path: Path) -> list[str]:
    """Where ``path`` looks a group's currency up by itself: a ``group_currency`` of its
    own, or ``session.get(Group, …).currency``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and node.name == "group_currency":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} defines group_currency")
        if (isinstance(node, ast.Attribute) and node.attr == "currency"
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "get" and node.value.args
                and isinstance(node.value.args[0], ast.Name)
                and node.value.args[0].id == "Group"):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} reads Group.currency")
    return found


def test_there_is_one_lookup_of_a_groups_currency():
    own = ROOT / "models" / "core" / "groups.py"
    copies = [copy for folder in ("models", "desktop", "reports")
              for path in sorted((ROOT / folder).rglob("*.py")) if path != own
              for copy in _copies(path)]
    assert copies == []
