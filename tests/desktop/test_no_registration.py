"""The window reads the models' registries and never writes into them: every entry kind,
meeting column, setting and check is declared by its capability (models.core.capability),
so what the ledger means cannot depend on which screens happen to be imported."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHANGES = {"update", "append", "extend", "add", "insert", "setdefault", "pop", "clear",
           "remove", "add_kinds"}


def _model_names(tree: ast.Module) -> set[str]:
    """The names a module binds to things imported from models/."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("models"):
            names |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names
                      if a.name.startswith("models")}
    return names


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _writes(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    models = _model_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _root(func.value) in models and (
                    func.attr in CHANGES or func.attr.startswith("register")):
                found.append(f"{where}:{node.lineno} calls {ast.unparse(func)}")
            elif isinstance(func, ast.Name) and func.id in models and (
                    func.id.startswith("register") or func.id == "add_kinds"):
                found.append(f"{where}:{node.lineno} calls {func.id}")
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign))
                   else [])
        for target in targets:
            if isinstance(target, (ast.Attribute, ast.Subscript)) and _root(target) in models:
                found.append(f"{where}:{node.lineno} assigns {ast.unparse(target)}")
        if isinstance(node, ast.Assign) and node in tree.body \
                and isinstance(node.value, ast.Attribute) and _root(node.value) in models \
                and node.value.attr.isupper():
            # A screen's own name for a models registry invites writing into it.
            found.append(f"{where}:{node.lineno} keeps {ast.unparse(node.value)} as its own")
    return found


def test_no_screen_or_command_writes_into_a_models_registry():
    found = [w for path in sorted((ROOT / "desktop").rglob("*.py"))
             for w in _writes(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


def test_the_check_sees_a_write_and_an_alias():
    """The check itself: the journal screen's old copy of the kind names is caught, as a
    write into it would be."""
    found = _writes("from models.core import entry_text\n"
                    "KIND_NAMES = entry_text.KIND_NAMES\n"
                    "entry_text.KIND_NAMES.update({'x': 'y'})\n"
                    "entry_text.KIND_NAMES['z'] = 'w'\n", "journal.py")
    assert sorted(found) == [
        "journal.py:2 keeps entry_text.KIND_NAMES as its own",
        "journal.py:3 calls entry_text.KIND_NAMES.update",
        "journal.py:4 assigns entry_text.KIND_NAMES['z']"]
