"""The filter bar owns every control it makes, the ones a bar without states does not show too:
none is left as a window of its own when the bar goes (a leak until the program exits)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app.cases.queues import FilterChoices
from ui.cases.filter_bar import FilterBar

CONTROLS = ("department", "category", "officer", "severity", "state", "overdue", "mine", "include_final")
CHOICES = FilterChoices(departments=(("cardiology", "心血管内科"),), categories=(), officers=((7, "林晓雯"),))


def _own_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if w.parent() is None and Shiboken.createdByPython(w)]


def test_a_bar_without_states_keeps_its_unshown_controls_inside_and_frees_them(qtbot: QtBot) -> None:
    bar = FilterBar(CHOICES, with_states=False)
    controls = [getattr(bar, name) for name in CONTROLS]
    assert all(bar.isAncestorOf(control) for control in controls)
    assert not any(control in _own_windows() for control in controls)
    bar.show()
    qtbot.waitExposed(bar)
    assert not bar.state.isVisible() and not bar.include_final.isVisible()
    assert bar.value().states == () and bar.value().include_final is False

    bar.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not any(Shiboken.isValid(control) for control in controls)


def test_a_bar_with_states_shows_them(qtbot: QtBot) -> None:
    bar = FilterBar(CHOICES, with_states=True)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitExposed(bar)
    assert bar.state.isVisible() and bar.include_final.isVisible()
    assert all(bar.isAncestorOf(getattr(bar, name)) for name in CONTROLS)
    assert bar.value().include_final is True
