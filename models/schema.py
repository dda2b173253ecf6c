"""The current schema: every table, in creation order."""

from __future__ import annotations

import peewee

from models.accounts import Setting, User, UserRole
from models.administration import ADMINISTRATION_MODELS
from models.audit import AuditEntry, AuditHead
from models.base import BaseModel
from models.case_record import CASE_RECORD_MODELS
from models.cases import CASE_MODELS
from models.organisation import Department
from models.records import RECORD_MODELS
from models.rectification import RECTIFICATION_MODELS
from models.statistics import STATISTICS_MODELS


class SchemaVersion(BaseModel):
    """One row per applied schema version."""

    version = peewee.IntegerField(primary_key=True)
    applied_at = peewee.DateTimeField()


ALL_MODELS: list[type[peewee.Model]] = [
    SchemaVersion,
    User,
    UserRole,
    Setting,
    AuditEntry,
    AuditHead,
    Department,
    *CASE_MODELS,
    *RECTIFICATION_MODELS,
    *RECORD_MODELS,
    *STATISTICS_MODELS,
    *ADMINISTRATION_MODELS,
    *CASE_RECORD_MODELS,
]
