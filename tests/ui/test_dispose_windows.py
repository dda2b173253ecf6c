"""dispose_windows: the windows the program made and closed are destroyed while the application
runs (left alive, PySide deletes them at exit after Qt has deleted parts of them: a crash), and
the popups Qt made for a widget are left to that widget (deleting one first crashes too)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from ui.application import dispose_windows


def _window_with_popups() -> tuple[QWidget, QWidget, QWidget]:
    window = QWidget()
    layout = QVBoxLayout(window)
    edit = QLineEdit()
    layout.addWidget(edit)
    completer = QCompleter(["心血管内科", "呼吸内科"], edit)
    edit.setCompleter(completer)
    combo = QComboBox()
    combo.addItems(["一般", "重要", "重大"])
    layout.addWidget(combo)
    edit.textChanged.connect(lambda text: window.setWindowTitle(text))  # the window keeps itself alive
    return window, completer.popup(), combo.view().window()


def test_closed_windows_are_destroyed_and_qt_popups_go_with_their_owner(qtbot: QtBot) -> None:
    dispose_windows()  # whatever earlier tests left
    window, completer_list, combo_frame = _window_with_popups()
    window.show()
    qtbot.waitExposed(window)
    window.close()
    tops = QApplication.topLevelWidgets()
    assert window in tops and completer_list in tops  # the completer's list is a parentless window
    assert not Shiboken.createdByPython(completer_list) and not Shiboken.createdByPython(combo_frame)

    assert dispose_windows() == ["QWidget"]  # not the completer's list: its completer deletes it

    assert not Shiboken.isValid(window)
    assert not Shiboken.isValid(completer_list) and not Shiboken.isValid(combo_frame)
    assert all(Shiboken.isValid(w) for w in QApplication.topLevelWidgets())


def test_a_visible_window_is_closed_first(qtbot: QtBot) -> None:
    closed: list[bool] = []

    class Window(QWidget):
        def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
            closed.append(True)
            super().closeEvent(event)

    dispose_windows()
    window = Window()
    window.show()
    qtbot.waitExposed(window)
    assert dispose_windows() == ["Window"]
    assert closed == [True] and not Shiboken.isValid(window)
