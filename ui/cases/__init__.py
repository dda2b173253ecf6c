"""The case list (案件列表) with filters and search, and the case table shared with the homes."""

from ui.cases.case_list_page import CaseListPage

__all__ = ["CaseListPage"]
