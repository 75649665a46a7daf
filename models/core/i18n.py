"""Translations for every front end, without Qt.

Source strings are English. Catalogs are gettext ``.po`` files under
``resources/translations/<lang>/`` (one per capability, so they can be edited apart); all
files of a language are merged. ``_()`` translates now, in the current language; ``N_()``
only marks a string for extraction (for module-level constants and error ids that are
translated when shown). Always format after translating:
``_("Loan {number} is overdue").format(number=n)``, never an f-string inside ``_()``.
"""
from __future__ import annotations

import ast
import os
import threading
from pathlib import Path

from resources import TRANSLATIONS

LANGUAGES = ("lo", "en")
DEFAULT_LANGUAGE = "lo"

_lock = threading.Lock()
_catalogs: dict[str, dict[str, str]] = {}
_current = DEFAULT_LANGUAGE
_listeners: list = []


def parse_po(text: str) -> dict[str, str]:
    """Parse the subset of gettext PO we use: msgctxt-free msgid/msgstr pairs, multi-line
    strings, standard escapes. Fuzzy and empty translations are skipped."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal msgid, msgstr, fuzzy
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value and not fuzzy:
                entries[key] = value
        msgid = msgstr = None
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            current = None
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                flush()
                fuzzy = True
            continue
        if line.startswith("msgid "):
            if msgstr is not None:
                saved_fuzzy = fuzzy
                flush()
                fuzzy = saved_fuzzy
            msgid = [ast.literal_eval(line[6:].strip())]
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:].strip())]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return entries


def load_catalog(language: str, directory: Path = TRANSLATIONS) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = directory / language
    if folder.is_dir():
        for po in sorted(folder.glob("*.po")):
            merged.update(parse_po(po.read_text(encoding="utf-8")))
    return merged


def _catalog(language: str) -> dict[str, str]:
    with _lock:
        if language not in _catalogs:
            _catalogs[language] = {} if language == "en" else load_catalog(language)
        return _catalogs[language]


def reload_catalogs() -> None:
    with _lock:
        _catalogs.clear()


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _current = language
    for listener in list(_listeners):
        listener(language)


def current_language() -> str:
    return _current


def on_language_changed(callback) -> None:
    """Call ``callback(language)`` after every ``set_language``."""
    _listeners.append(callback)


def remove_language_listener(callback) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


def language_from_environment() -> str:
    value = os.environ.get("KONGTHUN_LANG") or os.environ.get("LANG", "")
    if value.startswith("en"):
        return "en"
    if value.startswith("lo"):
        return "lo"
    return DEFAULT_LANGUAGE


def gettext(message: str, language: str | None = None) -> str:
    return _catalog(language or _current).get(message, message)


def _(message: str) -> str:
    return gettext(message)


def N_(message: str) -> str:
    return message


class Deferred(str):
    """An ``N_()`` text passed as a message parameter: translated when the message is
    shown (in the language of that moment), not when it was raised."""

    def __format__(self, spec: str) -> str:
        return format(gettext(str(self)), spec)
