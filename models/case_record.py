"""What the case record keeps beyond the case row: every change of the promised reply date, every
saved revision of the handling draft, and the ticks of the 重大 (major case) checklist.

Each table is found by its case through its composite index; who wrote a row is shown, never
searched, so those columns have no index of their own (users are never deleted, only deactivated)."""

from __future__ import annotations

import peewee

from models.accounts import User
from models.base import BaseModel
from models.cases import Case
from models.fields import ContentCharField, ContentTextField


class ReplyPromise(BaseModel):
    """答复期限: the reply date the complainant was told, and each later change with its reason."""

    case = peewee.ForeignKeyField(Case, backref="promises", on_delete="CASCADE", index=False)  # (case, id)
    at = peewee.DateTimeField()
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)
    due = peewee.DateField()
    provisional = peewee.BooleanField(default=False)
    previous = peewee.DateField(null=True)  # None for the first promise
    reason = peewee.CharField(max_length=16)  # app.cases.promises.REASONS
    note = ContentTextField(default="")
    told = peewee.BooleanField(default=False)  # stated on an issued 受理回执 or 延期告知书

    class Meta:
        indexes = ((("case", "id"), False),)


class DraftRevision(BaseModel):
    """One saved version of the handling draft (处理意见). `number` runs 1, 2, 3… per case."""

    case = peewee.ForeignKeyField(Case, backref="draft_revisions", on_delete="CASCADE", index=False)  # (case, number)
    number = peewee.IntegerField()
    saved_at = peewee.DateTimeField()
    saved_by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)
    facts = ContentTextField(default="")
    finding = peewee.CharField(max_length=16, default="")
    resolution = ContentTextField(default="")
    refund_amount = peewee.DecimalField(max_digits=12, decimal_places=2, null=True)
    compensation_amount = peewee.DecimalField(max_digits=12, decimal_places=2, null=True)
    rectification = ContentTextField(default="")
    merged_from = peewee.IntegerField(null=True)  # the revision a conflicting save was merged over

    class Meta:
        indexes = ((("case", "number"), True),)


class MajorCheck(BaseModel):
    """One tick of the 重大 checklist (《医疗纠纷预防和处理条例》): done or not applicable, who, when."""

    case = peewee.ForeignKeyField(Case, backref="major_checks", on_delete="CASCADE", index=False)  # (case, item)
    item = peewee.CharField(max_length=24)  # app.cases.major.ITEMS
    status = peewee.CharField(max_length=16)  # done / not_applicable
    value = ContentCharField(max_length=40, default="")  # e.g. the number of representatives
    note = ContentTextField(default="")
    at = peewee.DateTimeField()
    by = peewee.ForeignKeyField(User, backref="+", on_delete="RESTRICT", index=False)

    class Meta:
        indexes = ((("case", "item"), False),)


CASE_RECORD_MODELS: list[type[peewee.Model]] = [ReplyPromise, DraftRevision, MajorCheck]
