"""The real main window in a fresh offscreen process: login, the role home, the board populated, the
board refreshed, the case list's first page and scrolling it to row ~5,000 through fetchMore.

Run by the harness (`python -m bench.gui DB USER`; password from COMPLAINTDESK_PASSWORD). Prints one
JSON line of times in seconds. Every step includes Qt's layout and painting (processEvents).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time

SCROLL_ROWS = 5000
REFRESHES = 5


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app import auth
    from ui.application import create_application
    from ui.main_window import MainWindow

    create_application()
    started = time.perf_counter()
    session = auth.login_local(sys.argv[1], sys.argv[2], os.environ["COMPLAINTDESK_PASSWORD"])
    logged_in = time.perf_counter()
    window = MainWindow(session, idle_timeout_ms=0)
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()  # the role home is shown; then the board is built in the background
    home_shown = time.perf_counter()
    QApplication.processEvents()
    prepared = time.perf_counter()
    board = window.show_page("board")
    QApplication.processEvents()
    board_shown = time.perf_counter()
    cards = sum(column.model.rowCount() for column in board.columns.values())

    refreshes = []
    for _ in range(REFRESHES):
        began = time.perf_counter()
        board.refresh()
        QApplication.processEvents()
        refreshes.append(time.perf_counter() - began)

    began = time.perf_counter()
    cases = window.show_page("cases")
    QApplication.processEvents()
    list_first = time.perf_counter() - began
    model = cases.table.case_model
    slowest, fetches = 0.0, 0
    began = time.perf_counter()
    while model.rowCount() < SCROLL_ROWS and model.canFetchMore():
        one = time.perf_counter()
        before = model.rowCount()
        cases.table.scrollToBottom()  # at the end of the scroll range the view asks for the next page
        QApplication.processEvents()
        if model.rowCount() == before:
            model.fetchMore()
        slowest = max(slowest, time.perf_counter() - one)
        fetches += 1
    scrolled = time.perf_counter() - began
    rows = model.rowCount()
    window.close()
    print(
        json.dumps(
            {
                "login": logged_in - started,
                "home": home_shown - logged_in,
                "board_prepared": prepared - home_shown,
                "board_click": board_shown - prepared,
                "login_to_board": board_shown - started,
                "cards": cards,
                "board_refresh": statistics.median(refreshes),
                "list_first_page": list_first,
                "list_total": model.total,
                "scroll_rows": rows,
                "scroll_seconds": scrolled,
                "scroll_steps": fetches,
                "scroll_slowest_step": slowest,
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
