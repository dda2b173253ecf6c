"""The home's previous login: the newest login before the current one, read from the logins' index."""

from __future__ import annotations

from datetime import datetime, timedelta

from app import account, audit
from app.session import Session
from models.audit import LOGIN_ACTION, LOGIN_INDEX, AuditEntry
from models.database import database_proxy
from tests.support.sessions import session_as

START = datetime(2026, 3, 2, 8, 0)


def _straightforward(username: str) -> datetime | None:
    """Every entry of the log, in Python: the second-newest login of the user."""
    logins = [
        e.at
        for e in AuditEntry.select().order_by(AuditEntry.seq)
        if (e.actor, e.action) == (username, LOGIN_ACTION)
    ]
    return datetime.fromisoformat(logins[-2]) if len(logins) >= 2 else None


def test_previous_login_is_the_login_before_the_current_one(admin_session: Session) -> None:
    officer = session_as(admin_session, "officer1", "officer")
    session_as(admin_session, "officer2", "officer")
    assert account.previous_login(officer) == _straightforward("officer1") is None
    at = START
    with database_proxy.atomic():
        for day in range(5):
            at += timedelta(days=1)
            audit.record("officer1", LOGIN_ACTION, "officer1", at=at)
            for n in range(30):  # the day's case work, and someone else's login after it
                audit.record("officer1", "case.accept", f"TS-{day}-{n}", at=at + timedelta(minutes=n))
            audit.record("officer2", LOGIN_ACTION, "officer2", at=at + timedelta(hours=1))
            audit.record("officer1", "login.failed", "officer1", at=at + timedelta(hours=2))
    assert account.previous_login(officer) == _straightforward("officer1") == START + timedelta(days=4)
    assert account.account_summary(officer).previous_login_at == START + timedelta(days=4)


def test_the_previous_login_reads_the_logins_index(admin_session: Session) -> None:
    """The query names the action as a literal, so SQLite proves the partial index applies."""
    query = account.previous_login_query("admin")
    sql, params = query.sql()
    plan = " ".join(str(row) for row in database_proxy.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert LOGIN_INDEX in plan and "TEMP B-TREE" not in plan


def test_recent_activity_reads_the_actions_index(admin_session: Session) -> None:
    """最近账户活动: the user's security events through the actions' index, never the user's own
    index (which lists every case entry of the user); the events found are the user's."""
    officer = session_as(admin_session, "officer1", "officer")
    with database_proxy.atomic():
        for n in range(40):
            audit.record("officer1", "case.accept", f"TS-{n}", at=START + timedelta(minutes=n))
        audit.record("officer1", "login.failed", "officer1", at=START + timedelta(hours=2))
        audit.record("officer2", "login.failed", "officer2", at=START + timedelta(hours=3))
        audit.record("admin", "user.unlocked", "officer1", at=START + timedelta(hours=4))
    sql, params = account.recent_activity_query("officer1").sql()
    plan = " ".join(str(row) for row in database_proxy.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "audit_entry_action" in plan and "audit_entry_actor" not in plan and "audit_entry_target" not in plan
    labels = [(e.label, e.warning) for e in account.recent_activity(officer)]
    assert labels[:2] == [("系统管理员解除了登录锁定", False), ("登录失败（密码错误）", True)]
    assert all(label != "登录失败（密码错误）" for label, _ in labels[2:])  # officer2's is not shown
