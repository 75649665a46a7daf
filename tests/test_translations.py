"""Every translatable string in the code has a Lao translation with the same placeholders,
and every catalog parses."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from models.core.i18n import load_catalog, parse_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("models", "desktop", "reports")
MARKERS = {"_", "N_", "tr"}


def extract_strings() -> dict[str, list[str]]:
    """msgid -> places, from calls like _("..."), N_("..."), self.tr("...")."""
    found: dict[str, list[str]] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else (
                    func.attr if isinstance(func, ast.Attribute) else None)
                if name not in MARKERS:
                    continue
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, []).append(
                        f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_has_a_lao_translation():
    catalog = load_catalog("lo")
    missing = [f"{msgid!r} ({places[0]})" for msgid, places in extract_strings().items()
               if msgid not in catalog]
    assert not missing, f"{len(missing)} strings without Lao:\n" + "\n".join(missing)


def test_placeholders_match():
    catalog = load_catalog("lo")
    wrong = [msgid for msgid, msgstr in catalog.items()
             if placeholders(msgid) != placeholders(msgstr)]
    assert not wrong, wrong


def test_translations_are_lao_script():
    catalog = load_catalog("lo")
    lao = re.compile("[\u0e80-\u0eff]")
    not_lao = [k for k, v in catalog.items() if not lao.search(v) and any(c.isalpha() for c in k)]
    assert not not_lao, not_lao


def test_po_parser_handles_multiline_and_fuzzy():
    text = '''
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

msgid "Hello"
msgstr "ສະບາຍດີ"

#, fuzzy
msgid "Old"
msgstr "ເກົ່າ"

msgid ""
"Two "
"lines"
msgstr ""
"ສອງ "
"ແຖວ"
'''
    assert parse_po(text) == {"Hello": "ສະບາຍດີ", "Two lines": "ສອງ ແຖວ"}
