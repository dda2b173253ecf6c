"""The bulk path's sealing: what the services write with a local sealer installed (app/sealing.py),
made in the replay's rows. At registration the names and identifiers get their look-up indexes
(app.sealed_data.IDENTIFIERS, as intake's `blind_index` writes them); the writer seals the
identifiers (`sealed_identifiers`, as the sealed fields store them). For a
restricted case (models/sealed_content.py) its texts are sealed and its name indexes emptied
(`sealed_content.seal_cases`), its text-index rows keep its number only, and its timeline is sealed
and chained again by the operation that restricts it, which records the old and the new head in its
audit detail (app.restricted_content.settle_timeline); later entries are sealed as they are
written (`sealed_events`). The files (attachments, issued letters) are sealed by the writer too,
once their stored form is made (app.demo.bulk).

Without a sealer (a database whose identifier key is not made yet) the rows stay plain: the first
holder's sign-in seals them (app.sealed_data.seal_existing)."""

from __future__ import annotations

from app.demo.replay_data import CaseReplay, Rows
from app.sealed_data import IDENTIFIERS
from app.sealing import KeySealer
from app.statistics import person_keys
from app.statistics.facts import StatRows
from models.chain import GENESIS, event_digest, head_text
from models.fields import CONTENT_PREFIX
from models.sealed_content import CONTENT, NAME_INDEXES

# The tables of sealed_content.CONTENT whose rows come from the replay's case row (the writer splits
# it), and those the demo never writes; every other one must be one of `case_rows`' (checked).
FROM_CASE_ROW = ("case", "case_text", "case_handling")
NOT_WRITTEN = frozenset({"finding_override", "major_check", "case_correction"})


def look_up_indexes(sealer: KeySealer, table: str, row: dict) -> None:
    """The look-up indexes of a complainant's or case's names and identifiers, as intake stores them
    (made where the cases are replayed)."""
    for index, kind, source in IDENTIFIERS[table][1]:
        value = row.get(source) or ""
        row[index] = sealer.blind(kind, value) if value else ""


def sealed_identifiers(sealer: KeySealer, table: str, rows: list[dict]) -> list[dict]:
    """Complainant or case rows with their identifiers sealed as the sealed fields store them
    (by the writer: the planning process sets the pace of a parallel fill)."""
    columns = IDENTIFIERS[table][0]
    return [
        {**row, **{c: sealer.seal(row[c], kind) for c, kind in columns.items() if row.get(c)}} for row in rows
    ]


def key_sources(stats: list[StatRows], cases: list[dict], complainants: list[dict]) -> None:
    """The repeat keys of the chunk's cases told which stored value each was made from, once the
    writer has sealed them (person_keys.PlainKeyer leaves `person_keys.SOURCE_OF` + the kind)."""
    stored = {c["id"]: c for c in cases}
    people = {p["id"]: p for p in complainants}
    columns = {"record": "patient_record_no", "phone": "phone", "id": "id_number"}
    for row in stats:
        case = stored[row.case["case"]]
        for person in row.persons:
            if not person["source"].startswith(person_keys.SOURCE_OF):
                continue
            kind = person["source"][len(person_keys.SOURCE_OF) :]
            holder = case if kind == "record" else people.get(case.get("complainant"), {})
            person["source"] = person_keys.source(holder.get(columns[kind]) or "")


def sealed_text(sealer: KeySealer, text: str) -> str:
    """A restricted case's text as stored (an empty or sealed one unchanged)."""
    if not text or text.startswith(CONTENT_PREFIX):
        return text
    return CONTENT_PREFIX + sealer.seal_content(text)


def case_rows(r: CaseReplay, rows: Rows, starts: dict[str, int]) -> dict[str, list[dict]]:
    """The replayed case's rows per table of sealed_content.CONTENT (`starts`: where this case's
    rows begin in the chunk's lists of complainants, follow-ups, attachments and links)."""
    mine = {
        "complainant": rows.complainants[starts["complainants"] :],
        "case_issue": [r.issue],
        "assignment": r.assignments,
        "draft_revision": r.drafts,
        "follow_up": rows.followups[starts["followups"] :],
        "external_route": r.routes,
        "attachment": rows.attachments[starts["attachments"] :],
        "extension": r.extensions,
        "reply_promise": r.promises,
        "case_link": rows.links[starts["links"] :],
    }
    mine.update({table: [r.case] for table in FROM_CASE_ROW})
    left = set(CONTENT) - set(mine) - NOT_WRITTEN
    if left:  # a table sealed_content seals that the replay does not know: nothing may stay plain
        raise RuntimeError(f"the bulk path does not seal the restricted texts of {sorted(left)}")
    return mine


def seal_restricted_case(sealer: KeySealer, r: CaseReplay, rows: Rows, starts: dict[str, int]) -> None:
    """A restricted case's texts sealed and its name indexes emptied, as `seal_cases` leaves them."""
    for table, items in case_rows(r, rows, starts).items():
        columns = CONTENT[table][1]
        for row in items:
            for column in columns:
                if column in row:
                    row[column] = sealed_text(sealer, row[column])
    for table, index in NAME_INDEXES.items():
        for row in [r.case] if table == "case" else rows.complainants[starts["complainants"] :]:
            row[index] = ""


def seal_timeline(sealer: KeySealer, r: CaseReplay) -> None:
    """The operation that restricts the case (at its end, as `settle_timeline` and `sealed_events`
    in the write path): every entry sealed and chained again from the first one changed; when a
    stored entry (of an earlier operation) changed, the operation's audit detail records the head
    it had and the one it has now."""
    events, stored = r.events, r.op_start
    old = head_text(events[stored - 1][1], events[stored - 1][-1]) if stored else ""
    prev, first = GENESIS, None
    for i, (case_id, seq, at, actor, action, summary, note, attachment, digest) in enumerate(events):
        texts = sealed_text(sealer, summary), sealed_text(sealer, note)
        if first is None and texts == (summary, note):
            prev = digest
            continue
        first = i if first is None else first
        prev = event_digest(case_id, seq, at, actor, action, *texts, attachment, prev)
        events[i] = (case_id, seq, at, actor, action, *texts, attachment, prev)
    r.timeline_sealed = True
    if first is not None and first < stored:
        case_no = r.case["case_no"]
        r.detail.setdefault("chain", {})[case_no] = head_text(events[stored - 1][1], events[stored - 1][-1])
        r.detail.setdefault("resealed", {})[case_no] = old
