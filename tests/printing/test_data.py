"""Input dataclasses: validation and the rejection texts."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from decimal import Decimal

import pytest

from printing import FINDINGS, REJECTION_REASONS, REJECTION_RULES, RejectionData
from printing.formatting import cn_date, cn_datetime, esc, ordinal
from printing.texts import FINDING_SENTENCES

from .conftest import ISSUED, RECEIVED, full_documents


def test_rejection_codes() -> None:
    assert (
        set(REJECTION_REASONS)
        == set(REJECTION_RULES)
        == {
            "court_or_mediation",
            "authority_handled",
            "no_subject_facts",
            "criminal",
            "out_of_scope",
        }
    )
    for rule in REJECTION_RULES.values():
        assert rule.startswith("《医疗机构投诉管理办法》") and rule.endswith("。")


def test_every_finding_has_a_sentence() -> None:
    assert set(FINDING_SENTENCES) == set(FINDINGS)
    assert all(finding in FINDING_SENTENCES[finding] for finding in FINDINGS)


def test_rejection_for_reason() -> None:
    data = RejectionData.for_reason(
        "out_of_scope", case_no="YH-1", complainant_name="赵明", received_at=RECEIVED, issued_at=ISSUED
    )
    assert data.reason == "不属于投诉管理部门职权范围"
    assert data.rule_text == REJECTION_RULES["out_of_scope"]
    assert "人民调解" in data.other_routes and "诉讼" in data.other_routes
    with pytest.raises(ValueError):
        RejectionData.for_reason(
            "nope", case_no="YH-1", complainant_name="", received_at=RECEIVED, issued_at=ISSUED
        )


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("receipt", {"query_code": "12345"}),
        ("receipt", {"query_code": "12345a"}),
        ("receipt", {"workdays": -1}),
        ("result", {"finding": "属实"}),
        ("result", {"compensation_amount": Decimal("-1")}),
        ("result", {"compensation_amount": Decimal("0.001")}),
        ("followup", {"method": "邮件"}),
        ("followup", {"satisfaction": "非常满意"}),
    ],
)
def test_invalid_values_rejected(kind: str, changes: dict) -> None:
    with pytest.raises(ValueError):
        replace(full_documents()[kind], **changes)


def test_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        full_documents()["receipt"].case_no = "x"  # type: ignore[misc]


def test_formatting_helpers() -> None:
    assert cn_date(RECEIVED) == "2026年11月19日"
    assert cn_datetime(RECEIVED) == "2026年11月19日 09:20"
    assert cn_date(None) == cn_datetime(None) == ""
    assert esc("<b>&\r\n\x00x") == "&lt;b&gt;&amp;<br/>x"
    assert ordinal(4) == "四"
    assert esc("a\xa0b") == "a b"
