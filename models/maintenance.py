"""Backup and restore as user actions (permission checked, audited)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from models import audit, backup, users
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


def restore_backup(database: Database, actor: User, source: Path) -> backup.BackupResult:
    """Admins (of all groups) only. The current ledger is backed up first; the restore is
    then written to the restored ledger's own audit log."""
    with database.read() as session:
        require(session, users.reload_user(session, actor), Permission.RESTORE_BACKUP, None)
    result = backup.restore(database, Path(source))
    with database.write() as session:
        audit.record(session, None, "backup.restore", username=actor.username,
                     source=str(source))
    return result
