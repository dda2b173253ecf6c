"""Case search: FTS5 trigram for 3+ characters, a character and character-pair FTS5 index for 1–2,
identifiers by exact match.

Results are filtered by the viewer's visibility (restricted cases never leak). Phone and ID numbers
are not in the text index at all; they are matched exactly, and only for roles that see them.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import reduce

import peewee

from app import restricted_content
from app.cases import sealed_names
from app.cases.states import OPEN_STATES
from app.cases.visibility import visible
from app.errors import ValidationError
from app.policy import Action, can
from app.session import Session
from app.validation import validate_phone
from app.write_path import ensure_unlocked
from models.cases import Case, CaseCounter, CaseText, Category, Complainant
from models.database import database_proxy
from models.fields import CONTENT_PREFIX, identifier_equals
from models.organisation import Department
from models.sealed_content import index_number_only
from models.search_index import (
    PAIRS,
    char_row,
    delete_rows,
    in_open_pair,
    insert_rows_sql,
    is_sqlite,
    is_token_char,
)

MAX_RESULTS = 200
# Above this many text matches, cases are tested newest first instead of fetched by id (SQLite).
MANY = 1000
# On a server the ids go as one array parameter: a term's matches up to this many are read by
# primary key (a common word's 1,500 matches at 200,000 cases: ~10 ms, where walking the cases
# newest first testing each against the matches took ~200 ms).
SERVER_MANY = 20_000
ALL_MATCHES = 2**31 - 1  # cd_text_newest's limit for every match
# A case number or its beginning without the office prefix (YH-2026-000123, 2026-0001): matched as
# a prefix in the numbers' unique index (numbers are {prefix}-{year}-{seq}, app.cases.numbering),
# as the trigrams every number shares ("YH-", "-20") would make the text index read all its entries.
_CASE_NO = re.compile(r"^(?:[A-Za-z]{1,8}-)?\d{4}-\d{1,6}$")
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
    text = CaseText.get_by_id(case.id)
    return case.case_no, people, f"{text.content}\n{text.demands}", departments, category


def index_case(case: Case) -> None:
    """(Re)write the case's rows in the text indexes; runs inside the writing transaction. An open
    case is indexed in the open cases' pair (models/search_index.py), a closed one in the other."""
    if not is_sqlite(database_proxy.obj):
        return
    if case.restricted and restricted_content.applies():
        index_number_only(database_proxy.obj, case.id, case.case_no)  # its texts are sealed
        return
    remove_case(case.id)
    row = (case.id, *_fts_text(case))
    trigram_sql, chars_sql = insert_rows_sql(open_case=case.state in OPEN_STATES)
    database_proxy.execute_sql(trigram_sql, row)
    database_proxy.execute_sql(chars_sql, char_row(row))


def indexed_where_it_belongs(case: Case) -> bool:
    """Is the case's text in the pair its state calls for? (Closing a case moves it. A restricted
    case's number-only row is always in the closed cases' pair.)"""
    db = database_proxy.obj
    if not is_sqlite(db) or (case.restricted and restricted_content.applies()):
        return True
    return in_open_pair(db, case.id) == (case.state in OPEN_STATES)


def remove_case(case_id: int) -> None:
    if is_sqlite(database_proxy.obj):
        delete_rows(database_proxy.obj, case_id)


def _matching(column: int, expression: str) -> tuple[str, list[str]]:
    """The case ids whose rows in either pair's trigram (column 0) or character (1) table match."""
    tables = [pair[column] for pair in PAIRS]
    source = " UNION ALL ".join(f"SELECT rowid FROM {t} WHERE {t} MATCH ?" for t in tables)
    return source, [expression] * len(tables)


