"""Backup and restore as user actions (permission checked, audited)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models import audit, backup, recovery, users
from models.db import Database
from models.permissions import ROLE_PERMISSIONS, Permission, Role, require
from models.schema import RoleGrant, User


def make_backup(database: Database, actor: User, target: Path) -> backup.BackupResult:
    """Anyone who may back up in at least one group may copy the ledger file."""
    with database.write() as session:
        actor = users.reload_user(session, actor)
        roles = session.scalars(select(RoleGrant.role).where(RoleGrant.user_id == actor.id))
        if not any(Permission.BACKUP in ROLE_PERMISSIONS[Role(r)] for r in roles):
            require(session, actor, Permission.BACKUP, None)  # raises, with the message
        audit.record(session, actor, "backup", path=str(target))
    return backup.write_backup(database, Path(target))


def restore_backup(database: Database, actor: User, source: Path) -> recovery.RestoreResult:
    """The window's restore: admins (of all groups) only. Refused while another window or
    program has the ledger open; the current ledger is kept first; the restore is written
    to the restored ledger's own audit log (``models.recovery``)."""
    with database.read() as session:
        require(session, users.reload_user(session, actor), Permission.RESTORE_BACKUP, None)
    return recovery.restore_open(database, Path(source), username=actor.username)
