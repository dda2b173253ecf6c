"""Hospital departments (责任科室)."""

from __future__ import annotations

import peewee

from models.base import BaseModel

DEPARTMENT_KINDS = {"clinical": "临床", "technical": "医技", "administrative": "职能"}
ALIAS_SEPARATOR = "、"


class Department(BaseModel):
    code = peewee.CharField(max_length=16, unique=True)
    name = peewee.CharField(max_length=32, unique=True)
    kind = peewee.CharField(max_length=16, default="clinical")
    phone = peewee.CharField(max_length=32, default="")
    head_name = peewee.CharField(max_length=32, default="")
    aliases = peewee.TextField(default="")  # other names staff write, joined by ALIAS_SEPARATOR
    active = peewee.BooleanField(default=True)
    sort_order = peewee.IntegerField(default=0)
