"""Full-text index of cases: FTS5 trigram (rowid = case id) locally, pg_trgm on a shared server.

The FTS5 tables are contentless (`content = ''`, `contentless_delete = 1`): they hold the index
only, never a second copy of the text. The text itself lives in `case_text` (models.cases.CaseText)
and the case's own columns; a search that needs the text (LIKE for punctuation, the check of a
long term's candidates) reads it there.

They keep no positions (`detail = none`, schema step 34): each term's entry is the list of the
cases holding it, a quarter of what positions and columns cost. FTS5 then refuses phrases, so
app.cases.search asks for single tokens: a 3-character term is one trigram (exact), a longer one
the AND of its trigrams (candidates, checked against the texts); the character index holds every
character and every pair of neighbouring characters (`char_tokens`), so a 1- or 2-character term
is one token (exact).

Two pairs (trigram + character): the open cases' (`case_fts_open`, `case_chars_open`) and the
others' (`case_fts`, `case_chars`). Deleting a row of a contentless_delete table only adds a
tombstone: the row's terms stay in the index's pages until the segment holding them is merged.
When a case becomes restricted its terms must go at once, and rewriting a whole index (`optimize`)
costs in proportion to its size: the open cases' pair is small, so it is rewritten in the
restricting transaction (`purge`); the large pair holds the texts of closed cases.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator

import peewee

from models.server_reads import create_grams_index

Progress = Callable[[int, int, str], None]

FTS_TABLE = "case_fts"
FTS_COLUMNS = ("case_no", "people", "content", "departments", "category")
# 1–2 character queries: every character and every pair of neighbouring characters as a token.
CHAR_TABLE = "case_chars"
CHAR_COLUMNS = ("people", "content", "departments", "category")
OPEN_FTS_TABLE = "case_fts_open"
OPEN_CHAR_TABLE = "case_chars_open"
# (trigram table, character table): the closed cases' pair, the open cases' pair
PAIRS = ((FTS_TABLE, CHAR_TABLE), (OPEN_FTS_TABLE, OPEN_CHAR_TABLE))
TEXT_TABLES = (FTS_TABLE, CHAR_TABLE, OPEN_FTS_TABLE, OPEN_CHAR_TABLE)


def is_token_char(ch: str) -> bool:
    """A character the character index keeps: a letter, a digit or other number, or a private-use
    character (Unicode categories L*, N*, Co), each of which FTS5's unicode61 tokenizer keeps as part
    of a token. Everything else (whitespace, punctuation, symbols, marks) separates runs."""
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def char_tokens(text: str) -> str:
    """The character index's text: every token character and every pair of neighbouring token
    characters, space-separated ("停车场" → "停 车 场 停车 车场"). A pair never spans whitespace or
    punctuation ("停，车" gives "停 车" and no "停车"); unicode61 folds the case of each token."""
    tokens: list[str] = []
    run: list[str] = []
    for ch in [*text, " "]:  # a separator at the end closes the last run
        if is_token_char(ch):
            run.append(ch)
            continue
        if run:
            tokens += run
            tokens += [a + b for a, b in zip(run, run[1:], strict=False)]
            run = []
    return " ".join(tokens)


def insert_rows_sql(open_case: bool = False) -> tuple[str, str]:
    """The two INSERT statements the writers share: (trigram table, character table) of the open
    cases' pair or the closed cases' one."""
    fts, chars_table = PAIRS[1] if open_case else PAIRS[0]
    trigram = f"INSERT INTO {fts} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})"
    chars = (
        f"INSERT INTO {chars_table} (rowid, {', '.join(CHAR_COLUMNS)}) VALUES (?{', ?' * len(CHAR_COLUMNS)})"
    )
    return trigram, chars


def delete_rows(db: peewee.Database, case_id: int) -> None:
    """The case's rows in every text index (a tombstone each: see `purge`)."""
    for table in TEXT_TABLES:
        db.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (case_id,))


def in_open_pair(db: peewee.Database, case_id: int) -> bool:
    """Is the case indexed in the open cases' pair? (Its size row: one primary-key look-up.)"""
    return (
        db.execute_sql(f"SELECT 1 FROM {OPEN_FTS_TABLE}_docsize WHERE id = ?", (case_id,)).fetchone()
        is not None
    )


