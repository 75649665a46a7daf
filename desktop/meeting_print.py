"""Printing a posted meeting: the summary for the group's records and the members'
receipts, written as PDFs (``reports.meeting_pdf``) into a folder the treasurer chooses
and opened with the computer's PDF viewer, from which she prints."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from desktop.actions import run_task
from desktop.context import ScreenContext
from desktop.widgets import choose_folder
from models import meetings
from models.i18n import _
from models.meetings import MeetingRow
from reports.meeting_pdf import write_meeting_summary, write_receipts

SUMMARY, RECEIPTS = "summary", "receipts"


def open_document(path: Path) -> None:
    """Open a saved PDF with the computer's viewer (to look at it and print it)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def file_names(meeting: MeetingRow) -> dict[str, str]:
    day = meeting.meeting_date.isoformat()
    return {SUMMARY: f"meeting-{day}-summary.pdf", RECEIPTS: f"meeting-{day}-receipts.pdf"}


def print_meeting(parent: QWidget | None, ctx: ScreenContext, meeting: MeetingRow,
                  what: tuple[str, ...] = (SUMMARY, RECEIPTS)) -> list[Path]:
    """Ask for a folder, write the summary and/or the receipts there in the current
    language and open them. Returns the files written (none when cancelled or failed)."""
    folder = choose_folder(parent, _("Where to save the meeting's papers"))
    if not folder:
        return []
    names = file_names(meeting)
    paths = {kind: Path(folder) / names[kind] for kind in what}

    def write() -> list[Path]:
        summary = ctx.read(lambda s, actor: meetings.meeting_summary(s, actor, meeting.id))
        if SUMMARY in paths:
            write_meeting_summary(summary, paths[SUMMARY])
        if RECEIPTS in paths:
            write_receipts(summary, paths[RECEIPTS])
        return list(paths.values())

    outcome = run_task(ctx, parent, write, message=_("Saved to {folder}.").format(
        folder=folder))
    if not outcome:
        return []
    for path in outcome.value:
        open_document(path)
    return outcome.value
