"""Demo databases: one demo user per role, named after the role, sharing one password."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app import auth, passwords, users
from app.policy import ROLE_LABELS, Role
from app.session import Session

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
    path: Path
    password: str
    usernames: dict[str, str]  # role -> username

    def lines(self) -> list[str]:
        return [f"{ROLE_LABELS[role]}：用户名 {name}" for role, name in self.usernames.items()]


def demo_password() -> str:
    return os.environ.get("COMPLAINTDESK_PASSWORD") or passwords.generate_password()


def create_demo_database(path: Path, password: str | None = None) -> tuple[Session, DemoInfo]:
    """Create a demo database at `path`; returns the admin's session (caller logs out)."""
    password = password or demo_password()
    session, _recovery = auth.create_local_database(
        path, Role.ADMIN.value, DEMO_NAMES[Role.ADMIN], password, DEMO_HOSPITAL
    )
    for role in (Role.OFFICER, Role.CLERK, Role.NIGHT_DUTY, Role.MANAGER):
        # Demo users skip the first-login password change so each role can be tried at once.
        users.add_user(session, role.value, DEMO_NAMES[role], [role.value], password, must_change_password=False)
    names = {role.value: role.value for role in Role}
    return session, DemoInfo(path, password, names)
