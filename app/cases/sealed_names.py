"""Finding a restricted case by a name when its names are sealed (local mode).

A restricted case's complainant and patient names are sealed to the identifier key and their
look-up indexes are emptied (models/sealed_content.py): nobody who merely opens the database learns
a name, nor can they test a guessed one. A holder of the key still finds these cases by name: the
restricted cases are few (a few hundred at 200,000 cases), so their sealed names are read through
the partial index of restricted cases and opened here, and each search term is looked for in them
as the text index would (every term in one of the two names). Anybody else finds nothing this way.
"""

from __future__ import annotations

from models.database import database_proxy
from models.fields import CONTENT_PREFIX, current_cipher

_NAMES = (
    'SELECT c.id, c.patient_name, p.name FROM "case" c '
    "JOIN complainant p ON p.id = c.complainant_id WHERE c.restricted = 1"
)


def restricted_by_name(text: str) -> list[int]:
    """Ids of the restricted cases one of whose names holds every term of `text` (holders only)."""
    sealer = current_cipher()
    if not getattr(sealer, "opens_identifiers", False):
        return []
    terms = text.split()
    if not terms:
        return []
    found = []
    for case_id, patient, complainant in database_proxy.obj.execute_sql(_NAMES):
        names = [_opened(sealer, patient), _opened(sealer, complainant)]
        if all(any(term in name for name in names) for term in terms):
            found.append(case_id)
    return found


def _opened(sealer: object, value: str | None) -> str:
    if not value or not value.startswith(CONTENT_PREFIX):
        return value or ""  # not sealed (yet): as stored
    return sealer.open_box(value[len(CONTENT_PREFIX) :]) or ""  # type: ignore[attr-defined]