def _quoted(tokens: list[str]) -> str:
    """The tokens, each quoted as an FTS5 string (user input never becomes syntax), all required."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in dict.fromkeys(tokens))


def _short(term: str) -> bool:
    """A 1–2 character term the character index holds as one token (models/search_index.char_tokens)."""
    return len(term) <= 2 and all(is_token_char(ch) for ch in term)


def _candidates(terms: list[str]) -> tuple[str, list[str]]:
    """The ids of the cases holding every term's tokens: a term of 3 or more characters its
    trigrams (the trigram tables keep no positions, so "abcd" gives the cases holding both "abc"
    and "bcd": candidates, exact only for 3 characters), a 1–2 character term its token of the
    character tables (exact)."""
    trigrams = [t[i : i + 3] for t in terms if not _short(t) for i in range(len(t) - 2)]
    parts = []
    if trigrams:
        parts.append(_matching(0, _quoted(trigrams)))
    if shorts := [t for t in terms if _short(t)]:
        parts.append(_matching(1, _quoted(shorts)))
    if len(parts) == 1:
        return parts[0]
    return " INTERSECT ".join(f"SELECT * FROM ({source})" for source, _p in parts), [
        p for _s, ps in parts for p in ps
    ]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _case_numbers(text: str) -> tuple[str, list[str]]:
    """SQL (with parameters) of the ids of cases whose number begins with `text`, or with an office
    prefix and then `text` when it has none: key ranges of the unique index, never a scan."""
    text = text.upper()
    if text[0].isdigit():
        prefixes = {row[0] for row in CaseCounter.select(CaseCounter.prefix).distinct().tuples()}
        starts = [f"{prefix}-{text}" for prefix in sorted(prefixes)]
    else:
        starts = [text]
    if not starts:
        return 'SELECT id FROM "case" WHERE 0 = 1', []
    ranges, params = [], []
    for start in starts:  # [start, start with its last character raised): every number beginning so
        ranges.append("(case_no >= ? AND case_no < ?)")
        params += [start, start[:-1] + chr(ord(start[-1]) + 1)]
    placeholder = "?" if is_sqlite(database_proxy.obj) else "%s"
    where = " OR ".join(ranges).replace("?", placeholder)
    return f'SELECT id FROM "case" WHERE {where}', params


# The texts of a case as the text index sees them (models.search_index.FTS_COLUMNS), tested in the
# order they are most often found in: the narrative and demands first, the rows of other tables
# (the complainant's name, the category, the departments) read only when those do not hold the term.
_TEXT_SOURCE = '"case" sc JOIN case_text st ON st.case_id = sc.id'
_TEXT_TESTS = (
    "st.content LIKE ? ESCAPE '\\'",
    "st.demands LIKE ? ESCAPE '\\'",
    "sc.patient_name LIKE ? ESCAPE '\\'",
    "EXISTS (SELECT 1 FROM complainant sp WHERE sp.id = sc.complainant_id AND sp.name LIKE ? ESCAPE '\\')",
    "EXISTS (SELECT 1 FROM category sg WHERE sg.id = sc.category_id AND sg.path LIKE ? ESCAPE '\\')",
    "EXISTS (SELECT 1 FROM department sd WHERE sd.name LIKE ? ESCAPE '\\' AND (sd.id = sc.visit_department_id"
    " OR sd.id IN (SELECT sa.department_id FROM assignment sa WHERE sa.case_id = sc.id)))",
)
# A restricted case whose texts are sealed is indexed by its number only (index_number_only): it is
# found by nothing else here either (case_text is always sealed with the rest, models/sealed_content.py).
_PLAIN = f"substr(st.content, 1, {len(CONTENT_PREFIX)}) <> '{CONTENT_PREFIX}'"


def _like_texts(terms: list[str]) -> tuple[str, list[str]]:
    """Every term found in one of the case's texts (its number, people, narrative, demands,
    category or departments): the WHERE clause over _TEXT_SOURCE and its parameters."""
    clauses, params = [], []
    for term in terms:
        clauses.append(f"(sc.case_no LIKE ? ESCAPE '\\' OR ({_PLAIN} AND ({' OR '.join(_TEXT_TESTS)})))")
        params.extend([_like(term)] * (1 + len(_TEXT_TESTS)))
    return " AND ".join(clauses), params


def _texts_hold(where: str, params: list[str]) -> peewee.Node:
    """The condition on Case: its texts satisfy `where` (over _TEXT_SOURCE)."""
    return peewee.NodeList(
        (
            peewee.SQL(f"EXISTS (SELECT 1 FROM {_TEXT_SOURCE} WHERE sc.id ="),
            Case.id,
            peewee.SQL(f"AND {where})", params),
        )
    )


def _ids(sql: str, params: list) -> list[int]:
    return [row[0] for row in database_proxy.execute_sql(sql, params)]


def _holding(case_ids: list[int], where: str, params: list[str]) -> list[int]:
    """Those of `case_ids` whose texts satisfy `where` (over _TEXT_SOURCE, from `_like_texts`)."""
    marks = ", ".join("?" * len(case_ids))
    return _ids(
        f"SELECT sc.id FROM {_TEXT_SOURCE} WHERE sc.id IN ({marks}) AND {where}", [*case_ids, *params]
    )


@dataclass(frozen=True)
class _Unchecked:
    """Up to MANY candidates of a long term, found in the index and not yet checked against the
    texts: `search` checks the newest it would show first (`_checked`)."""

    ids: list[int]
    where: str
    params: list[str]


def _local_text(text: str) -> peewee.Expression | _Unchecked:
    """SQLite: the cases whose indexed text matches, found without visiting every case.

    Up to MANY matches are fetched first and looked up by id; a text found in more cases is tested
    case by case along the received_at index, newest first, so the query stops at its LIMIT. A
    term of 4 or more characters gives candidates (`_candidates`), each checked against the texts:
    up to MANY of them by `search` (`_Unchecked`), more on each case of the walk.
    """
    terms = text.split()
    if _CASE_NO.match(text):
        source, params = _case_numbers(text)
    elif all(len(t) >= 3 or _short(t) for t in terms):
        source, params = _candidates(terms)
        if long_terms := [t for t in terms if len(t) > 3]:
            where, like_params = _like_texts(long_terms)
            found = _ids(f"{source} LIMIT {MANY + 1}", params)
            if len(found) <= MANY:
                return _Unchecked(found, where, like_params)  # checked newest first (`_checked`)
            return (Case.id + 0).in_(peewee.SQL(f"({source})", params)) & _texts_hold(where, like_params)
    else:
        # Punctuation is not a token of the character index: LIKE over the texts the index is
        # built from (the index keeps no copy of them).
        where, params = _like_texts(terms)
        found = _ids(f"SELECT sc.id FROM {_TEXT_SOURCE} WHERE {where} LIMIT {MANY + 1}", params)
        return Case.id.in_(found) if len(found) <= MANY else _texts_hold(where, params)
    found = _ids(f"{source} LIMIT {MANY + 1}", params)
    return Case.id.in_(found) if len(found) <= MANY else (Case.id + 0).in_(peewee.SQL(f"({source})", params))


def _server_text(text: str, limit: int) -> peewee.Expression:
    """PostgreSQL: narrative and numbers by substring (pg_trgm index, or for one or two characters
    the index of characters and pairs); names only by exact blind index.

    Each term's matches are read first, each source on its own index; up to SERVER_MANY are handed
    on as ids (the newest are then read by primary key), so a rare term does not walk every case
    along received_at testing an OR of subqueries on each row. A query of one term asks for its
    newest `limit` text matches only: the newest `limit` of a union are among the newest `limit`
    of each of its parts. Several terms, none matching more than SERVER_MANY cases by name or case
    number (checked first, on their indexes): the server finds the newest cases holding all of them
    in their texts at once, and the few a term matches otherwise are kept where their texts hold the
    other terms (`_several_terms`), instead of each common term's every match being read and the
    sets intersected."""
    if _CASE_NO.match(text):
        source, params = _case_numbers(text)
        return Case.id.in_(peewee.SQL(f"({source})", params))
    terms = text.split()
    patterns = {term: _server_pattern(term) for term in terms}
    if len(terms) > 1:
        others = {term: ids for term in terms if (ids := _other_ids(term, patterns[term])) is not None}
        if len(others) == len(set(terms)):  # no term matches too many by name or number
            return _several_terms(terms, patterns, others, limit)
    condition = None
    for term in terms:
        part = _term_ids(term, patterns[term], limit if len(terms) == 1 else None)
        condition = part if condition is None else condition & part
    return condition


def _several_terms(terms: list[str], patterns: dict[str, str], others: dict[str, set[int]], limit: int) -> peewee.Node:
    """The cases in which every term is held by the texts or matches otherwise (`others`: by name
    or case number, few): the newest `limit` holding all of them in their texts (`cd_texts_newest`),
    and those of `others` whose texts hold the terms they do not match otherwise (`cd_texts_holding`)."""
    found = set(_ids("SELECT cd_texts_newest(%s, %s)", [terms, limit]))
    needs: dict[tuple[str, ...], list[int]] = {}
    for case_id in set().union(*others.values()):
        needs.setdefault(tuple(patterns[t] for t in terms if case_id not in others[t]), []).append(case_id)
    for need, case_ids in needs.items():
        found.update(_ids("SELECT cd_texts_holding(%s, %s)", [case_ids, list(need)]) if need else case_ids)
    return peewee.NodeList((Case.id, peewee.SQL("= ANY(%s)", [sorted(found)])))


def _other_ids(term: str, pattern: str) -> set[int] | None:
    """The cases a term matches other than in their texts (`_other_sources`); None for more than
    SERVER_MANY."""
    found: set[int] = set()
    for source in _other_sources(term, pattern):
        found.update(r[0] for r in Case.select(Case.id).where(source).limit(SERVER_MANY + 1).tuples())
        if len(found) > SERVER_MANY:
            return None
    return found


def _server_pattern(term: str) -> str:
    """The term as a LIKE pattern (its own %, _ and backslash escaped)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_ids(term: str, pattern: str, newest: int | None) -> tuple[peewee.SQL, str, list]:
    """The server's text matches of a term: as a subquery, and as a statement (with parameters)
    reading the first SERVER_MANY + 1 of them. Narrative and demands are read by the server's
    functions (models/server_policy.py, models/server_reads.py): under row-level security the text
    indexes could not serve a LIKE. `newest`: only that many, the newest (`cd_text_newest`, which
    also serves every term of one or two characters); otherwise every match."""
    if newest is not None or len(term) <= 2:
        wanted = newest or ALL_MATCHES
        return (
            peewee.SQL("(SELECT cd_text_newest(%s, %s))", [term, wanted]),
            "SELECT cd_text_newest(%s, %s)",
            [term, min(wanted, SERVER_MANY + 1)],
        )
    return (
        peewee.SQL("(SELECT cd_text_search(%s))", [pattern]),
        f"SELECT cd_text_search(%s) LIMIT {SERVER_MANY + 1}",
        [pattern],
    )


