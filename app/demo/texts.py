"""The demo's Chinese text data, read once from resources/demo/: the complaint narratives
(narratives.json), what the office writes while handling a case (handling.json), and the slot values
and category mix (clinical.json). Template syntax: app.demo.templates."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from app.demo.templates import Template, templates


@cache
def load(name: str) -> Any:
    """One JSON file of resources/demo/ (read once)."""
    return json.loads(files("resources.demo").joinpath(name).read_text(encoding="utf-8"))


def _by_key(data: dict[str, list[str]]) -> dict[str, tuple[Template, ...]]:
    return {key: templates(*texts) for key, texts in data.items()}


def _one_by_key(data: dict[str, str]) -> dict[str, Template]:
    return {key: Template(text) for key, text in data.items()}


_NARRATIVES = load("narratives.json")
_HANDLING = load("handling.json")
_CLINICAL = load("clinical.json")

# -- the complaint: a sentence per category leaf, per family (for leaves an administrator added),
#    a last resort; openings by channel (third person: the office writes; first: the complainant)
LEAF_TEMPLATES = _by_key(_NARRATIVES["leaf_templates"])
FAMILY_TEMPLATES = _by_key(_NARRATIVES["family_templates"])
GENERIC_TEMPLATES = templates(*_NARRATIVES["generic_templates"])
OPENINGS_THIRD = _by_key(_NARRATIVES["openings_third"])
OPENINGS_FIRST = _by_key(_NARRATIVES["openings_first"])
DETAILS = templates(*_NARRATIVES["details"])
CLOSINGS_THIRD = templates(*_NARRATIVES["closings_third"])
CLOSINGS_FIRST = templates(*_NARRATIVES["closings_first"])
LONG_SUPPLEMENT = Template(_NARRATIVES["long_supplement"])
REPEAT_OPENING = Template(_NARRATIVES["repeat_opening"])
DEMANDS = _by_key(_NARRATIVES["demands"])
GENERIC_DEMANDS = templates(*_NARRATIVES["generic_demands"])
REJECTION_ADDENDA = _one_by_key(_NARRATIVES["rejection_addenda"])

# -- handling: notes, questions to departments, their responses, drafts, approvals, follow-ups
REJECTION_NOTES = _one_by_key(_HANDLING["rejection_notes"])
QUESTIONS = templates(*_HANDLING["questions"])
RESPONSES = _by_key(_HANDLING["responses"])
FACTS = Template(_HANDLING["facts"])
RESOLUTIONS = _by_key(_HANDLING["resolutions"])
RECTIFICATIONS: tuple[str, ...] = tuple(_HANDLING["rectifications"])
APPROVAL_COMMENTS: tuple[str, ...] = tuple(_HANDLING["approval_comments"])
RETURN_COMMENTS: tuple[str, ...] = tuple(_HANDLING["return_comments"])
REPLY_NOTES = templates(*_HANDLING["reply_notes"])
FOLLOWUP_REMARKS = _by_key(_HANDLING["followup_remarks"])
HOLD_REASONS = templates(*_HANDLING["hold_reasons"])
RESUME_NOTES: tuple[str, ...] = tuple(_HANDLING["resume_notes"])
EXTENSION_REASONS = templates(*_HANDLING["extension_reasons"])
EXTENSION_REFUSALS: tuple[str, ...] = tuple(_HANDLING["extension_refusals"])
RETURN_REASONS = templates(*_HANDLING["return_reasons"])
UNRESOLVABLE_REASONS: tuple[str, ...] = tuple(_HANDLING["unresolvable_reasons"])
ON_SPOT = templates(*_HANDLING["on_spot"])
NOTES = templates(*_HANDLING["notes"])
MERGE_NOTES: tuple[str, ...] = tuple(_HANDLING["merge_notes"])
ACCEPT_NOTES: tuple[str, ...] = tuple(_HANDLING["accept_notes"])
ROUTE_OUTCOMES = _one_by_key(_HANDLING["route_outcomes"])
ATTACHMENT_NAMES: tuple[str, ...] = tuple(_HANDLING["attachment_names"])

# -- slot values and the category mix
SYMPTOMS: tuple[str, ...] = tuple(_CLINICAL["symptoms"])
DIAGNOSES: tuple[tuple[str, str], ...] = tuple((wrong, right) for wrong, right in _CLINICAL["diagnoses"])
EXAMS: tuple[str, ...] = tuple(_CLINICAL["exams"])
IMAGING: tuple[str, ...] = tuple(_CLINICAL["imaging"])
SURGERIES: tuple[str, ...] = tuple(_CLINICAL["surgeries"])
DRUGS: tuple[str, ...] = tuple(_CLINICAL["drugs"])
OTHER_HOSPITALS: tuple[str, ...] = tuple(_CLINICAL["other_hospitals"])
WINDOWS: tuple[str, ...] = tuple(_CLINICAL["windows"])
TECH_DEPTS: tuple[str, ...] = tuple(_CLINICAL["tech_depts"])
FAMILY_WEIGHTS: dict[str, int] = dict(_CLINICAL["family_weights"])
MAJOR_LEAVES = frozenset(_CLINICAL["major_leaves"])  # often major
INPATIENT_LEAVES = frozenset(_CLINICAL["inpatient_leaves"])  # about an inpatient stay: a 住院号
# Families not about a clinical visit: no 就诊科室 most of the time.
NON_CLINICAL_FAMILIES = frozenset(_CLINICAL["non_clinical_families"])
