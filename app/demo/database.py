"""Demo databases: one demo user per role, named after the role, sharing one password, and
optionally synthetic complaints (app.demo.fill)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app import auth, passwords, sealed_data, users
from app.keyslots import KeySlotFile
from app.policy import ROLE_LABELS, Role
from app.session import Session
from models.database import close_current

DEMO_HOSPITAL = "江宁市第一人民医院（演示）"
DEMO_NAMES = {
    Role.ADMIN: "周建国",
    Role.OFFICER: "林晓雯",
    Role.CLERK: "赵敏",
    Role.NIGHT_DUTY: "孙立军",
    Role.MANAGER: "陈主任",
}


@dataclass(frozen=True)
class DemoInfo:
    """Where a demo database is, its password and the demo users."""

    path: Path
    password: str
    usernames: dict[str, str]  # role -> username

    def lines(self) -> list[str]:
        """One line per role: 角色：用户名 …"""
        return [f"{ROLE_LABELS[role]}：用户名 {name}" for role, name in self.usernames.items()]


def demo_password() -> str:
    """The password of a new demo database: $COMPLAINTDESK_PASSWORD or a generated one."""
    return os.environ.get("COMPLAINTDESK_PASSWORD") or passwords.generate_password()


def database_files(path: Path) -> tuple[Path, ...]:
    """The database file and everything created beside it."""
    return (path, KeySlotFile.sidecar_for(path), Path(f"{path}-wal"), Path(f"{path}-shm"))


def _manager_key(session: Session, username: str, password: str) -> None:
    """The identifier key made as the manager's first sign-in makes it (app.sealed_data.start, with
    the slot their password opens): granted to their slot and the recovery slot, pinned in their
    slot, its making audited in their name; their sealer stays installed for the fill."""
    assert session.database_path is not None
    slots = KeySlotFile.load(session.database_path)
    opened = slots.opened[slots.unwrap_user(username, password)]
    sealed_data.start(replace(session, user=auth.current_user(username), slots=slots), opened)


def create_demo_database(
    path: Path,
    password: str | None = None,
    cases: int = 0,
    *,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    bulk: bool | None = None,
    sealed: bool = True,
) -> tuple[Session, DemoInfo]:
    """Create a demo database at `path`, with `cases` synthetic complaints (app.demo.fill: through
    the services up to 2,000, in bulk above); returns the admin's session (caller logs out).

    Cases are written as at an office whose manager has signed in (`sealed`): the identifier key is
    made first, as that sign-in makes it, and the cases are written sealed with the manager's
    sealer, as the services write them (no sealing pass, no rebuild of the file afterwards). With
    `sealed=False` they are written in plain text, as by an office where nobody who holds the key
    has signed in yet: the manager's first sign-in seals them (app/sealed_data.py).

    On any failure, including an interruption while filling, the files are removed again.
    """
    password = password or demo_password()
    session, _recovery = auth.create_local_database(
        path, Role.ADMIN.value, DEMO_NAMES[Role.ADMIN], password, DEMO_HOSPITAL
    )
    names = {role.value: role.value for role in Role}
    try:
        for role in (Role.OFFICER, Role.CLERK, Role.NIGHT_DUTY, Role.MANAGER):
            # Demo users skip the first-login password change so each role can be tried at once.
            users.add_user(
                session, role.value, DEMO_NAMES[role], [role.value], password, must_change_password=False
            )
        if cases:
            from app.demo import fill  # the generator's tables are only loaded when cases are wanted

            if sealed:
                _manager_key(session, Role.MANAGER.value, password)
            fill.fill_demo_cases(
                session,
                cases,
                seed=fill.DEFAULT_SEED if seed is None else seed,
                usernames=names,
                progress=progress,
                bulk=bulk,
            )
            if sealed:
                sealed_data.start(session, None)  # the administrator's own sealer again (no key)

    except BaseException:
        close_current()
        for leftover in database_files(path):
            leftover.unlink(missing_ok=True)
        raise
    return session, DemoInfo(path, password, names)