def _term_ids(term: str, pattern: str, newest: int | None) -> peewee.Expression:
    """The cases matching one term on the server: narrative or demands (`_text_ids`), complainant
    or patient name, case number (`_other_sources`)."""
    sources = _other_sources(term, pattern)
    texts, first, params = _text_ids(term, pattern, newest)
    everything = reduce(operator.or_, sources, Case.id.in_(texts))
    found = [r[0] for r in database_proxy.execute_sql(first, params)]
    for source in sources:  # apart: an OR of them would be tested on every case row
        if len(found) > SERVER_MANY:
            return everything
        found += [r[0] for r in Case.select(Case.id).where(source).limit(SERVER_MANY + 1).tuples()]
    if len(found) > SERVER_MANY:
        return everything
    return peewee.NodeList((Case.id, peewee.SQL("= ANY(%s)", [sorted(set(found))])))


def _other_sources(term: str, pattern: str) -> list[peewee.Expression]:
    """Where a term matches a case on the server other than in its texts: complainant or patient
    name (blind index), case number (ASCII terms only)."""
    names = Complainant.select(Complainant.id).where(
        identifier_equals(Complainant.name, Complainant.name_index, "name", term)
    )
    sources = [
        Case.complainant.in_(names),
        identifier_equals(Case.patient_name, Case.patient_name_index, "name", term),
    ]
    if term.isascii():
        sources.append(Case.case_no**pattern)
    return sources


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


