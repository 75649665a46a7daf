"""Backup and restore as user actions (permission checked, audited)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models.core import audit, backup, recovery, users
from models.core.db import Database
from models.core.errors import PermissionDenied
from models.core.i18n import N_
from models.core.permissions import Permission, has_permission, require
from models.core.schema import Group, User


def make_backup(database: Database, actor: User, target: Path) -> backup.BackupResult:
    """Copy the whole ledger file, for someone allowed to back up *every* group in it.

    A backup is the file itself: every group's members, money and the users' password
    hashes. Cutting out one group's part would give a file that is no ledger (the chains,
    users and settings are shared) and could not be restored, so a backup is whole and
    only those who may see the whole may make one: an administrator of all groups, or on a
    laptop whose groups all grant the user a backing-up role, that user. The audit event
    names who made it, and is itself inside the copy."""
    with database.write() as session:
        actor = users.reload_user(session, actor)
        group_ids = list(session.scalars(select(Group.id).order_by(Group.id)))
        for group_id in group_ids or [None]:
            if not has_permission(session, actor, Permission.BACKUP, group_id):
                raise PermissionDenied(
                    N_("{user} may not copy the whole ledger: a backup holds every group's "
                       "records, so only someone allowed to back up every group (an "
                       "administrator of all groups) may make one."), user=actor.username)
        audit.record(session, actor, "backup", path=str(target), groups=len(group_ids))
    return backup.write_backup(database, Path(target))


def restore_backup(database: Database, actor: User, source: Path) -> recovery.RestoreResult:
    """The window's restore: admins (of all groups) only. Refused while another window or
    program has the ledger open; the current ledger is kept first; the restore is written
    to the restored ledger's own audit log (``models.core.recovery``)."""
    with database.read() as session:
        require(session, users.reload_user(session, actor), Permission.RESTORE_BACKUP, None)
    return recovery.restore_open(database, Path(source), username=actor.username)
