"""A member's explanation (why the score is what it is), written when it is read.

Scoring a school is one pass over every ledger, but people read one explanation at a time, and
writing some forty lines per member would cost more than the scoring itself. So the scorer keeps
the parts (fixed lines, each period's counted entries, figures such as "不计 4 分", a function for
the closing lines) and an Explanation writes the lines on first use. To its readers it is a plain
sequence of strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import overload

from .amounts import plain
from .plan import ItemPlan, entry_line
from .records import Entry

# A line ending in a number: (text, number, unit). A plain tuple: the scorer makes many of them.
Figure = tuple[str, Decimal, str]

# A part is a finished line, a figure, the counted entries of one period (one line each), or a
# function that writes some lines.
Part = str | Figure | list[Entry] | Callable[[], list[str]]


class Explanation(Sequence[str]):
    """The explanation lines of one member, rendered from their parts on first use."""

    __slots__ = ("_items", "_parts", "_lines")

    def __init__(self, items: Mapping[str, ItemPlan], parts: list[Part]) -> None:
        self._items = items
        self._parts = parts
        self._lines: tuple[str, ...] | None = None

    def _render(self) -> tuple[str, ...]:
        if self._lines is None:
            lines: list[str] = []
            for part in self._parts:
                if isinstance(part, str):
                    lines.append(part)
                elif isinstance(part, tuple):
                    text, number, unit = part
                    lines.append(f"{text}{plain(number)}{unit}")
                elif isinstance(part, list):
                    lines += (entry_line(self._items[entry.item], entry) for entry in part)
                else:
                    lines += part()
            self._lines, self._parts = tuple(lines), []
        return self._lines

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._render()[index]

    def __len__(self) -> int:
        return len(self._render())

    def __iter__(self) -> Iterator[str]:
        return iter(self._render())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Explanation | tuple | list):
            return self._render() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to lists, so not hashable

    def __repr__(self) -> str:
        return f"Explanation({list(self._render())!r})"