def _identifier_matches(text: str) -> list[int]:
    """Ids of the cases whose complainant's phone or ID number, or whose 门诊号/住院号, is `text`.

    Found first through the identifier indexes and handed on as ids: an OR of subqueries beside
    the text condition made SQLite walk every case along received_at (seconds at 200,000 cases)."""
    ident = text.replace(" ", "").upper()
    people = [
        row[0]
        for row in Complainant.select(Complainant.id)
        .where(
            identifier_equals(Complainant.phone, Complainant.phone_index, "phone", _as_phone(text) or ident)
            | identifier_equals(Complainant.id_number, Complainant.id_number_index, "id", ident)
        )
        .tuples()
    ]
    ids = (
        {row[0] for row in Case.select(Case.id).where(Case.complainant.in_(people)).tuples()}
        if people
        else set()
    )
    record = identifier_equals(Case.patient_record_no, Case.patient_record_index, "record", ident)
    ids.update(row[0] for row in Case.select(Case.id).where(record).tuples())
    return sorted(ids)


def search(session: Session, text: str, limit: int = MAX_RESULTS) -> list[int]:
    """Ids of the cases matching `text` that the user may see, newest first."""
    ensure_unlocked(session)
    text = " ".join(_printable(text or "").split())[:100]
    if not text:
        return []
    query = visible(session.user, Case.select(Case.id))
    conditions = []
    matched: set[int] = set()  # found by an identifier or a sealed name: no text to check
    unchecked = None
    identifies = _IDENTIFIER.match(text) and can(session.user, Action.SEARCH_IDENTIFIERS)
    if identifies and (identified := _identifier_matches(text)):  # none: no "0 = 1 OR …" hiding an index
        matched.update(identified)
        conditions.append(Case.id.in_(identified))
    if is_sqlite(database_proxy.obj):
        found = _local_text(text)
        if isinstance(found, _Unchecked):
            unchecked, found = found, Case.id.in_(found.ids)
        conditions.append(found)
        # sealed names, opened for holders of the key (not for a case number or an identifier)
        named = (
            [] if _CASE_NO.match(text) or _IDENTIFIER.match(text) else sealed_names.restricted_by_name(text)
        )
        if named:
            matched.update(named)
            conditions.append(Case.id.in_(named))
    else:
        conditions.append(_server_text(text, limit))

    combined = conditions[0]
    for extra in conditions[1:]:
        combined |= extra
    query = query.where(combined).order_by(Case.received_at.desc(), Case.id.desc())
    if unchecked is None:
        return [row.id for row in query.limit(limit)]
    return _checked([row[0] for row in query.tuples()], unchecked, matched, limit)


def _checked(newest_first: list[int], unchecked: _Unchecked, matched: set[int], limit: int) -> list[int]:
    """The first `limit` of the visible cases, newest first, that hold the terms in their texts (or
    were `matched` otherwise): checked a page of `limit` at a time, so a term in a few hundred
    cases reads the texts of about as many as are shown."""
    found: list[int] = []
    for start in range(0, len(newest_first), limit):
        page = newest_first[start : start + limit]
        check = [case_id for case_id in page if case_id not in matched]
        held = set(_holding(check, unchecked.where, unchecked.params)) if check else set()
        found += [case_id for case_id in page if case_id in matched or case_id in held]
        if len(found) >= limit:
            break
    return found[:limit]
