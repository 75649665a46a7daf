"""Printing a posted meeting: the summary for the group's records and the members'
receipts (``reports.meeting_pdf``), printed or saved through ``desktop.documents``."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop.context import ScreenContext
from desktop.documents import Paper, save_document
from models.core.i18n import _
from models.meetings import summary as meeting_summaries
from models.meetings.meeting import MeetingRow
from reports.meeting_pdf import write_meeting_summary, write_receipts

SUMMARY, RECEIPTS = "summary", "receipts"


def file_names(meeting: MeetingRow) -> dict[str, str]:
    day = meeting.meeting_date.isoformat()
    return {SUMMARY: f"meeting-{day}-summary.pdf", RECEIPTS: f"meeting-{day}-receipts.pdf"}


def print_meeting(parent: QWidget | None, ctx: ScreenContext, meeting: MeetingRow,
                  what: tuple[str, ...] = (SUMMARY, RECEIPTS)) -> list[Path]:
    """Print the summary and/or the receipts in the current language, or save them as
    PDFs. Returns the files written (none when cancelled or failed)."""
    names = file_names(meeting)
    writers = {SUMMARY: write_meeting_summary, RECEIPTS: write_receipts}

    def paper(kind: str) -> Paper:
        return Paper(names[kind], lambda s, actor, path: writers[kind](
            meeting_summaries.meeting_summary(s, actor, meeting.id), path))

    titles = {(SUMMARY,): _("the meeting summary"), (RECEIPTS,): _("the members' receipts")}
    return save_document(parent, ctx, [paper(kind) for kind in what],
                         what=titles.get(tuple(what), _("the meeting's papers")))
