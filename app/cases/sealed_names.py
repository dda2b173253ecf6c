"""Finding a restricted case by a name when its names are sealed (local mode).

A restricted case's complainant and patient names are sealed to the identifier key and their
look-up indexes are emptied (models/sealed_content.py): nobody who merely opens the database learns
a name, nor can they test a guessed one. A holder of the key still finds these cases by name: the
restricted cases are few (a few hundred at 200,000 cases), so their sealed names are read through
two small partial indexes that cover the query (models/sealed_content.py) and opened here (each once per sign-in: the opened names are
kept in memory with the session's sealer), and each search term is looked for in them as the text
index would (every term in one of the two names). Anybody else finds nothing this way.
"""

from __future__ import annotations

import weakref

from models.database import database_proxy
from models.fields import CONTENT_PREFIX, current_cipher
from models.sealed_content import RESTRICTED_PATIENTS, SEALED_COMPLAINANTS


def restricted_by_name(text: str) -> list[int]:
    """Ids of the restricted cases one of whose names holds every term of `text` (holders only)."""
    sealer = current_cipher()
    if not getattr(sealer, "opens_identifiers", False):
        return []
    terms = text.split()
    if not terms:
        return []
    # each case's two names joined by a character no term holds: "every term in one of the names"
    return [case_id for case_id, names in _restricted_names(sealer) if all(term in names for term in terms)]


def _restricted_names(sealer: object) -> list[tuple[int, str]]:
    """(case id, its opened names joined by NUL) of every restricted case, read again only when the
    database changed since the last search (a commit of this connection or of another one)."""
    db = database_proxy.obj
    stamp = (db.execute_sql("PRAGMA data_version").fetchone()[0], db.connection().total_changes)
    kept = _NAMES.get(sealer)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    opened = _OPENED.setdefault(sealer, {})
    if len(opened) > _MAX_OPENED:
        opened.clear()
    complainants = dict(db.execute_sql(SEALED_COMPLAINANTS).fetchall())
    rows = [
        (
            case_id,
            _opened(sealer, opened, patient)
            + "\0"
            + _opened(sealer, opened, complainants.get(complainant_id, "")),
        )
        for case_id, complainant_id, patient in db.execute_sql(RESTRICTED_PATIENTS).fetchall()
    ]
    _NAMES[sealer] = (stamp, rows)
    return rows


# Names opened this sign-in, by their sealed form (a box is never sealed twice alike): the next
# search reads the rows again but opens only what changed. Kept with the sealer installed at sign-in,
# so it goes with it at sign-out.
_OPENED: weakref.WeakKeyDictionary[object, dict[str, str]] = weakref.WeakKeyDictionary()
_MAX_OPENED = 100_000
# The joined names of the restricted cases with the change stamp they were read at, per sealer.
_NAMES: weakref.WeakKeyDictionary[object, tuple[tuple[int, int], list[tuple[int, str]]]] = (
    weakref.WeakKeyDictionary()
)


def _opened(sealer: object, opened: dict[str, str], value: str | None) -> str:
    if not value or not value.startswith(CONTENT_PREFIX):
        return value or ""  # not sealed (yet): as stored
    name = opened.get(value)
    if name is None:
        name = sealer.open_box(value[len(CONTENT_PREFIX) :]) or ""  # type: ignore[attr-defined]
        opened[value] = name
    return name
