"""The window's side of translation: a Qt signal for language switches, the Lao locale for
dates, and Lao for the few texts Qt draws itself.

``models.core.i18n`` owns the language and the catalogs. This module turns its listener into a
Qt signal (``language_bridge().changed``) so widgets can retranslate without a restart,
and installs a ``QTranslator`` that answers Qt's own strings (the copy/paste menu of text
fields, standard buttons, the file dialog) from our catalog, because Qt ships no Lao.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTranslator, Signal

from models.core import i18n
from models.core.i18n import N_, gettext

# Qt's own source texts (context, text) that our catalog translates. Mnemonic "&" and
# "\t"-shortcut suffixes are stripped before the lookup.
QT_TEXTS = {
    "&Undo": N_("Undo"),
    "&Redo": N_("Redo"),
    "Cu&t": N_("Cut"),
    "&Copy": N_("Copy"),
    "&Paste": N_("Paste"),
    "Delete": N_("Delete"),
    "Select All": N_("Select all"),
    "OK": N_("OK"),
    "Cancel": N_("Cancel"),
    "&Yes": N_("Yes"),
    "&No": N_("No"),
    "Close": N_("Close"),
    "Save": N_("Save"),
    "&Open": N_("Open"),
    "&Choose": N_("Choose"),
    "Look in:": N_("Look in:"),
    "File &name:": N_("File name:"),
    "Files of type:": N_("Files of type:"),
    "Folder:": N_("Folder:"),
    "Today": N_("Today"),
    # the file dialog (desktop.documents): its buttons, columns, menu and questions
    "&Save": N_("Save"),
    "Save As": N_("Save as"),
    "Directory:": N_("Folder:"),
    "Files of &type:": N_("Files of type:"),
    "Back": N_("Back"),
    "Forward": N_("Forward"),
    "Parent Directory": N_("Up one folder"),
    "Create New Folder": N_("New folder"),
    "New Folder": N_("New folder"),
    "&New Folder": N_("New folder"),
    "List View": N_("List"),
    "Detail View": N_("Details"),
    "&Rename": N_("Rename"),
    "&Delete": N_("Delete"),
    "Show &hidden files": N_("Show hidden files"),
    "Recent Places": N_("Recent folders"),
    "Computer": N_("Computer"),
    "All Files (*)": N_("All files (*)"),
    "Name": N_("Name"),
    "Size": N_("Size"),
    "Type": N_("Type"),
    "Date Modified": N_("Date changed"),
    "%1 already exists.\nDo you want to replace it?": N_(
        "%1 is there already.\nDo you want to replace it?"),
    # the print dialog
    "Print": N_("Print"),
    "&Print": N_("Print"),
    "Printer": N_("Printer"),
    "&Name:": N_("Name:"),
    "P&roperties": N_("Settings"),
    "Location:": N_("Place:"),
    "Type:": N_("Type:"),
    "Output &file:": N_("Save to file:"),
    "&Options >>": N_("More >>"),
    "&Options <<": N_("Less <<"),
    "Print range": N_("Which pages"),
    "Print all": N_("All pages"),
    "Pages from": N_("Pages from"),
    "to": N_("to"),
    "Current Page": N_("This page"),
    "Selection": N_("Selection"),
    "Copies": N_("Copies"),
    "Copies:": N_("Copies:"),
    "Collate": N_("Collate"),
    "Reverse": N_("Last page first"),
    "Options": N_("Options"),
    "Print to File (PDF)": N_("Print to a PDF file"),
    "Write PDF file": N_("Write a PDF file"),
    "Local file": N_("File on this computer"),
    "Page Setup": N_("Page setup"),
    "Paper": N_("Paper"),
    "Page size:": N_("Paper size:"),
    "Orientation": N_("Which way up"),
    "Portrait": N_("Upright"),
    "Landscape": N_("Sideways"),
    "Color Mode": N_("Colour"),
    "Color": N_("Colour"),
    "Grayscale": N_("Grey"),
    "Margins": N_("Margins"),
    "Duplex Printing": N_("Both sides of the paper"),
    "None": N_("None"),
    "Long side": N_("Turn on the long side"),
    "Short side": N_("Turn on the short side"),
    "Output Settings": N_("Output"),
    "Page Layout": N_("Page layout"),
    "Advanced": N_("Advanced"),
    "Paper source:": N_("Paper tray:"),
    "Width:": N_("Width:"),
    "Height:": N_("Height:"),
}


class _LaoQtTranslator(QTranslator):
    """Answers Qt's built-in strings in Lao; everything else passes through."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ANN001, ARG002
        # None is Qt's null string: "not translated here", so Qt keeps its own text.
        if i18n.current_language() != "lo" or not source_text:
            return None
        head, tab, tail = source_text.partition("\t")
        msgid = QT_TEXTS.get(head)
        if msgid is None:
            return None
        return gettext(msgid) + (tab + tail if tab else "")

    def isEmpty(self) -> bool:  # noqa: N802
        return False


class LanguageBridge(QObject):
    """Emits ``changed(language)`` after every ``models.core.i18n.set_language``."""

    changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.translator = _LaoQtTranslator()
        i18n.on_language_changed(self._on_changed)

    def _on_changed(self, language: str) -> None:
        apply_locale(language)
        self.changed.emit(language)


_bridge: LanguageBridge | None = None


def language_bridge() -> LanguageBridge:
    """The one bridge (created after the QApplication, installed with its translator)."""
    global _bridge
    if _bridge is None:
        _bridge = LanguageBridge()
        app = QCoreApplication.instance()
        if app is not None:
            app.installTranslator(_bridge.translator)
        apply_locale(i18n.current_language())
    return _bridge


def apply_locale(language: str) -> None:
    """Month and day names of calendars follow the language; number formats stay Western
    (1,250,000) because that is what the money formatter writes."""
    if language == "lo":
        locale = QLocale(QLocale.Language.Lao, QLocale.Country.Laos)
    else:
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)
    locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    QLocale.setDefault(locale)


def switch_language(language: str) -> None:
    """Change the language of the whole app now (every screen retranslates)."""
    language_bridge()
    i18n.set_language(language)
