"""How an import reports what is wrong: every error of every row, then nothing is written."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem. `row` is the row number as Excel shows it (the header is row 1); 0 means the
    file as a whole. `column` is the column's key ("" for the whole row)."""

    row: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.message}" if self.row else self.message

    @property
    def field(self) -> str:
        """Where, for the API's error list: "file", "rows.7" or "rows.7.phone"."""
        if not self.row:
            return "file"
        return f"rows.{self.row}.{self.column}" if self.column else f"rows.{self.row}"


class ImportRejected(Exception):
    """The file is refused as a whole; `errors` lists every problem found, in row order."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.row)
        super().__init__("；".join(str(e) for e in self.errors[:3]))

    @classmethod
    def file(cls, message: str) -> "ImportRejected":
        return cls([RowError(0, message)])
