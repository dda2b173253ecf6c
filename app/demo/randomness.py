"""Fast random helpers of the demo generator (it draws millions of numbers for a large database)."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable, Sequence
from typing import Any


class Weighted:
    """Fast repeated weighted choice (bisect over cumulative weights)."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items, cumulative, total = [], [], 0.0
        for item, weight in pairs:
            if weight > 0:
                total += weight
                items.append(item)
                cumulative.append(total)
        if not items:
            raise ValueError("nothing to choose from")
        self.items, self.cumulative, self.total = items, cumulative, total

    def pick(self, rng: random.Random) -> Any:
        """One item, by weight."""
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


def chance(rng: random.Random, p: float) -> bool:
    """True with probability p."""
    return rng.random() < p


def randint(rng: random.Random, low: int, high: int) -> int:
    """Like rng.randint, several times faster."""
    return low + int(rng.random() * (high - low + 1))


def some(rng: random.Random, seq: Sequence[Any], k: int) -> list[Any]:
    """k distinct items of seq in random order (a cheaper rng.sample)."""
    pool = list(seq)
    for i in range(k):
        j = i + int(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def one(rng: random.Random, seq: Sequence[Any]) -> Any:
    """One item of seq."""
    return seq[int(rng.random() * len(seq))]
