"""Fixtures: a session per role and a shown main window (tests/ui/cases/support.py); the clock is
tests/conftest.py's `fake_clock`."""

from tests.ui.cases.support import main_window, office  # noqa: F401
