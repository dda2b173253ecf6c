"""The case workspace: one case's header, actions, sections and timeline."""

from ui.workspace.case_workspace import CaseWorkspace

__all__ = ["CaseWorkspace"]
