"""Inserting many rows with one prepared statement (executemany): peewee's insert_many spends most
of its time building SQL text for every row, several times the cost of the insert itself. For the
bulk writers (the demo's bulk path, statistics rows of many cases)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import peewee

from models.database import database_proxy


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
    missing = [f for n, f in fields.items() if n not in given and not f.primary_key]
    names = [*given, *(f.name for f in missing)]
    if missing:
        extra = tuple(f.default() if callable(f.default) else f.default for f in missing)
        values = (row + extra for row in values)
    db = database_proxy.obj
    columns = ", ".join(f'"{fields[name].column_name}"' for name in names)
    marks = ", ".join([db.param] * len(names))
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    database_proxy.cursor().executemany(sql, values)
