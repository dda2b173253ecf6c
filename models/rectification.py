"""整改 (corrective actions) and 提醒 (per-user reminder state).

A rectification item belongs to one owner department and may cover several cases; its history is
kept in its own events (and on each covered case's timeline). A recurrence row flags both the item
and the new case 整改后复发. Reminders themselves are computed, never stored: only what a user did
with them (dismissed today, desktop notification on, digest shown) is kept here.
"""

from __future__ import annotations

import peewee

from models.accounts import User
from models.base import BaseModel
from models.cases import Case, CaseIssue, Category
from models.organisation import Department


class Rectification(BaseModel):
    """整改项: 待整改 → 整改中 → 待验证 → 已落实, or 未落实 (逾期 is derived from `due`)."""

    number = peewee.CharField(max_length=32, unique=True)  # ZG-2026-0001
    state = peewee.CharField(max_length=16, index=True)
    department = peewee.ForeignKeyField(Department, backref="rectifications", on_delete="RESTRICT")
    category = peewee.ForeignKeyField(Category, null=True, backref="+", on_delete="SET NULL")
    source = peewee.CharField(max_length=16)  # finding / alert
    # The 投诉事项 whose 成立 / 部分成立 finding it came from (none for an item from a statistics alert).
    issue = peewee.ForeignKeyField(CaseIssue, null=True, backref="rectifications", on_delete="SET NULL")
    problem = peewee.TextField(default="")  # 存在问题
    measure = peewee.TextField()  # 整改要求 / 措施
    due = peewee.DateField(index=True)
    due_workdays = peewee.IntegerField()
    due_provisional = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField()
    created_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    started_at = peewee.DateTimeField(null=True)
    evidence = peewee.TextField(default="")  # 整改情况 as the department reported it
    submitted_at = peewee.DateTimeField(null=True)
    verified_at = peewee.DateTimeField(null=True)
    verified_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    verification_note = peewee.TextField(default="")
    closed_at = peewee.DateTimeField(null=True, index=True)
    closed_by = peewee.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    close_reason = peewee.TextField(default="")
    recurred = peewee.BooleanField(default=False)  # 整改后复发
    version = peewee.IntegerField(default=1)
    updated_at = peewee.DateTimeField()
    updated_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


class RectificationCase(BaseModel):
    """A case an item covers."""

    rectification = peewee.ForeignKeyField(Rectification, backref="cases", on_delete="CASCADE", index=False)
    case = peewee.ForeignKeyField(Case, backref="rectifications", on_delete="CASCADE")

    class Meta:
        indexes = ((("rectification", "case"), True), (("case",), False))


class RectificationEvent(BaseModel):
    """The item's own history: who did what, when."""

    rectification = peewee.ForeignKeyField(Rectification, backref="events", on_delete="CASCADE")
    at = peewee.DateTimeField()
    actor = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    action = peewee.CharField(max_length=32)
    summary = peewee.TextField()
    note = peewee.TextField(default="")


class RectificationAttachment(BaseModel):
    """Evidence of a rectification (photos, revised rules, training sign-in sheets)."""

    rectification = peewee.ForeignKeyField(Rectification, backref="attachments", on_delete="CASCADE")
    filename = peewee.CharField(max_length=200)
    mime_type = peewee.CharField(max_length=100)
    size = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    data = peewee.BlobField()
    added_at = peewee.DateTimeField()
    added_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


class RectificationDocument(BaseModel):
    """An issued 整改通知单: the bytes and their SHA-256; later prints are reprints (补打)."""

    rectification = peewee.ForeignKeyField(Rectification, backref="documents", on_delete="CASCADE")
    reprint = peewee.BooleanField(default=False)
    sha256 = peewee.CharField(max_length=64)
    data = peewee.BlobField()
    issued_at = peewee.DateTimeField()
    issued_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


class Recurrence(BaseModel):
    """整改后复发: a new case in the item's department and category within the window after 已落实."""

    rectification = peewee.ForeignKeyField(
        Rectification, backref="recurrences", on_delete="CASCADE", index=False
    )  # (rectification, case)
    case = peewee.ForeignKeyField(Case, backref="recurrences", on_delete="CASCADE")
    detected_at = peewee.DateTimeField()

    class Meta:
        indexes = ((("rectification", "case"), True), (("case",), False))


class ReminderPreference(BaseModel):
    """Per user: desktop notifications on or off, and the day the daily digest was last shown."""

    user = peewee.ForeignKeyField(User, primary_key=True, backref="+", on_delete="CASCADE")
    desktop_notify = peewee.BooleanField(default=False)
    digest_on = peewee.DateField(null=True)


class ReminderDismissal(BaseModel):
    """A reminder the user marked 已阅: hidden for that working day (or for good, for one-off kinds)."""

    user = peewee.ForeignKeyField(User, backref="+", on_delete="CASCADE", index=False)  # (user, key)
    key = peewee.CharField(max_length=64)
    dismissed_on = peewee.DateField()

    class Meta:
        indexes = ((("user", "key"), True),)


RECTIFICATION_MODELS: list[type[peewee.Model]] = [
    Rectification,
    RectificationCase,
    RectificationEvent,
    RectificationAttachment,
    RectificationDocument,
    Recurrence,
    ReminderPreference,
    ReminderDismissal,
]
