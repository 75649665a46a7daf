"""The small NSSF line on the overview and the meeting screen: members whose NSSF month is
unpaid and who are in grace, with the last month it can still be paid (the soonest first,
``models.nssf.coverage.grace_warnings``), and how many contracts lapsed. Hidden for groups
that do not pool NSSF contributions and when nobody is behind."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QWidget

from desktop.context import ScreenContext
from desktop.widgets import mark_data
from models.core import clock
from models.core.errors import UserError
from models.core.i18n import _
from models.nssf import coverage, scheme
from models.nssf import enrolment as enrolments

SHOWN = 4  # names on the line; the rest counted


@dataclass(frozen=True)
class Behind:
    grace: tuple[coverage.GraceWarning, ...]
    lapsed: int


def behind(session, actor, group_id: int) -> Behind:  # noqa: ANN001
    """Nothing for a group that does not pool NSSF contributions."""
    if not scheme.uses_pooling(session, group_id, clock.today()):
        return Behind((), 0)
    lapsed = sum(1 for r in enrolments.enrolments(session, actor, group_id)
                 if r.status == enrolments.LAPSED)
    return Behind(tuple(coverage.grace_warnings(session, actor, group_id)), lapsed)


def warning_text(found: Behind) -> str:
    parts = []
    if found.grace:
        names = ", ".join(_("{name} (pay by {month})").format(
            name=w.name, month=w.pay_by.strftime("%m/%Y")) for w in found.grace[:SHOWN])
        if len(found.grace) > SHOWN:
            names += " " + _("and {count} more").format(count=len(found.grace) - SHOWN)
        parts.append(_("NSSF in grace: {names}.").format(names=names))
    if found.lapsed:
        parts.append(_("NSSF lapsed: {count}; enrol them again to be covered.")
                     .format(count=found.lapsed))
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
        self.found = Behind((), 0)

    def refresh(self) -> None:
        gid = self.ctx.group_id
        try:
            self.found = self.ctx.read(lambda s, a: behind(s, a, gid)) if gid else Behind((), 0)
        except UserError:
            self.found = Behind((), 0)
        self.retranslate()

    def retranslate(self) -> None:
        text = warning_text(self.found)
        self.setText(text)
        self.setVisible(bool(text))
