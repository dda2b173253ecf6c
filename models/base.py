"""Base model and small field helpers shared by every table."""

from __future__ import annotations

import peewee

from models.database import database_proxy


class BaseModel(peewee.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False
