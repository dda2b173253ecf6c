"""Garbage collection tuned for a long-running window with large lists.

Python's full (generation 2) collection walks every tracked object: after login that is hundreds
of thousands (Qt wrappers, modules, caches), and a list page's short-lived rows set one off every
few pages, a 50 ms stall in the middle of a scroll. `settle()` moves what exists once the main
window is up into the permanent generation (`gc.freeze`), so later collections walk only what was
made since; `release()` undoes it at logout so the closed window's objects can be collected.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """After the main window is shown: the objects alive now are no longer scanned."""
    gc.freeze()


def release() -> None:
    """At logout: the frozen objects are scanned (and freed) again."""
    gc.unfreeze()
