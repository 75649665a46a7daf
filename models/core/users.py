"""Users, passwords, log-in with lock-out, role grants.

Passwords are hashed with scrypt (stdlib, memory-hard). After ``MAX_FAILURES`` wrong
passwords in a row the account locks for ``LOCK_MINUTES``, doubling with every further
failure (capped at a day); a right password after the lock ends resets the count.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import access_log, audit, clock
from models.core.errors import NotFound, UserError, ValidationError, check_text
from models.core.i18n import N_
from models.core.permissions import Permission, Role, require
from models.core.schema import Member, RoleGrant, User, UserMember
from models.core.schema_recovery import RecoveryCode

MAX_FAILURES = 5
LOCK_MINUTES = 5
MAX_LOCK = dt.timedelta(days=1)
MIN_PASSWORD_LENGTH = 4
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(_encode(password), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


_DUMMY_HASH: list[str] = []


def spend_like_a_check(password: str) -> None:
    """Take as long as checking a real password, so that an unknown user name cannot be
    told from a known one by how fast the answer comes."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not a password of anyone"))
    check_password(password, _DUMMY_HASH[0])


def _encode(text: str) -> bytes:
    # A password typed on a broken terminal may carry lone surrogates; keep them as bytes
    # rather than fail (they can never match a password set through the app anyway).
    return text.encode("utf-8", "surrogatepass")


def _storable(text: str) -> str:
    """``text`` with broken characters (from a terminal in the wrong encoding) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = base64.b64decode(digest)
    actual = hashlib.scrypt(_encode(password), salt=base64.b64decode(salt), n=int(n), r=int(r),
                            p=int(p), dklen=len(expected))
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    language: str
    is_active: bool
    locked_until: dt.datetime | None
    roles: tuple[tuple[int | None, str], ...]  # (group_id or None for all, role)
    members: tuple[str, ...] = ()  # Lao names of the members this user is


def _validate_new(session: Session, username: str, display_name: str, password: str) -> None:
    problems = []
    for text in (username, display_name):
        try:
            check_text(text)  # a NUL byte or a broken character cannot be stored or looked up
        except UserError as error:
            problems.append(error)
    if problems:
        raise ValidationError(problems)
    if not username.strip() or " " in username.strip():
        problems.append(UserError(N_("A user name is one word, without spaces.")))
    elif session.scalar(select(User.id).where(
            func.lower(User.username) == username.strip().lower())):
        problems.append(UserError(N_("The user name {name} is taken."), name=username.strip()))
    if not display_name.strip():
        problems.append(UserError(N_("Enter the person's name.")))
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(UserError(N_("A password needs at least {count} characters."),
                                  count=MIN_PASSWORD_LENGTH))
    if problems:
        raise ValidationError(problems)


def has_users(session: Session) -> bool:
    return session.scalar(select(func.count(User.id))) > 0


def create_first_admin(session: Session, *, username: str, display_name: str, password: str,
                       language: str = "lo") -> User:
    """The first-run wizard: only while the ledger has no users at all."""
    if has_users(session):
        raise UserError(N_("This ledger already has users; log in as an administrator."))
    _validate_new(session, username, display_name, password)
    user = _new_user(username, display_name, password, language)
    session.add(user)
    session.flush()
    session.add(RoleGrant(user_id=user.id, group_id=None, role=Role.ADMIN))
    access_log.record(session, "user", user=user, by=None)
    access_log.record(session, "grant", user=user, by=None, role=Role.ADMIN)
    audit.record(session, user, "user.create_first_admin")
    return user


def _new_user(username: str, display_name: str, password: str, language: str) -> User:
    return User(username=username.strip(), display_name=display_name.strip(),
                password_hash=hash_password(password), language=language, is_active=True,
                failed_logins=0, created_at=clock.now())


def create_user(session: Session, actor: User, *, username: str, display_name: str,
                password: str, language: str = "lo") -> User:
    require(session, actor, Permission.MANAGE_USERS, None)
    _validate_new(session, username, display_name, password)
    user = _new_user(username, display_name, password, language)
    session.add(user)
    session.flush()
    access_log.record(session, "user", user=user, by=actor)
    audit.record(session, actor, "user.create", target=user.username)
    return user


def _role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise UserError(N_("There is no role called “{role}”."), role=str(value)) from None


def grant_role(session: Session, actor: User, *, user_id: int, role: Role | str,
               group_id: int | None) -> None:
    """Give ``role`` in ``group_id`` (``None``: every group). Admins of a group may grant
    in that group; only an all-groups admin grants for all groups."""
    role = _role(role)
    require(session, actor, Permission.MANAGE_USERS, group_id)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    exists = session.scalar(select(RoleGrant.id).where(
        RoleGrant.user_id == user_id, RoleGrant.role == role,
        RoleGrant.group_id.is_(None) if group_id is None else RoleGrant.group_id == group_id))
    if exists:
        return
    session.add(RoleGrant(user_id=user_id, group_id=group_id, role=role))
    access_log.record(session, "grant", user=user, by=actor, group_id=group_id, role=role)
    audit.record(session, actor, "role.grant", group_id=group_id, target=user.username,
                 role=str(role))


def revoke_role(session: Session, actor: User, *, user_id: int, role: Role | str,
                group_id: int | None) -> None:
    role = _role(role)
    require(session, actor, Permission.MANAGE_USERS, group_id)
    if user_id == actor.id and role == Role.ADMIN:
        raise UserError(N_("You cannot take away your own administrator role."))
    grant = session.scalar(select(RoleGrant).where(
        RoleGrant.user_id == user_id, RoleGrant.role == role,
        RoleGrant.group_id.is_(None) if group_id is None else RoleGrant.group_id == group_id))
    if grant is None:
        raise NotFound(N_("That role was not granted."))
    session.delete(grant)
    access_log.record(session, "revoke", user=grant.user, by=actor, group_id=group_id,
                      role=role)
    audit.record(session, actor, "role.revoke", group_id=group_id, target=str(user_id),
                 role=str(role))


def set_active(session: Session, actor: User, *, user_id: int, active: bool) -> None:
    require(session, actor, Permission.MANAGE_USERS, None)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    if user.id == actor.id and not active:
        raise UserError(N_("You cannot switch off your own account."))
    user.is_active = active
    audit.record(session, actor, "user.activate" if active else "user.deactivate",
                 target=user.username)


def change_password(session: Session, actor: User, *, user_id: int, new_password: str,
                    old_password: str | None = None) -> None:
    """Users change their own password (giving the old one); admins reset anyone's, which
    also lifts a lock-out."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No such user."))
    if user.id == actor.id and old_password is not None:
        if not check_password(old_password, user.password_hash):
            raise UserError(N_("The old password is wrong."))
    else:
        require(session, actor, Permission.MANAGE_USERS, None)
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise UserError(N_("A password needs at least {count} characters."),
                        count=MIN_PASSWORD_LENGTH)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    access_log.record(session, "password", user=user, by=actor)
    audit.record(session, actor, "user.password", target=user.username)


