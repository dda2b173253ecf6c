"""Case search: FTS5 trigram for 3+ characters, LIKE for 1–2, identifiers by exact match only.

Results are filtered by the viewer's visibility (restricted cases never leak). Phone and ID numbers
are not in the text index at all; they are matched exactly, and only for roles that see them.
"""

from __future__ import annotations

import re
import unicodedata

import peewee

from app.cases.queries import visible
from app.errors import ValidationError
from app.policy import Action, can
from app.session import Session
from app.validation import validate_phone
from models.cases import Case, Category, Complainant
from models.database import database_proxy
from models.fields import identifier_equals
from models.organisation import Department
from models.search_index import FTS_TABLE, is_sqlite

MAX_RESULTS = 200
# Phone, ID number or 门诊号/住院号: 6–20 letters/digits with at least four digits.
_IDENTIFIER = re.compile(r"^(?=(?:\D*\d){4})[0-9A-Za-z\-+ ]{6,20}$")


def _fts_text(case: Case) -> tuple[str, str, str, str, str]:
    from models.cases import Assignment

    complainant = Complainant.get_by_id(case.complainant_id)
    people = " ".join(p for p in (complainant.name, case.patient_name) if p)
    dept_ids = {
        a.department_id for a in Assignment.select(Assignment.department).where(Assignment.case == case.id)
    }
    if case.visit_department_id:
        dept_ids.add(case.visit_department_id)
    departments = (
        " ".join(d.name for d in Department.select(Department.name).where(Department.id.in_(dept_ids)))
        if dept_ids
        else ""
    )
    category = Category.get_by_id(case.category_id).path if case.category_id else ""
    return case.case_no, people, f"{case.content}\n{case.demands}", departments, category


def index_case(case: Case) -> None:
    """(Re)write the case's row in the text index; runs inside the writing transaction."""
    if not is_sqlite(database_proxy.obj):
        return
    database_proxy.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (case.id,))
    database_proxy.execute_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, case_no, people, content, departments, category) VALUES (?, ?, ?, ?, ?, ?)",
        (case.id, *_fts_text(case)),
    )


def remove_case(case_id: int) -> None:
    if is_sqlite(database_proxy.obj):
        database_proxy.execute_sql(f"DELETE FROM {FTS_TABLE} WHERE rowid = ?", (case_id,))


def _match_expression(text: str) -> str:
    """Each whitespace-separated term quoted as an FTS5 string (user input never becomes syntax)."""
    terms = [t for t in text.split() if t]
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _text_ids(text: str) -> peewee.SQL | None:
    terms = text.split()
    if all(len(t) >= 3 for t in terms):
        return peewee.SQL(
            f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", (_match_expression(text),)
        )
    # Trigram cannot match 1–2 characters: scan the indexed text with LIKE instead.
    clauses, params = [], []
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(
            "(case_no LIKE ? ESCAPE '\\' OR people LIKE ? ESCAPE '\\' OR content LIKE ? ESCAPE '\\'"
            " OR departments LIKE ? ESCAPE '\\' OR category LIKE ? ESCAPE '\\')"
        )
        params.extend([f"%{escaped}%"] * 5)
    return peewee.SQL(f"(SELECT rowid FROM {FTS_TABLE} WHERE " + " AND ".join(clauses) + ")", params)


def _server_text(text: str) -> peewee.Expression:
    """PostgreSQL: narrative and numbers by substring (pg_trgm index); names only by exact blind index."""
    condition = None
    for term in text.split():
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        names = Complainant.select(Complainant.id).where(
            identifier_equals(Complainant.name, Complainant.name_index, "name", term)
        )
        part = (
            (Case.content**pattern)
            | (Case.demands**pattern)
            | (Case.case_no**pattern)
            | Case.complainant.in_(names)
            | identifier_equals(Case.patient_name, Case.patient_name_index, "name", term)
        )
        condition = part if condition is None else condition & part
    return condition


def _printable(text: str) -> str:
    """Whitespace as spaces, control and format characters dropped (a NUL ends an FTS5 string early)."""
    return "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C"
    )


def _as_phone(text: str) -> str:
    """A phone number typed any usual way ("135-8888-6666", "+86 135…") in its stored form, or ""."""
    try:
        return validate_phone(text)
    except ValidationError:
        return ""


def search(session: Session, text: str, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the cases matching `text` that the user may see, newest first."""
    text = " ".join(_printable(text or "").split())[:100]
    if not text:
        return []
    query = visible(session.user, Case.select(Case.id))
    conditions = []
    if _IDENTIFIER.match(text) and can(session.user, Action.SEARCH_IDENTIFIERS):
        ident = text.replace(" ", "").upper()
        by_person = Complainant.select(Complainant.id).where(
            identifier_equals(Complainant.phone, Complainant.phone_index, "phone", _as_phone(text) or ident)
            | identifier_equals(Complainant.id_number, Complainant.id_number_index, "id", ident)
        )
        conditions.append(
            Case.complainant.in_(by_person)
            | identifier_equals(Case.patient_record_no, Case.patient_record_index, "record", ident)
        )
    if is_sqlite(database_proxy.obj):
        conditions.append(Case.id.in_(_text_ids(text)))
    else:
        conditions.append(_server_text(text))

    combined = conditions[0]
    for extra in conditions[1:]:
        combined |= extra
    rows = query.where(combined).order_by(Case.received_at.desc()).limit(limit)
    return [row.id for row in rows]
