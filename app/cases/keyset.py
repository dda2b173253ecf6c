"""Keyset paging: each page continues after the sort key of the last row shown, never by OFFSET.

A page costs the same at row 150,000 as at row 0 (the database seeks to the key instead of reading
and discarding everything before it), and a row inserted or deleted between two pages neither
repeats nor hides another one. The SQL is built once per pager; every page runs the same text with
new key values, so the driver reuses its prepared statement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from models.database import database_proxy
from models.search_index import is_sqlite


@dataclass(frozen=True)
class Key:
    """One ORDER BY term. `fill` stands in for NULL (the value that sorts where NULLs should go:
    a far-future date for "nulls last" ascending, a far-past one descending), so keys compare."""

    expression: peewee.Node
    descending: bool = False
    fill: str | None = None

    def column(self, sqlite: bool) -> peewee.Node:
        if self.fill is None:
            return self.expression
        fill = peewee.Value(self.fill) if sqlite else peewee.Cast(peewee.Value(self.fill), "date")
        return peewee.fn.COALESCE(self.expression, fill)


LAST_DATE, FIRST_DATE = "9999-12-31", "0001-01-01"


class _Slot:
    """A placeholder parameter, replaced by the previous page's key value."""

    def __init__(self, position: int) -> None:
        self.position = position


def _after(columns: list[peewee.Node], keys: Sequence[Key], slots: list[peewee.Node]) -> peewee.Node:
    """Rows after the key values in `slots` in the order of `keys`."""
    if all(k.descending == keys[0].descending for k in keys):  # one row-value comparison
        left, right = peewee.Tuple(*columns), peewee.Tuple(*slots)
        return left < right if keys[0].descending else left > right
    condition: peewee.Node | None = None
    for column, key, slot in reversed(list(zip(columns, keys, slots, strict=True))):
        beyond = column < slot if key.descending else column > slot
        condition = beyond if condition is None else beyond | ((column == slot) & condition)
    first = columns[0] <= slots[0] if keys[0].descending else columns[0] >= slots[0]
    return first & condition  # the leading bound lets an index on the first key seek


class KeysetPages:
    """The pages of `query` (a filtered SELECT) in the order of `keys`, each after the last.

    `convert(rows)` turns a page of raw rows into what the caller lists; the key values are
    appended after the query's own columns and stripped again."""

    def __init__(self, query: peewee.ModelSelect, keys: Sequence[Key], convert: Callable[[list[tuple]], list]):
        sqlite = is_sqlite(database_proxy.obj)
        columns = [k.column(sqlite) for k in keys]
        self._width = len(query.selected_columns)
        self._keys = len(keys)
        order = [c.desc() if k.descending else c.asc() for c, k in zip(columns, keys, strict=True)]
        base = query.select_extend(*columns).order_by(*order)
        slots = [peewee.Value(_Slot(i), converter=False) for i in range(len(keys))]
        self._first = base
        self._next = base.where(_after(columns, keys, slots))
        self._convert = convert
        self._sql: dict[tuple[bool, int], tuple[str, list[Any], list[tuple[int, int]]]] = {}
        self._last: tuple | None = None
        self.done = False

    def _statement(self, after: bool, limit: int) -> tuple[str, list[Any], list[tuple[int, int]]]:
        cached = self._sql.get((after, limit))
        if cached is None:
            sql, params = (self._next if after else self._first).limit(limit).sql()
            slots = [(i, p.position) for i, p in enumerate(params) if isinstance(p, _Slot)]
            cached = self._sql[(after, limit)] = (sql, list(params), slots)
        return cached

    def _rows(self, limit: int) -> list[tuple]:
        if self.done or limit <= 0:
            return []
        sql, params, slots = self._statement(self._last is not None, limit)
        if self._last is not None:
            params = list(params)
            for index, position in slots:
                params[index] = self._last[position]
        rows = database_proxy.execute_sql(sql, params).fetchall()
        if len(rows) < limit:
            self.done = True
        if rows:
            self._last = tuple(rows[-1][self._width :])
        return rows

    def next_page(self, limit: int) -> list:
        """The next `limit` rows (fewer at the end, then [] and `done`)."""
        rows = self._rows(limit)
        return self._convert([tuple(r[: self._width]) for r in rows]) if rows else []

    def skip(self, count: int) -> None:
        """Move past `count` rows already shown (e.g. a first page read another way)."""
        self._rows(count)
