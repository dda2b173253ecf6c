"""A cold process, as at program start: imports, then login (key derivation, opening, first
queries) and the populated board. Run by the harness: `python -m bench.probe DB USER`; the
password comes from COMPLAINTDESK_PASSWORD. Prints one JSON line of phase times in seconds."""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main() -> None:
    started = time.perf_counter()
    try:
        import PySide6.QtWidgets  # noqa: F401 - the login window needs Qt loaded
    except ImportError:
        pass
    from app import auth
    from app.cases import board, search, views  # noqa: F401 - what the main window imports

    imported = time.perf_counter()
    session = auth.login_local(sys.argv[1], sys.argv[2], os.environ["COMPLAINTDESK_PASSWORD"])
    logged_in = time.perf_counter()
    columns = board.board(session)
    queues = board.queue_counts(session)
    shown = time.perf_counter()
    auth.logout(session)
    print(
        json.dumps(
            {
                "imports": imported - started,
                "login": logged_in - imported,
                "board": shown - logged_in,
                "after_imports": shown - imported,
                "cards": sum(len(c.cards) for c in columns),
                "queues": len(queues),
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
