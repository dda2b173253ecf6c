"""The complaint office of a test: one open database, a session per role on it, and the test clock.

    desk["officer"]                      the officer's session (desk["admin"] is the admin's)
    desk.register("clerk", content=…)    a complaint registered through the intake service
    desk.new_case(State.DRAFTING)        registered by the clerk and walked to that state
    desk.clock.advance(hours=2)          the settable clock (the `fake_clock` fixture)

Each test folder says who works at its desk (`open_desk`): existing users of the database by
username, or new users added through the user service with the one test password.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.cases import intake
from app.cases.intake import IntakeForm, Registered
from app.cases.states import State
from app.session import Session
from tests.support.cases import DEPARTMENTS, FakeClock, form, walk
from tests.support.sessions import session_as, session_for

# role key -> (username, display name, roles) of a user to add
NewUsers = Mapping[str, tuple[str, str, Sequence[str]]]


@dataclass
class Desk:
    """One open database and one session per role key (all on the admin's connection)."""

    admin: Session
    clock: FakeClock
    sessions: dict[str, Session] = field(default_factory=dict)
    form: Callable[..., IntakeForm] = form  # the complaint `register` fills in
    spare: int = 0  # another open case, for tests that need a merge or link target

    def __getitem__(self, role: str) -> Session:
        return self.admin if role == "admin" else self.sessions[role]

    @property
    def db_path(self) -> Path:
        assert self.admin.database_path is not None
        return self.admin.database_path

    def user_id(self, role: str) -> int:
        return self[role].user.id

    def register(self, role: str = "officer", **overrides: object) -> Registered:
        """A complaint (this desk's sample form; keyword arguments replace fields) registered by `role`."""
        return intake.register(self[role], self.form(**overrides))

    def walk(self, case_id: int, state: str, *, departments: int = 2) -> None:
        """Move a case through the services (by the officer and the manager) until it is in `state`."""
        walk(self["officer"], self["manager"], case_id, state, DEPARTMENTS[:departments])

    def new_case(
        self, state: str = State.REGISTERED, *, by: str = "clerk", departments: int = 2, **overrides: object
    ) -> int:
        """Register a complaint (by the clerk, unless `by` says otherwise) and walk it to `state`."""
        case_id = self.register(by, **overrides).case_id
        self.walk(case_id, state, departments=departments)
        return case_id


def open_desk(
    admin: Session,
    clock: FakeClock,
    *,
    existing: Mapping[str, str] | None = None,
    new: NewUsers | None = None,
    form: Callable[..., IntakeForm] = form,
) -> Desk:
    """A desk on the admin's open database: `existing` maps role keys to usernames already there,
    `new` to users added now (password `USER_PASSWORD`)."""
    desk = Desk(admin, clock, form=form)
    for key, username in (existing or {}).items():
        desk.sessions[key] = session_for(admin, username)
    for key, (username, display, roles) in (new or {}).items():
        desk.sessions[key] = session_as(admin, username, *roles, display_name=display)
    return desk
