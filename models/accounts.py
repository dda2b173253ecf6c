"""Users, their roles, and admin-editable settings."""

from __future__ import annotations

import peewee

from models.base import BaseModel


class User(BaseModel):
    username = peewee.CharField(max_length=32, unique=True)
    display_name = peewee.CharField(max_length=32)
    password_hash = peewee.CharField(max_length=255)
    active = peewee.BooleanField(default=True)
    must_change_password = peewee.BooleanField(default=False)
    phone = peewee.CharField(max_length=32, default="")
    created_at = peewee.DateTimeField()
    last_login_at = peewee.DateTimeField(null=True)
    # Failed-login counter for shared mode (local mode keeps it in the key slot file).
    failed_logins = peewee.IntegerField(default=0)
    locked_until = peewee.DateTimeField(null=True)


class UserRole(BaseModel):
    user = peewee.ForeignKeyField(User, backref="role_rows", on_delete="CASCADE", index=False)  # (user, role)
    role = peewee.CharField(max_length=16)

    class Meta:
        indexes = ((("user", "role"), True),)


class Setting(BaseModel):
    """One admin setting; `value` is JSON text."""

    key = peewee.CharField(max_length=64, primary_key=True)
    value = peewee.TextField()
    updated_at = peewee.DateTimeField()
    updated_by = peewee.CharField(max_length=32)
