"""Keeping a case's texts sealed exactly while it is restricted (local mode; models/sealed_content.py).

Called by every case write (app.write_path) and by intake, inside the writing transaction: a
restricted case's plain texts (its narrative and the other texts in `sealed_content.CONTENT`, the
complainant's and patient's names, its timeline) are sealed to the identifier key and its
text-index rows keep its number only. Only the audited lift of the restriction
(`overlays.restrict(False)`, which writes the 取消保密 event into the chained timeline) opens the
texts and stores them plain again (by the one who lifted it, who holds the key: only a manager
may), makes the name indexes again and indexes the case in full.

Any other write that finds sealed texts on a case whose flag says it is not restricted keeps them
sealed (its new timeline entries too) and its text-index rows number-only: the flag was changed
beside the application (plain SQL; the timeline disagrees, app/cases/history.py), and a holder's
ordinary write must not open the case to everyone. The writer's audit entry records it
(`KEPT_SEALED`).

The timeline's hash chain covers the texts as stored, so sealing or opening stored events chains
them again and the audit entry of the write records the old head beside the new one
(models/sealed_timeline.py).
"""

from __future__ import annotations

from typing import Any

from app import sealing
from app.cases.states import FINAL_STATES
from app.errors import ValidationError
from models import sealed_timeline
from models.cases import Case, Complainant
from models.database import database_proxy
from models.fields import CONTENT_PREFIX, current_cipher
from models.sealed_content import Recipient, has_sealed, index_number_only, seal_cases, unseal_cases
from models.search_index import is_sqlite, purge

CHECKPOINT_WAIT_MS = 200
NEEDS_KEY = "本账户的密钥槽中还没有标识密钥，看不到保密案件的内容，不能修改或解除保密：请在主任或其他专员登录后重新登录再试"
KEPT_SEALED = "restriction_flag_without_lift"  # the audit detail key of a write that kept texts sealed


_pending_checkpoint: set[int] = set()  # connections whose WAL still holds a restricted case's old pages


def applies() -> bool:
    """Local mode with an identifier key (a database whose first officer or manager has not signed in
    yet has none: the sealing pass at that sign-in seals restricted cases too)."""
    db = database_proxy.obj
    return is_sqlite(db) and sealing.stored_public() is not None


def sealed_events(case: Case, events: list[tuple[str, str, int | None]]) -> list[tuple[str, str, int | None]]:
    """New timeline entries as the case stores them: sealed while it is restricted (or while its
    timeline is still sealed: only the audited lift opens it)."""
    if not events or not applies() or not (case.restricted or _timeline_sealed(case.id)):
        return events
    return sealed_timeline.sealed_texts(events, Recipient(sealing.sealing_public()).seal)


def settle_timeline(case: Case, detail: dict[str, Any], *, lifting: bool = False) -> None:
    """Seal the case's stored timeline while it is restricted, or open it in the audited lift
    (`lifting`), before this write appends to it; a timeline chained again is recorded in the
    write's audit `detail` (new and old head)."""
    if not applies():
        return
    db = database_proxy.obj
    if case.restricted:
        change = sealed_timeline.seal_change(Recipient(sealing.sealing_public()).seal)
    elif not _timeline_sealed(case.id):
        return
    elif not lifting:
        detail[KEPT_SEALED] = True
        return
    else:
        sealer = current_cipher()
        if not getattr(sealer, "opens_identifiers", False):
            raise ValidationError("restricted", "保密", NEEDS_KEY)
        change = sealed_timeline.open_change(sealer.open_box)
    try:
        heads = sealed_timeline.rewrite(db, [case.id], change)
    except LookupError:
        raise ValidationError("restricted", "保密", NEEDS_KEY) from None
    if case.id in heads:
        old, new = heads[case.id]
        detail.setdefault("chain", {})[case.case_no] = new
        detail.setdefault("resealed", {})[case.case_no] = old


def _timeline_sealed(case_id: int) -> bool:
    row = database_proxy.obj.execute_sql(
        "SELECT 1 FROM case_event WHERE case_id = ? AND substr(summary, 1, ?) = ? LIMIT 1",
        (case_id, len(CONTENT_PREFIX), CONTENT_PREFIX),
    ).fetchone()
    return row is not None


def settle(case: Case, *, lifting: bool = False, detail: dict | None = None) -> bool:
    """Seal or re-store the case's texts as its restriction says (after the case row is saved);
    `lifting` only from the audited lift. True when it wrote the case's text-index rows (the number
    only, or in full after re-storing). `detail`: the write's audit detail, told when sealed texts
    were kept on a case not flagged restricted."""
    if not applies():
        return False
    db = database_proxy.obj
    if case.restricted:
        try:
            sealed = seal_cases(db, [case.id], Recipient(sealing.sealing_public()).seal, sealing.SEALED_CONTENT)
        except LookupError:  # a reader without the key saved what they were shown
            raise ValidationError("restricted", "保密", NEEDS_KEY) from None
        index_number_only(db, case.id, case.case_no)
        if sealed:  # restricted now: its terms leave the text index's pages in this transaction
            purge(db, closed_too=case.state in FINAL_STATES)
            _pending_checkpoint.add(id(db))
        return True
    if has_sealed(db, case.id):
        if not lifting:
            index_number_only(db, case.id, case.case_no)
            if detail is not None:
                detail[KEPT_SEALED] = True
            return True
        sealer = current_cipher()
        if not getattr(sealer, "opens_identifiers", False):
            raise ValidationError("restricted", "保密", NEEDS_KEY)
        try:
            unseal_cases(db, [case.id], sealer.open_box)
        except LookupError:
            raise ValidationError("restricted", "保密", NEEDS_KEY) from None
        _index_names(case.id, sealer)
        from app.cases import search

        search.index_case(case)
        return True
    return False


def _index_names(case_id: int, sealer: Any) -> None:  # noqa: ANN401 - the local sealer
    """The look-up indexes of the names, stored plain again (they were emptied while sealed)."""
    case = Case.select(Case.id, Case.patient_name, Case.complainant).where(Case.id == case_id).get()
    index = sealer.blind("name", case.patient_name) if case.patient_name else ""
    Case.update(patient_name_index=index).where(Case.id == case_id).execute()
    name = Complainant.select(Complainant.name).where(Complainant.id == case.complainant_id).scalar() or ""
    index = sealer.blind("name", name) if name else ""
    Complainant.update(name_index=index).where(Complainant.id == case.complainant_id).execute()


def after_commit() -> None:
    """After a transaction that restricted a case: copy the WAL into the file and cut it to nothing,
    so the old page images holding the case's text (and its index terms) leave the WAL file too. If
    another workstation is reading just then, it waits at most `CHECKPOINT_WAIT_MS` and the frames go
    at the next checkpoint that can truncate (the last connection's close does)."""
    db = database_proxy.obj
    if id(db) not in _pending_checkpoint or db.in_transaction():
        return
    _pending_checkpoint.discard(id(db))
    timeout = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    db.execute_sql(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    try:
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {timeout}")
