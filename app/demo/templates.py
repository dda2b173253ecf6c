"""The demo's sentence patterns: "{slot}" is replaced by the case's value for that slot, "[a|b|c]"
picks one alternative (which may itself hold slots and alternatives). Each template thus yields many
different sentences. The texts themselves are in resources/demo/ (see app.demo.texts)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str


_Part = str | _Slot | tuple  # tuple: alternatives, each a tuple of parts


def _parse(text: str, pos: int = 0, stops: str = "") -> tuple[tuple[_Part, ...], int]:
    parts: list[_Part] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            parts.append("".join(literal))
            literal.clear()

    while pos < len(text) and text[pos] not in stops:
        char = text[pos]
        if char == "{":
            end = text.index("}", pos)
            flush()
            parts.append(_Slot(text[pos + 1 : end]))
            pos = end + 1
        elif char == "[":
            flush()
            alternatives = []
            pos += 1
            while True:
                seq, pos = _parse(text, pos, "|]")
                alternatives.append(seq)
                pos += 1
                if text[pos - 1] == "]":
                    break
            parts.append(tuple(alternatives))
        else:
            literal.append(char)
            pos += 1
    flush()
    return tuple(parts), pos


class Template:
    """A sentence pattern with slots and alternatives (see above). A leading "@" marks a sentence
    in which the complainant accompanies the patient ("{we}陪{who}…"): not for complaints about
    oneself."""

    __slots__ = ("companion", "parts", "text")

    def __init__(self, text: str) -> None:
        self.companion = text.startswith("@")
        self.text = text.removeprefix("@")
        self.parts, end = _parse(self.text)
        if end != len(self.text):
            raise ValueError(f"unbalanced template: {text!r}")

    def slots(self) -> set[str]:
        """The slot names the template uses."""
        found: set[str] = set()

        def walk(parts: tuple[_Part, ...]) -> None:
            for part in parts:
                if isinstance(part, _Slot):
                    found.add(part.name)
                elif isinstance(part, tuple):
                    for alternative in part:
                        walk(alternative)

        walk(self.parts)
        return found

    def render(self, rng: random.Random, slots: Mapping[str, str]) -> str:
        """One sentence: slots filled in, alternatives picked."""
        return _render(self.parts, rng, slots)


def _render(parts: tuple[_Part, ...], rng: random.Random, slots: Mapping[str, str]) -> str:
    out = []
    for part in parts:
        if type(part) is str:
            out.append(part)
        elif type(part) is _Slot:
            out.append(slots[part.name])
        else:
            out.append(_render(part[int(rng.random() * len(part))], rng, slots))
    return "".join(out)


def templates(*texts: str) -> tuple[Template, ...]:
    """Several templates at once."""
    return tuple(Template(t) for t in texts)
