"""Inserting many rows with one prepared statement (executemany): peewee's insert_many spends most
of its time building SQL text for every row, several times the cost of the insert itself. For the
bulk writers (the demo's bulk path, statistics rows of many cases)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee

from models.database import database_proxy


def defaults(model: type[peewee.Model], given: Iterable[str]) -> dict[str, Any]:
    """The model's default of each field `given` leaves out (its primary key aside), by field name:
    what a row stored without those fields holds."""
    named = set(given)
    return {
        name: field.default() if callable(field.default) else field.default
        for name, field in model._meta.fields.items()
        if name not in named and not field.primary_key
    }


def insert_rows(model: type[peewee.Model], rows: Sequence[dict] | Sequence[tuple], names: Sequence[str] = ()) -> None:
    """Insert `rows` (dicts with the same keys, or tuples in the order of `names`) into `model`'s
    table. Columns the rows leave out get the model's defaults. Field values are stored as given
    (no field conversion), as the driver binds them."""
    if not rows:
        return
    given = tuple(names or rows[0])
    values: Iterable[tuple] = (
        rows if isinstance(rows[0], tuple) else (tuple(row[n] for n in given) for row in rows)  # type: ignore[index]
    )
    fields = model._meta.fields
    missing = defaults(model, given)
    names = [*given, *missing]
    if missing:
        extra = tuple(missing.values())
        values = (row + extra for row in values)
    db = database_proxy.obj
    columns = ", ".join(f'"{fields[name].column_name}"' for name in names)
    marks = ", ".join([db.param] * len(names))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    database_proxy.cursor().executemany(sql, values)