def purge(db: peewee.Database, closed_too: bool = False) -> None:
    """Rewrite the open cases' pair (and the closed cases' with `closed_too`) into one segment each:
    the terms of every deleted row leave the pages (the freed pages are zeroed: secure_delete)."""
    for pair in PAIRS if closed_too else PAIRS[1:]:
        for table in pair:
            db.execute_sql(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


# The index row of a case as app.cases.search writes it (people, narrative and demands, departments,
# category), for the upgrades that move or rebuild the rows (schema steps 30 and 34); then whether
# the case is restricted and whether its state is final.
_ROWS = """
SELECT c.id, c.case_no,
       CASE WHEN coalesce(p.name, '') <> '' AND coalesce(c.patient_name, '') <> ''
            THEN p.name || ' ' || c.patient_name ELSE coalesce(nullif(p.name, ''), c.patient_name, '') END,
       t.content || char(10) || t.demands,
       coalesce((SELECT group_concat(d.name, ' ') FROM department d WHERE d.id = c.visit_department_id
                 OR d.id IN (SELECT a.department_id FROM assignment a WHERE a.case_id = c.id)), ''),
       coalesce(g.path, ''), c.restricted, c.state IN ({final})
FROM "case" c JOIN case_text t ON t.case_id = c.id JOIN complainant p ON p.id = c.complainant_id
LEFT JOIN category g ON g.id = c.category_id
WHERE {where} c.id > ? ORDER BY c.id LIMIT 2000
"""


def _row_batches(
    db: peewee.Database, final_states: tuple[str, ...], open_only: bool = False
) -> Iterator[list[tuple]]:
    """The index rows of every case (`open_only`: of the open cases not restricted), in keyset
    batches by id."""
    final = ", ".join("?" * len(final_states))
    where = f"NOT c.restricted AND c.state NOT IN ({final}) AND" if open_only else ""
    params = final_states * (2 if open_only else 1)
    sql = _ROWS.format(final=final, where=where)
    last = 0
    while rows := db.execute_sql(sql, (*params, last)).fetchall():
        yield rows
        last = rows[-1][0]


def move_open_cases(db: peewee.Database, final_states: tuple[str, ...]) -> int:
    """Index the open cases (state not in `final_states`, not restricted) in the open cases' pair
    instead of the other, then rewrite both pairs (their old rows leave the pages). Returns the
    cases moved."""
    create_search_index(db)
    moved = 0
    trigram, chars = insert_rows_sql(open_case=True)
    for batch in _row_batches(db, final_states, open_only=True):
        rows = [row[:6] for row in batch]
        for row in rows:
            for table in PAIRS[0]:
                db.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
        db.cursor().executemany(trigram, rows)
        db.cursor().executemany(chars, [char_row(row) for row in rows])
        moved += len(rows)
    purge(db, closed_too=True)
    return moved


def rebuild(
    db: peewee.Database, final_states: tuple[str, ...], number_only: bool, progress: Progress | None = None
) -> int:
    """Drop the four text tables, create them as `create_search_index` does now and index every
    case again from its texts (schema step 34): an open case in the open cases' pair, a closed one
    in the other; a restricted case by its number only when `number_only` (its texts are sealed,
    models/sealed_content.py `index_number_only`). Then each table is merged into one segment.
    Returns the cases indexed."""
    for table in TEXT_TABLES:
        db.execute_sql(f"DROP TABLE IF EXISTS {table}")
    create_search_index(db)
    total = db.execute_sql('SELECT count(*) FROM "case"').fetchone()[0]
    done = 0
    for batch in _row_batches(db, final_states):
        by_pair: tuple[list[tuple], list[tuple]] = ([], [])
        for row in batch:
            if row[6] and number_only:
                by_pair[0].append((row[0], row[1], "", "", "", ""))
            else:
                by_pair[0 if row[7] else 1].append(row[:6])
        for open_case, rows in enumerate(by_pair):
            trigram, chars = insert_rows_sql(open_case=bool(open_case))
            db.cursor().executemany(trigram, rows)
            db.cursor().executemany(chars, [char_row(row) for row in rows])
        done += len(batch)
        if progress is not None:
            progress(done, total, "正在重建全文索引")
    if progress is not None:
        progress(total, total, "正在整理全文索引")
    purge(db, closed_too=True)
    return done


def char_row(row: tuple) -> tuple:
    """The character-index row for a trigram row (rowid, case_no, people, content, departments, category)."""
    return (row[0], *(char_tokens(value) for value in row[2:]))


def is_sqlite(db: peewee.Database | peewee.DatabaseProxy) -> bool:
    if isinstance(db, peewee.DatabaseProxy):
        db = db.obj
    return isinstance(db, peewee.SqliteDatabase)


def create_search_index(db: peewee.Database) -> None:
    """SQLite: the FTS5 trigram and character tables. PostgreSQL: pg_trgm GIN indexes on the
    narrative and demands (in case_text) and the index of their characters and pairs."""
    if not is_sqlite(db):
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in ("content", "demands"):
            db.execute_sql(
                f"CREATE INDEX IF NOT EXISTS case_text_{column}_trgm ON case_text USING gin ({column} gin_trgm_ops)"
            )
        create_grams_index(db)  # terms of one or two characters (models/server_reads.py)
        return
    for fts, chars in PAIRS:
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
            + ", ".join(FTS_COLUMNS)
            + ", content = '', contentless_delete = 1, detail = none, tokenize = 'trigram')"
        )
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {chars} USING fts5("
            + ", ".join(CHAR_COLUMNS)
            + ", content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61 remove_diacritics 0')"
        )