def set_language(session: Session, user: User, language: str) -> None:
    """The language ``user`` reads the program in: her own preference, which she may
    always change and which changes nothing in the books (hence no permission)."""
    user.language = language


class LoginFailed(UserError):
    """Wrong user name or password, or a locked account. Says which only for the lock."""


def authenticate(session: Session, username: str, password: str) -> User:
    """Check a log-in. On failure raises ``LoginFailed`` *after* recording the failure in the
    caller's session, so the caller must commit even when this raises
    (``Database.login`` does)."""
    now = clock.now()
    name = _storable(username).strip()
    user = None
    if name == username.strip():
        user = session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    if user is None or not user.is_active:
        spend_like_a_check(password)
        audit.record(session, None, "login", ok=False, username=name[:60])
        raise LoginFailed(N_("Wrong user name or password."))
    if user.locked_until is not None and user.locked_until > now:
        audit.record(session, user, "login", ok=False, reason="locked")
        minutes = max(1, int((user.locked_until - now).total_seconds() + 59) // 60)
        raise LoginFailed(N_("Too many wrong passwords. Try again in {minutes} minutes, or ask "
                             "an administrator to reset the password."), minutes=minutes)
    if not check_password(password, user.password_hash):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            extra = user.failed_logins - MAX_FAILURES
            user.locked_until = now + min(dt.timedelta(minutes=LOCK_MINUTES * 2**extra), MAX_LOCK)
        audit.record(session, user, "login", ok=False, failures=user.failed_logins)
        raise LoginFailed(N_("Wrong user name or password."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, user, "login")
    return user


def login(database, username: str, password: str) -> User:  # noqa: ANN001
    """Authenticate in a transaction of its own that is committed either way (so failures
    count). Returns a detached ``User`` for the session of the front end."""
    with database.write() as session:
        try:
            user = authenticate(session, username, password)
        except LoginFailed as failure:
            error = failure
        else:
            session.flush()
            session.expunge(user)
            return user
    raise error


def list_users(session: Session, actor: User) -> list[UserRow]:
    require(session, actor, Permission.MANAGE_USERS, None)
    rows = []
    for user in session.scalars(select(User).order_by(User.username)):
        grants = tuple(sorted(((g.group_id, g.role) for g in user.grants),
                              key=lambda g: (g[0] or 0, g[1])))
        linked = tuple(session.scalars(
            select(Member.name_lao).join(UserMember, UserMember.member_id == Member.id)
            .where(UserMember.user_id == user.id).order_by(Member.name_lao)))
        rows.append(UserRow(user.id, user.username, user.display_name, user.language,
                            user.is_active, user.locked_until, grants, linked))
    return rows


def reload_user(session: Session, user: User) -> User:
    """The acting user attached to ``session`` (front ends keep a detached copy)."""
    fresh = session.get(User, user.id)
    if fresh is None or not fresh.is_active:
        raise UserError(N_("Your account is no longer active."))
    return fresh


def link_member(session: Session, actor: User, *, user_id: int, member_id: int) -> None:
    """Record that user ``user_id`` is member ``member_id`` (so they can never approve
    their own loan or claim)."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(N_("No such member."))
    require(session, actor, Permission.MANAGE_USERS, member.group_id)
    if session.get(User, user_id) is None:
        raise NotFound(N_("No such user."))
    if session.scalar(select(UserMember.id).where(UserMember.user_id == user_id,
                                                  UserMember.member_id == member_id)):
        return
    session.add(UserMember(user_id=user_id, member_id=member_id))
    audit.record(session, actor, "user.link_member", group_id=member.group_id,
                 target=str(user_id), member=member_id)


def member_ids_of(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(UserMember.member_id).where(UserMember.user_id == user.id)))


def is_same_person(session: Session, user: User, member_id: int) -> bool:
    """Whether ``user`` is the member ``member_id`` (self-approval check)."""
    return member_id in member_ids_of(session, user)


RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
RECOVERY_LENGTH = 20  # 100 bits: guessing is hopeless, so tries need no lock-out


def _plain_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_recovery_code(session: Session, actor: User) -> str:
    """A new recovery code for ``actor``, an administrator of all groups, to write on
    paper: shown once, stored only as a hash; any older code of theirs stops working."""
    require(session, actor, Permission.MANAGE_USERS, None)
    now = clock.now()
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == actor.id,
                                                          RecoveryCode.used_at.is_(None))):
        old.used_at = now
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
    session.add(RecoveryCode(user_id=actor.id, code_hash=hash_password(code), created_at=now))
    audit.record(session, actor, "user.recovery_code")
    return "-".join(code[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def recover_with_code(session: Session, *, username: str, code: str,
                      new_password: str) -> User:
    """The way back in for an administrator of all groups: the recovery code from set-up
    sets a new password and lifts any lock-out. The code is then spent. On failure raises
    ``LoginFailed`` after recording it (commit either way: ``recover`` does)."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise UserError(N_("A password needs at least {count} characters."),
                        count=MIN_PASSWORD_LENGTH)
    plain = _plain_code(_storable(code))
    name = _storable(username).strip()
    user = session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    stored = None
    if user is not None and user.is_active:
        stored = session.scalar(select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
            .order_by(RecoveryCode.id.desc()).limit(1))
    if stored is None:
        spend_like_a_check(plain)
    if stored is None or not check_password(plain, stored.code_hash):
        audit.record(session, user, "user.recover", ok=False,
                     username=name[:60])
        raise LoginFailed(N_("The user name or the recovery code is wrong."))
    stored.used_at = clock.now()
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    access_log.record(session, "password", user=user, by=user)  # verify replays it
    audit.record(session, user, "user.recover")
    return user


def recover(database, username: str, code: str, new_password: str) -> None:  # noqa: ANN001
    """``recover_with_code`` in a transaction committed either way (failures are kept)."""
    with database.write() as session:
        try:
            recover_with_code(session, username=username, code=code,
                              new_password=new_password)
        except LoginFailed as failure:
            error = failure
        else:
            return
    raise error
