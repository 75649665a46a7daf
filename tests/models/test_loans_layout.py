"""The loans package reads top to bottom: its modules import each other without a circle,
not even one hidden in a function; none is longer than a newcomer can read at once; and
the loan papers are made from rows, never from the database."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "models" / "loans"
MAX_LINES = 500


def loans_imports(path: Path) -> set[str]:
    """The ``models.loans`` modules ``path`` imports, anywhere in it (functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "models.loans":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("models.loans."):
            found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[2] for alias in node.names
                         if alias.name.startswith("models.loans."))
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports (the package's ``__init__``, which only
    declares the capability, is the top and not part of it)."""
    return {path.stem: loans_imports(path) - {path.stem}
            for path in PACKAGE.glob("*.py") if path.stem != "__init__"}


def circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the modules on it, or None."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for other in sorted(edges.get(module, ())):
            if state.get(other) == "open":
                return path[path.index(other):] + [other]
            if other not in state and (found := visit(other)):
                return found
        state[module] = "done"
        path.pop()
        return None

    for module in sorted(edges):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_the_loan_modules_import_each_other_without_a_circle():
    edges = graph()
    assert "lifecycle" not in edges  # split into the modules below
    assert edges["arrears"] >= {"state"} and "penalties" not in edges["arrears"]
    assert circle(edges) is None, " -> ".join(circle(edges))


def test_the_circle_finder_finds_a_hidden_circle():
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_an_import_inside_a_function_counts(tmp_path):
    module = tmp_path / "repayments.py"
    module.write_text("def f():\n    from models.loans import arrears\n    return arrears\n",
                      encoding="utf-8")
    assert loans_imports(module) == {"arrears"}


def test_no_loan_module_is_longer_than_a_newcomer_reads_at_once():
    long = {path.name: n for path in PACKAGE.glob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_loan_papers_are_laid_out_from_rows_not_read_from_the_database():
    for path in sorted((ROOT / "reports").glob("loan_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                    for a in n.names}
        assert not any(m and m.split(".")[0] == "sqlalchemy" for m in modules), path.name
        arguments = {a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                     for a in n.args.args + n.args.kwonlyargs}
        assert "session" not in arguments, path.name
