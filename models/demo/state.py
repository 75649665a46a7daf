"""Whether a ledger holds a demo whose build was cut short (killed, a power cut): only demo
groups and demo users, and no ``demo.finished`` mark in the audit log, which a finished
build writes last. Such a ledger may be built again; anything else is never replaced."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core.schema import AuditEvent, Group, User
from models.demo.core import DEMO_USERS

FINISHED = "demo.finished"  # the audit mark of a demo built to the end


def is_unfinished_demo(session: Session) -> bool:
    """Every group is a demo group, every user a demo user, and the build never finished.
    No actor: it is asked before anyone can log in to the file."""
    demo_names = {name for name, _ in DEMO_USERS}
    real_groups = session.scalar(select(func.count(Group.id))
                                 .where(Group.is_demo.is_not(True)))
    names = set(session.scalars(select(User.username)))
    finished = session.scalar(select(AuditEvent.id).where(AuditEvent.action == FINISHED))
    return real_groups == 0 and names <= demo_names and finished is None
