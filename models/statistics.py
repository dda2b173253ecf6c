"""Compact statistics rows kept beside the cases (统计分析), and the issued analysis reports.

Aggregates read these tables only, never the narrative-bearing `case` rows. One `CaseStat` per case,
one `IssueStat` per issue and responsible department, one `AssignmentStat` per 转办, one
`StatPersonKey` per identifier of the complainant or patient (for repeat complaints). Dates are
stored as day ordinals (`date.toordinal()`): compact, and the same arithmetic on SQLite and
PostgreSQL. They are written in the same transaction as every case write (app/statistics/store.py).
"""

from __future__ import annotations

import peewee

from models.accounts import User
from models.base import BaseModel
from models.cases import Case


class CaseStat(BaseModel):
    case = peewee.ForeignKeyField(Case, primary_key=True, backref="+", on_delete="CASCADE")
    received_day = peewee.IntegerField(index=True)
    channel = peewee.CharField(max_length=16)
    transfer_source = peewee.CharField(max_length=32, default="")
    category1 = peewee.IntegerField(null=True)  # level-1 category id
    category2 = peewee.IntegerField(null=True)  # level-2 category id
    severity = peewee.CharField(max_length=8)
    officer = peewee.IntegerField(null=True)
    state = peewee.CharField(max_length=20)
    restricted = peewee.BooleanField(default=False)
    outcome = peewee.CharField(max_length=12)  # pending / accepted / rejected / on_spot / merged
    finding = peewee.CharField(max_length=16, default="")
    satisfaction = peewee.CharField(max_length=24, default="")  # latest 回访
    reopen_count = peewee.IntegerField(default=0)
    is_repeat = peewee.BooleanField(default=False)  # same complainant or patient within 365 days before
    compensation_fen = peewee.BigIntegerField(null=True)
    escalated = peewee.BooleanField(default=False)
    report_hours = peewee.IntegerField(null=True)  # 重大: hours from receipt to 上报
    accept_due = peewee.IntegerField(null=True)
    accepted_day = peewee.IntegerField(null=True)
    reply_due = peewee.IntegerField(null=True)
    replied_day = peewee.IntegerField(null=True)
    on_hold = peewee.BooleanField(default=False)
    follow_up_due = peewee.IntegerField(null=True)
    followed_day = peewee.IntegerField(null=True)
    closed_day = peewee.IntegerField(null=True, index=True)  # the 期末未结 drill-down
    external = peewee.CharField(
        max_length=160, default=""
    )  # 外部途径: "route:status" pairs, sorted, comma-joined

    class Meta:
        # what is late as of today is read live from the open cases only
        indexes = ((("state", "received_day"), False),)


class IssueStat(BaseModel):
    """One row per issue (投诉事项) and responsible department of a case."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE", index=False)  # (case, issue_no, department)
    issue_no = peewee.SmallIntegerField()
    received_day = peewee.IntegerField()
    category1 = peewee.IntegerField(null=True)
    category2 = peewee.IntegerField(null=True)
    department = peewee.IntegerField(null=True)
    finding = peewee.CharField(max_length=16, default="")
    # 1 on the case's first row with this value, so a sum counts each case once per value
    first_category1 = peewee.SmallIntegerField(default=0)
    first_category2 = peewee.SmallIntegerField(default=0)
    first_department = peewee.SmallIntegerField(default=0)
    first_issue = peewee.SmallIntegerField(default=0)  # first row of the issue (findings per issue)

    class Meta:
        indexes = ((("received_day", "department"), False), (("case", "issue_no", "department"), True))


class AssignmentStat(BaseModel):
    """One row per 转办: 签收 and 反馈 dates against their due days."""

    assignment = peewee.IntegerField(primary_key=True)
    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE")
    received_day = peewee.IntegerField(index=True)
    department = peewee.IntegerField()
    state = peewee.CharField(max_length=16)
    acknowledge_due = peewee.IntegerField()
    acknowledged_day = peewee.IntegerField(null=True)
    respond_due = peewee.IntegerField()
    responded_day = peewee.IntegerField(null=True)
    on_hold = peewee.BooleanField(default=False)  # the case is on hold: the clock is paused

    class Meta:
        indexes = ((("state", "received_day"), False),)


class StatPersonKey(BaseModel):
    """A short hash of the complainant's phone or ID number, or of the patient's record number
    (app/statistics/person_keys.py makes it: two cases share a key when they share the value).

    The primary key (key, received_day, case) orders the table itself: on SQLite the table is made
    WITHOUT ROWID (`models.storage_step.without_rowid`, schema step 32), so the rows are the key's
    index, and each index below carries the key's columns with it: every query reads one index."""

    case = peewee.ForeignKeyField(Case, backref="+", on_delete="CASCADE", index=False)  # (case, key)
    key = peewee.CharField(max_length=20)
    received_day = peewee.IntegerField()
    # On a sealed local database: a short hash of the stored (sealed, so randomised) value the key
    # was made from, by which a writer who cannot make keys keeps one that still holds.
    source = peewee.CharField(max_length=8, default="", constraints=[peewee.SQL("DEFAULT ''")])

    class Meta:
        primary_key = peewee.CompositeKey("key", "received_day", "case")  # a key's cases, by day
        # (received_day, key): the 90-day window of the manager's frequent complainants is read as
        # a range, not by walking every key of the office's whole history.
        indexes = (
            (("case", "key"), True),
            (("received_day", "key"), False),
        )


class StatCube(BaseModel):
    """Per month of receipt, the counts (and amounts) of every figure that does not depend on the
    day it is read: a month, quarter or year sums at most 12 rows per figure."""

    month = peewee.IntegerField()  # 202603
    key = peewee.CharField(max_length=48)  # "channel:visit", "department:12", "timeliness_reply:on_time" …
    n = peewee.IntegerField(default=0)
    amount = peewee.BigIntegerField(default=0)

    class Meta:
        primary_key = peewee.CompositeKey("month", "key")


class StatFlow(BaseModel):
    """Day-by-day changes of the snapshot figures (期末未结, 期末逾期): +1 on the day a case enters
    one, −1 on the day it leaves it. The figure on day E is the sum of its rows up to E, so a
    period's end (or today) is read from a few thousand small rows whatever the number of cases."""

    key = peewee.CharField(max_length=16)  # "backlog" / "overdue"
    day = peewee.IntegerField()  # date ordinal
    n = peewee.IntegerField(default=0)

    class Meta:
        primary_key = peewee.CompositeKey("key", "day")


class IssuedReport(BaseModel):
    """An issued 投诉分析报告: its period, format, the (possibly edited) analysis text, bytes and hash."""

    period = peewee.CharField(max_length=32)  # 2026-03 / 2026-Q1 / 2026 / 2026-03-01~2026-03-15
    title = peewee.CharField(max_length=60)
    fmt = peewee.CharField(max_length=8)  # pdf / docx / xlsx
    analysis = peewee.TextField()
    total = peewee.IntegerField()
    sha256 = peewee.CharField(max_length=64)
    data = peewee.BlobField()
    issued_at = peewee.DateTimeField()
    issued_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT")


STATISTICS_MODELS: list[type[peewee.Model]] = [
    CaseStat,
    IssueStat,
    AssignmentStat,
    StatPersonKey,
    StatCube,
    StatFlow,
    IssuedReport,
]
