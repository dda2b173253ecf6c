"""Fixtures: a session per role, a settable clock, a shown main window (tests/ui/cases/support.py)."""

from tests.ui.cases.support import fake_clock, main_window, office  # noqa: F401
