"""Kept counts of cases by state and restriction (SQLite): the lists' totals without a scan.

`case_tally` holds one row per (state, restricted) with its number of cases. Triggers on the case
table keep it exact inside every writing transaction, whoever writes (services, imports, the bulk
generator), so a total read from it is as right as a COUNT(*) and costs a dozen rows instead of a
pass over a million. A shared PostgreSQL server counts live (its lists' totals are not kept).
"""

from __future__ import annotations

import peewee

from models.search_index import is_sqlite

TABLE = "case_tally"

_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (state TEXT NOT NULL, restricted INTEGER NOT NULL, "
    "n INTEGER NOT NULL, PRIMARY KEY (state, restricted)) WITHOUT ROWID",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON "case" BEGIN
        INSERT INTO {TABLE} (state, restricted, n) VALUES (NEW.state, NEW.restricted <> 0, 1)
        ON CONFLICT (state, restricted) DO UPDATE SET n = n + 1;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON "case" BEGIN
        UPDATE {TABLE} SET n = n - 1 WHERE state = OLD.state AND restricted = (OLD.restricted <> 0);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF state, restricted ON "case"
    WHEN OLD.state IS NOT NEW.state OR (OLD.restricted <> 0) IS NOT (NEW.restricted <> 0) BEGIN
        UPDATE {TABLE} SET n = n - 1 WHERE state = OLD.state AND restricted = (OLD.restricted <> 0);
        INSERT INTO {TABLE} (state, restricted, n) VALUES (NEW.state, NEW.restricted <> 0, 1)
        ON CONFLICT (state, restricted) DO UPDATE SET n = n + 1;
    END""",
    # The few restricted cases by state: what a clerk or officer may see of them is counted here.
    'CREATE INDEX IF NOT EXISTS case_restricted_state ON "case" (state) WHERE restricted = 1',
)


def create_work_index(db: peewee.Database) -> None:
    """The open work's covering index (models.cases.WORK_INDEX) on a database made before it."""
    from models.cases import WORK_INDEX, Case

    db = getattr(db, "obj", db)
    index = next(i for i in Case._meta.indexes if getattr(i, "_name", None) == WORK_INDEX)
    db.execute_sql(*Case._schema._create_index(index, safe=True).query())


# A server keeps no counts, but reads the few restricted cases alone for the placeholders of those
# its user may not open (models.server_placeholders.PLACEHOLDER_VIEW), from their own covering index
# (models.server_placeholders.restricted_cards_index; schema step 36 replaced the index of their states).
SERVER_RESTRICTED_STATE_INDEX = "case_restricted_state"


def create_server_restricted_index(db: peewee.Database) -> None:
    from models.server_placeholders import restricted_cards_index

    db = getattr(db, "obj", db)
    if not is_sqlite(db):
        db.execute_sql(restricted_cards_index())


def create_case_tally(db: peewee.Database) -> None:
    """Create the table, its triggers and the restricted cases' index, counting existing cases (on
    a server: the index alone)."""
    db = getattr(db, "obj", db)  # a DatabaseProxy: the database behind it
    if not is_sqlite(db):
        create_server_restricted_index(db)
        return
    for statement in _CREATE:
        db.execute_sql(statement)
    db.execute_sql(f"DELETE FROM {TABLE}")
    db.execute_sql(
        f'INSERT INTO {TABLE} (state, restricted, n) SELECT state, restricted <> 0, COUNT(*) FROM "case" '
        "GROUP BY state, restricted <> 0"
    )


_present: dict[tuple[int, str], bool] = {}


def kept(db: peewee.Database) -> bool:
    """Whether `db` keeps the counts (a local database at the current schema)."""
    if not is_sqlite(db):
        return False
    key = (id(db), str(db.database))
    if key not in _present:
        row = db.execute_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
        _present[key] = row is not None
    return _present[key]


def counts(db: peewee.Database, states: list[str] | None, restricted: bool | None = None) -> dict[str, int]:
    """Cases per state (of `states`, or all), restricted or not or either (None)."""
    sql = f"SELECT state, SUM(n) FROM {TABLE} WHERE n <> 0"
    params: list = []
    if states is not None:
        sql += f" AND state IN ({', '.join('?' * len(states))})"
        params += states
    if restricted is not None:
        sql += " AND restricted = ?"
        params.append(int(restricted))
    return {state: int(n) for state, n in db.execute_sql(sql + " GROUP BY state", params).fetchall()}
