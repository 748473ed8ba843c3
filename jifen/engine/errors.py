"""The engine's single error type."""

from __future__ import annotations

from collections.abc import Iterable


class EngineError(Exception):
    """A scheme, a case or an input that the engine refuses, with every problem found.

    The engine never stops at the first problem: a user fixing an import or a scheme wants the
    whole list at once, so callers get `problems` (one line each, naming the part that is wrong).
    The web application shows them as they are: each line starts with the part it is about, as in
    the JSON form (`items[A-J04]:`, `entries[3]:`), followed by Simplified Chinese, e.g.
    `entries[0]: 分值 7 超出项目 A-J04 的范围 1–5`.
    """

    def __init__(self, problems: Iterable[str] | str) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
