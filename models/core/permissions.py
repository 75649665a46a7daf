"""Roles and what they may do. Checked in the services, not only by hiding buttons."""
from __future__ import annotations

from enum import StrEnum

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from models.core.errors import PermissionDenied
from models.core.i18n import N_, Deferred
from models.core.schema import RoleGrant, User


class Role(StrEnum):
    ADMIN = "admin"
    TREASURER = "treasurer"
    LEADER = "leader"
    AUDITOR = "auditor"


ROLE_NAMES = {
    Role.ADMIN: N_("Administrator"),
    Role.TREASURER: N_("Treasurer"),
    Role.LEADER: N_("Leader"),
    Role.AUDITOR: N_("Auditor"),
}


class Permission(StrEnum):
    MANAGE_GROUPS = "manage_groups"        # create groups, edit group details
    MANAGE_USERS = "manage_users"          # create users, grant roles
    CHANGE_SETTINGS = "change_settings"    # dated group settings, chart of accounts
    RESTORE_BACKUP = "restore_backup"
    LOCK_PERIOD = "lock_period"
    MANAGE_MEMBERS = "manage_members"      # add, edit, leave
    RECORD = "record"                      # meetings, deposits, repayments, contributions
    REVERSE = "reverse"                    # reverse a posted entry, with a reason
    APPROVE = "approve"                    # loans and welfare claims (never one's own)
    PRINT_PASSBOOK = "print_passbook"
    READ = "read"
    EXPORT = "export"
    VERIFY = "verify"
    BACKUP = "backup"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({
        Permission.MANAGE_GROUPS, Permission.MANAGE_USERS, Permission.CHANGE_SETTINGS,
        Permission.RESTORE_BACKUP, Permission.LOCK_PERIOD, Permission.MANAGE_MEMBERS,
        Permission.READ, Permission.EXPORT, Permission.VERIFY, Permission.BACKUP,
    }),
    Role.TREASURER: frozenset({
        Permission.MANAGE_MEMBERS, Permission.RECORD, Permission.REVERSE, Permission.READ,
        Permission.EXPORT, Permission.VERIFY, Permission.BACKUP, Permission.PRINT_PASSBOOK,
    }),
    Role.LEADER: frozenset({
        Permission.APPROVE, Permission.PRINT_PASSBOOK, Permission.READ, Permission.EXPORT,
        Permission.VERIFY,
    }),
    Role.AUDITOR: frozenset({
        Permission.READ, Permission.EXPORT, Permission.VERIFY,
    }),
}

PERMISSION_NAMES = {
    Permission.MANAGE_GROUPS: N_("manage groups"),
    Permission.MANAGE_USERS: N_("manage users and roles"),
    Permission.CHANGE_SETTINGS: N_("change settings"),
    Permission.RESTORE_BACKUP: N_("restore a backup"),
    Permission.LOCK_PERIOD: N_("lock a period"),
    Permission.MANAGE_MEMBERS: N_("manage members"),
    Permission.RECORD: N_("record money"),
    Permission.REVERSE: N_("reverse an entry"),
    Permission.APPROVE: N_("approve loans and claims"),
    Permission.PRINT_PASSBOOK: N_("print passbooks"),
    Permission.READ: N_("see the group's records"),
    Permission.EXPORT: N_("export reports"),
    Permission.VERIFY: N_("verify the ledger"),
    Permission.BACKUP: N_("make a backup"),
}


def roles_with(permission: Permission) -> tuple[Role, ...]:
    """The roles that hold ``permission``, in the order of ``Role`` (to say on a closed
    button who may do it)."""
    return tuple(role for role in Role if permission in ROLE_PERMISSIONS[role])


def roles_of(session: Session, user: User, group_id: int | None) -> set[Role]:
    """The user's roles in ``group_id`` (grants for all groups included); with
    ``group_id=None`` only the all-groups grants."""
    query = select(RoleGrant.role).where(RoleGrant.user_id == user.id)
    if group_id is None:
        query = query.where(RoleGrant.group_id.is_(None))
    else:
        query = query.where((RoleGrant.group_id == group_id) | RoleGrant.group_id.is_(None))
    return {Role(r) for r in session.scalars(query)}


def has_permission(session: Session, user: User, permission: Permission,
                   group_id: int | None) -> bool:
    if not user.is_active:
        return False
    if permission in CHANGES_A_GROUP and is_read_only_copy(session, group_id):
        return False
    return any(permission in ROLE_PERMISSIONS[r] for r in roles_of(session, user, group_id))


# What an office may not do to a group whose books come from its village laptop
# (models.core.bundles): everything that would change them, but for the bundle import itself.
CHANGES_A_GROUP = frozenset({
    Permission.MANAGE_GROUPS, Permission.CHANGE_SETTINGS, Permission.LOCK_PERIOD,
    Permission.MANAGE_MEMBERS, Permission.RECORD, Permission.REVERSE, Permission.APPROVE,
    Permission.PRINT_PASSBOOK,
})
REPLICAS = "kongthun_replicas"          # session.info: ids of the office's copies
IMPORTING = "kongthun_bundle_import"    # session.info: the copy a bundle import may write


def is_read_only_copy(session: Session, group_id: int | None) -> bool:
    """Whether ``group_id`` is an office's copy of a village ledger, read-only here (the
    import of a new bundle into it excepted)."""
    if group_id is None or session.info.get(IMPORTING) == group_id:
        return False
    copies = session.info.get(REPLICAS)
    if copies is None:
        from models.core.schema_bundles import ReplicaGroup

        copies = set()
        if inspect(session.connection()).has_table("replica_groups"):  # older ledgers
            copies = set(session.scalars(select(ReplicaGroup.group_id)))
        session.info[REPLICAS] = copies
    return group_id in copies


def refuse_read_only_copy(session: Session, group_id: int | None) -> None:
    if is_read_only_copy(session, group_id):
        raise PermissionDenied(N_("This group's books are kept on its village laptop; the "
                                  "office's copy is read-only. Import a new bundle to bring "
                                  "it up to date."))


# Roles that change a group's books; an auditor only reads.
WRITING_ROLES = frozenset({Role.ADMIN, Role.TREASURER, Role.LEADER})


def require_writer(session: Session, user: User, group_id: int) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is active and holds a writing role in
    ``group_id``: the floor every posting to the ledger stands on (``ledger.post_entry``),
    under the service's own, narrower ``require``. Remembered for the rest of the
    transaction, since a meeting posts hundreds of entries."""
    refuse_read_only_copy(session, group_id)
    seen: set = session.info.setdefault("kongthun_writers", set())
    if (user.id, group_id) in seen:
        return
    if not user.is_active or not roles_of(session, user, group_id) & WRITING_ROLES:
        raise PermissionDenied(N_("{user} may not write in this group's books."),
                               user=user.username)
    seen.add((user.id, group_id))


def require(session: Session, user: User, permission: Permission, group_id: int | None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may do ``permission`` in ``group_id``."""
    if permission in CHANGES_A_GROUP:
        refuse_read_only_copy(session, group_id)
    if not has_permission(session, user, permission, group_id):
        raise PermissionDenied(
            N_("{user} may not {action} here."),
            user=user.username, action=Deferred(PERMISSION_NAMES[permission]))
