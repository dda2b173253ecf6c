"""Keeping a case's texts sealed exactly while it is restricted (local mode; models/sealed_content.py).

Called by every case write (app.write_path) and by intake, inside the writing transaction, after the
case's own writes: a restricted case's plain texts are sealed to the identifier key and its text-index
rows keep its number only. Only the audited lift of the restriction (`overlays.restrict(False)`, which
writes the 取消保密 event into the chained timeline) opens the texts and stores them plain again (by
the one who lifted it, who holds the key: only a manager may) and indexes the case in full.

Any other write that finds sealed texts on a case whose flag says it is not restricted keeps them
sealed and its text-index rows number-only: the flag was changed beside the application (plain SQL;
the timeline disagrees, app/cases/history.py), and a holder's ordinary write must not open the case
to everyone. The writer's audit entry records it (`KEPT_SEALED`).
"""

from __future__ import annotations

from app import sealing
from app.errors import ValidationError
from models.cases import Case
from models.database import database_proxy
from models.fields import current_cipher
from models.sealed_content import Recipient, has_sealed, index_number_only, seal_cases, unseal_cases
from models.search_index import is_sqlite

NEEDS_KEY = "本账户的密钥槽中还没有标识密钥，看不到保密案件的内容，不能修改或解除保密：请在主任或其他专员登录后重新登录再试"


def applies() -> bool:
    """Local mode with an identifier key (a database whose first officer or manager has not signed in
    yet has none: the sealing pass at that sign-in seals restricted cases too)."""
    db = database_proxy.obj
    return is_sqlite(db) and sealing.stored_public() is not None


KEPT_SEALED = "restriction_flag_without_lift"  # the audit detail key of a write that kept texts sealed


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
            seal_cases(db, [case.id], Recipient(sealing.stored_public()).seal, sealing.SEALED_CONTENT)
        except LookupError:  # a reader without the key saved what they were shown
            raise ValidationError("restricted", "保密", NEEDS_KEY) from None
        index_number_only(db, case.id, case.case_no)
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
        from app.cases import search

        search.index_case(case)
        return True
    return False
