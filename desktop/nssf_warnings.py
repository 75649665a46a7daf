"""The small NSSF line on the overview and the meeting screen: members whose NSSF month is
unpaid and who are in grace, with the last month it can still be paid, the soonest first;
and members whose contract lapsed. Hidden for groups that do not pool NSSF contributions
and when nobody is behind."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop.context import ScreenContext
from desktop.widgets import mark_data
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import _
from models.nssf import enrolment as enrolments, scheme
from models.nssf.enrolment import EnrolmentRow

SHOWN = 4  # names on the line; the rest counted


def behind(session, actor, group_id: int) -> list[EnrolmentRow]:  # noqa: ANN001
    """The group's members in grace (soonest deadline first), then those lapsed; none for a
    group that does not pool NSSF contributions."""
    if not scheme.uses_pooling(session, group_id, clock.today()):
        return []
    rows = enrolments.enrolments(session, actor, group_id)
    grace = sorted((r for r in rows if r.status == enrolments.IN_GRACE),
                   key=lambda r: (r.pay_by, r.member_number))
    lapsed = [r for r in rows if r.status == enrolments.LAPSED and r.end_reason is None]
    return grace + lapsed


def warning_text(rows: list[EnrolmentRow]) -> str:
    grace = [r for r in rows if r.status == enrolments.IN_GRACE]
    lapsed = [r for r in rows if r.status == enrolments.LAPSED]
    parts = []
    if grace:
        names = ", ".join(_("{name} (pay by {month})").format(
            name=r.name, month=r.pay_by.strftime("%m/%Y")) for r in grace[:SHOWN])
        if len(grace) > SHOWN:
            names += " " + _("and {count} more").format(count=len(grace) - SHOWN)
        parts.append(_("NSSF in grace: {names}.").format(names=names))
    if lapsed:
        parts.append(_("NSSF lapsed: {count} members; enrol them again to be covered.")
                     .format(count=len(lapsed)))
    return " ".join(parts)


class GraceWarning(QLabel):
    """One wrapping amber line; ``refresh()`` reads it again for the group in view."""

    def __init__(self, ctx: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("warning")
        self.setWordWrap(True)
        mark_data(self)  # member names; the words around them are translated
        self.setVisible(False)
        self.rows: list[EnrolmentRow] = []

    def refresh(self) -> None:
        gid = self.ctx.group_id
        try:
            self.rows = self.ctx.read(lambda s, a: behind(s, a, gid)) if gid else []
        except UserError:
            self.rows = []
        self.retranslate()

    def retranslate(self) -> None:
        text = warning_text(self.rows)
        self.setText(text)
        self.setVisible(bool(text))
