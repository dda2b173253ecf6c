"""The application's notion of "now" (local hospital time), replaceable in tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_now: Callable[[], datetime] = datetime.now


def now() -> datetime:
    return _now()


def set_clock(func: Callable[[], datetime] | None) -> None:
    """Use `func` as the clock (tests); None restores the real clock."""
    global _now
    _now = func or datetime.now
