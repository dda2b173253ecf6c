"""Work-arounds for known faults of the Qt bindings in use.

PySide6 6.12.0 on Python 3.11 releases one reference to `None` on every call of a Qt method that
returns nothing (measured: 1000 calls of QWidget.setEnabled → None's reference count −1000). After
some tens of thousands of calls — a long working day — the interpreter aborts with "deallocating
None". Python 3.12 made None immortal; on older interpreters we give None a reference count so
large that no session can exhaust it. The count lives in the first field of every CPython object.
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 40


def protect_none_refcount() -> None:
    """Idempotent: raise None's reference count far out of reach on CPython < 3.12."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    count = ctypes.c_ssize_t.from_address(id(None))
    if count.value < _MARGIN:
        count.value += _MARGIN
