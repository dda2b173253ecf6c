"""bench.storage's sums by purpose: every object counted once, rows apart from their indexes."""

from __future__ import annotations

from bench.storage import OTHER, by_purpose, purpose, table


def _result() -> dict:
    return {
        "cases": 10,
        "page_size": 4096,
        "file": 40960,
        "free": 0,
        "objects": [
            ("audit_entry", "audit_entry", 2000),
            ("audit_entry_target", "audit_entry", 300),
            ("case_event", "case_event", 1000),
            ("case", "case", 500),
            ("case_case_no", "case", 100),
            ("case_fts_data", "case_fts_data", 400),
            ("stat_person_key", "stat_person_key", 50),
            ("setting", "setting", 30),
        ],
        "payload": {"audit_entry": 1800, "case_event": 900, "case": 450, "case_fts_data": 390, "setting": 20},
    }


def test_each_table_has_its_purpose_and_unknown_tables_are_other() -> None:
    assert purpose("case_handling") == "案件内容"
    assert purpose("case_event") == "审计日志与时间线"
    assert purpose("case_chars_open_docsize") == "全文检索"
    assert purpose("stat_cube") == "统计"
    assert purpose("calendar_override") == OTHER


def test_by_purpose_sums_rows_payload_and_indexes_per_case() -> None:
    parts = {part["purpose"]: part for part in by_purpose(_result())}
    assert list(parts) == ["案件内容", "审计日志与时间线", "统计", "全文检索", OTHER]
    assert parts["审计日志与时间线"] == {"purpose": "审计日志与时间线", "rows": 300, "indexes": 30, "payload": 270}
    assert parts["案件内容"] == {"purpose": "案件内容", "rows": 50, "indexes": 10, "payload": 45}
    assert parts["统计"]["payload"] == 0  # no payload measured for it: counted as none, not guessed
    total = sum(part["rows"] + part["indexes"] for part in parts.values())
    assert total == sum(size for _name, _table, size in _result()["objects"]) / 10


def test_table_prints_the_purposes_after_the_objects() -> None:
    text = table(_result())
    assert text.splitlines()[-5].split() == ["50", "45", "10", "60", "案件内容"]
    assert text.splitlines()[-4].split() == ["300", "270", "30", "330", "审计日志与时间线"]
