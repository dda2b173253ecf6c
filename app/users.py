"""User administration (admin only): add, roles, reset password, disable/enable, unlock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app import clock, login_attempts, passwords, sealed_data, server_accounts, slotsync
from app.auth import clean_display_name, locked_until, normalize_username
from app.errors import NotFoundError, ValidationError
from app.policy import ROLE_LABELS, Action, Role, can_grant_roles, holds_identifier_key
from app.session import Session
from app.validation import validate_phone
from app.write_path import deny, operation, require
from models.accounts import User, UserRole


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool
    must_change_password: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    phone: str


def _clean_roles(roles: list[str] | set[str] | tuple[str, ...]) -> list[str]:
    valid = [r.value for r in Role]
    unknown = [r for r in roles if r not in valid]
    if unknown:
        raise ValidationError("roles", "角色", f"未知角色：{'、'.join(unknown)}")
    if not roles:
        raise ValidationError("roles", "角色", "至少选择一个角色")
    return [r for r in valid if r in roles]


def _get(username: str) -> User:
    row = User.get_or_none(User.username == username)
    if row is None:
        raise NotFoundError(f"用户不存在：{username}")
    return row


def _active_admins(excluding: int | None = None) -> int:
    query = User.select().join(UserRole).where(User.active == True, UserRole.role == Role.ADMIN)  # noqa: E712
    if excluding is not None:
        query = query.where(User.id != excluding)
    return query.count()


def _on_server(session: Session) -> str | None:
    """The server database's name when signed in as a database role there: accounts then change
    only through the server's functions (which check the caller's role again)."""
    if session.server is not None and server_accounts.signed_in_as_user():
        return session.server.dbname
    return None


def list_users(session: Session) -> list[UserInfo]:
    require(session, Action.MANAGE_USERS)
    roles: dict[int, list[str]] = {}
    for row in UserRole.select():
        roles.setdefault(row.user_id, []).append(row.role)
    now = clock.now()
    session.reload_slots()
    order = {r.value: i for i, r in enumerate(Role)}
    return [
        UserInfo(
            u.username,
            u.display_name,
            tuple(sorted(roles.get(u.id, []), key=order.get)),
            u.active,
            u.must_change_password,
            locked_until(session.slots, u.username, now)
            if session.slots
            else (u.locked_until if u.locked_until and u.locked_until > now else None),
            u.last_login_at,
            u.phone,
        )
        for u in User.select().order_by(User.username)
    ]


def add_user(
    session: Session,
    username: str,
    display_name: str,
    roles: list[str],
    password: str,
    phone: str = "",
    *,
    must_change_password: bool = True,
) -> UserInfo:
    """Create a user who must (by default) change the given initial password at first login."""
    username = normalize_username(username)
    display_name = clean_display_name(display_name)
    role_list = _clean_roles(roles)
    passwords.check_password_rules(password, username, role_list)
    if User.get_or_none(User.username == username) is not None:
        raise ValidationError("username", "用户名", f"“{username}”已存在")
    phone = phone.strip()[:32]
    dbname = _on_server(session)
    with slotsync.SlotChanges(session) as changes:
        with operation(session, Action.MANAGE_USERS, "user.added", target=username) as op:
            op.detail["roles"] = role_list
            if dbname is not None:
                server_accounts.add_user(
                    dbname, username, display_name, phone, role_list, password, must_change_password
                )
            else:
                password_hash = passwords.hash_password(password)
                user = User.create(
                    username=username,
                    display_name=display_name,
                    created_at=clock.now(),
                    password_hash=password_hash,
                    must_change_password=must_change_password,
                    phone=phone,
                )
                for role in role_list:
                    UserRole.create(user=user, role=role)
                changes.stage(username, password, password_hash)
    return next(u for u in list_users(session) if u.username == username)


def _roles_change(
    session: Session, row: User, roles: list[str] | tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """(roles before, roles after) once the change is allowed: nobody adds a case role to their own
    account (refused and audited as a denial), and one active administrator always remains."""
    require(session, Action.MANAGE_USERS, target=row.username)
    before = sorted(r.role for r in row.role_rows)
    granted = can_grant_roles(session.user, row.id, set(before), set(roles))
    if not granted:
        raise deny(session, Action.MANAGE_USERS, row.username, granted.reason)
    role_list = _clean_roles(roles)
    if Role.ADMIN in before and Role.ADMIN not in role_list and _active_admins(excluding=row.id) == 0:
        raise ValidationError("roles", "角色", "至少需要保留一名启用的系统管理员")
    return before, role_list


def _store_roles(row: User, role_list: list[str]) -> None:
    UserRole.delete().where(UserRole.user == row).execute()
    for role in role_list:
        UserRole.create(user=row, role=role)


def set_roles(session: Session, username: str, roles: list[str]) -> None:
    row = _get(username)
    before, role_list = _roles_change(session, row, roles)
    with operation(session, Action.MANAGE_USERS, "user.roles_changed", target=username) as op:
        if _on_server(session) is not None:
            server_accounts.set_roles(username, role_list)
        else:
            _store_roles(row, role_list)
        op.detail.update({"old": before, "new": role_list})
    slotsync.after_role_change(session)
    _rotate_if_key_lost(session, username, before, role_list)


def update_user(session: Session, username: str, display_name: str, phone: str, roles: list[str]) -> UserInfo:
    """编辑用户: display name, phone and roles in one audited change (the username never changes)."""
    row = _get(username)
    before, role_list = _roles_change(session, row, roles)
    name = clean_display_name(display_name)
    number = validate_phone(phone, field="phone", label="手机号")
    with operation(session, Action.MANAGE_USERS, "user.changed", target=username) as op:
        changes: dict[str, object] = {}
        if name != row.display_name:
            changes["display_name"] = {"old": row.display_name, "new": name}
        if number != row.phone:
            changes["phone"] = "changed"  # a phone number is personal data: not in the log
        if _on_server(session) is not None:
            server_accounts.update_user(username, name, number, role_list)
        else:
            User.update(display_name=name, phone=number).where(User.id == row.id).execute()
            if role_list != before:
                _store_roles(row, role_list)
        if role_list != before:
            changes["roles"] = {"old": before, "new": role_list}
        op.detail.update(changes)
    if role_list != before:
        slotsync.after_role_change(session)
        _rotate_if_key_lost(session, username, before, role_list)
    return next(u for u in list_users(session) if u.username == username)


def reset_password(session: Session, username: str, new_password: str) -> None:
    """Admin sets a temporary password (new key slot); the user must change it at next login."""
    row = _get(username)
    passwords.check_password_rules(new_password, username, [r.role for r in row.role_rows])
    with slotsync.SlotChanges(session) as changes:
        with operation(session, Action.MANAGE_USERS, "user.password_reset", target=username):
            dbname = _on_server(session)
            if dbname is not None:
                server_accounts.set_password(dbname, username, new_password, must_change=True)
                return
            password_hash = passwords.hash_password(new_password)
            User.update(password_hash=password_hash, must_change_password=True).where(
                User.id == row.id
            ).execute()
            if row.active:
                changes.stage(username, new_password, password_hash)


def set_active(session: Session, username: str, active: bool, new_password: str | None = None) -> None:
    """Disable (slot removed: the user can no longer open the database) or re-enable with a new password."""
    row = _get(username)
    if row.username == session.user.username and not active:
        raise ValidationError("active", "状态", "不能停用当前登录的账户")
    if not active and _active_admins(excluding=row.id) == 0 and Role.ADMIN in {r.role for r in row.role_rows}:
        raise ValidationError("active", "状态", "至少需要保留一名启用的系统管理员")
    if active and new_password is None:
        raise ValidationError("password", "密码", "重新启用账户时需要设置新的临时密码")
    if active:
        passwords.check_password_rules(new_password, username, [r.role for r in row.role_rows])
    action = "user.enabled" if active else "user.disabled"
    # Disabling commits first and then removes the slot (slotsync.reconcile): after a crash in
    # between, the next open removes it.
    with slotsync.SlotChanges(session) as changes:
        with operation(session, Action.MANAGE_USERS, action, target=username):
            dbname = _on_server(session)
            if dbname is not None:
                server_accounts.set_active(dbname, username, active, new_password)
                return
            values: dict = {"active": active}
            if active:
                password_hash = passwords.hash_password(new_password)
                values.update(password_hash=password_hash, must_change_password=True)
            User.update(**values).where(User.id == row.id).execute()
            if active:
                changes.stage(username, new_password, password_hash)
    if not active and session.backend == "local" and session.slots is not None:
        from app import keyrotation

        keyrotation.rekey(session, "user.disabled")  # an old copy of the .keys file opens nothing now
        _rotate_if_key_lost(session, username, [r.role for r in row.role_rows], [], "user.disabled")


def _rotate_if_key_lost(
    session: Session, username: str, before: list[str], after: list[str], reason: str = "user.roles_changed"
) -> None:
    """A user who held the identifier key and no longer may (role taken away, account disabled):
    what is sealed from now on goes to a new key their old slot cannot open (app.sealed_data.rotate)."""
    if holds_identifier_key(set(before)) and not holds_identifier_key(set(after)):
        sealed_data.rotate(session, username, reason)


def unlock_user(session: Session, username: str) -> None:
    """Lift a failed-login lockout before its 15 minutes are over."""
    _get(username)
    with operation(session, Action.MANAGE_USERS, "user.unlocked", target=username):
        if _on_server(session) is not None:
            server_accounts.unlock(username)
        else:
            User.update(failed_logins=0, locked_until=None).where(User.username == username).execute()
    if session.database_path is not None and session.slots is not None:
        session.slots = login_attempts.clear(session.database_path, username)


def role_labels(roles: tuple[str, ...] | frozenset[str]) -> str:
    order = [r.value for r in Role]
    return "、".join(ROLE_LABELS[r] for r in order if r in roles)
