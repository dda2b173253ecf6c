"""The hash chains' canonical form is the compact JSON array json.dumps writes, spelled out for
speed: the same text for every kind of value a timeline event or audit entry holds."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime

from app import audit
from models.chain import event_digest

AWKWARD = ["", "引号\"与反斜杠\\", "换行\n制表\t", "控制\x01\x1f字符", "emoji 😀 与 \u2028", "</script>", "普通文字"]


def _json_digest(values: list) -> str:
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_event_digest_is_the_json_array() -> None:
    rng = random.Random(4)
    for _ in range(300):
        at = datetime(2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))
        values = [
            rng.randint(1, 10**7),
            rng.randint(1, 60),
            at,
            rng.randint(1, 50),
            rng.choice(AWKWARD),
            rng.choice(AWKWARD),
            rng.choice(AWKWARD),
            rng.choice([None, rng.randint(1, 999)]),
            f"{rng.getrandbits(256):064x}",
        ]
        expected = _json_digest([*values[:2], at.isoformat(sep=" "), *values[3:]])
        assert event_digest(*values) == expected
        assert event_digest(*values[:2], at.isoformat(sep=" "), *values[3:]) == expected


def test_audit_digest_is_the_json_array() -> None:
    rng = random.Random(5)
    head = None
    prev = audit.GENESIS
    for n in range(300):
        detail = {"chain": {"YH-2026-000001": f"{n}:{n:064x}"}, rng.choice(AWKWARD) or "k": rng.choice(AWKWARD)}
        detail["list"] = [rng.choice(AWKWARD), None, True, 3]
        at = datetime(2026, 1, 1, 9) if n % 2 else datetime(2026, 5, 6, 7, 8, 9)
        row = audit.next_entry(head, rng.choice(AWKWARD), "case.note", rng.choice(AWKWARD), detail, at)
        seq, at_text, actor, action, target, detail_text, digest = row
        assert detail_text == json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert digest == _json_digest([seq, at_text, actor, action, target, detail_text, prev])
        head, prev = (seq, digest), digest
    assert audit.verify_rows([], None).ok
