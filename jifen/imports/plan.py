"""What an import will create (the plan the preview shows), and the parsing its validators share."""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.crypto import salted_hmac

from jifen.imports.errors import ImportRejected, RowError


@dataclass
class Plan:
    """The rows that will be created, in file order; each row has `row` and `fingerprint()`."""

    kind: str
    rows: list = field(default_factory=list)

    @property
    def digest(self) -> str:
        """A keyed hash of everything the import will write: confirming compares it with the one
        taken when the preview was made, so what is written is what was shown."""
        canonical = json.dumps([r.fingerprint() for r in self.rows], ensure_ascii=False,
                               separators=(",", ":"), default=str)
        return salted_hmac("jifen.imports.plan", canonical, algorithm="sha256").hexdigest()


class Errors:
    """Collects every problem of every row; `raise_if_any` refuses the file with all of them."""

    def __init__(self) -> None:
        self.items: list[RowError] = []

    def add(self, row: int, message: str, column: str = "") -> None:
        self.items.append(RowError(row, message, column))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportRejected(self.items)


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(text: str) -> dt.date | None:
    """2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 or 20240305; None if not a date."""
    match = DATE_RE.match(text) or COMPACT_DATE_RE.match(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def required(errors: Errors, row: dict, key: str, header: str) -> str:
    value = row.get(key, "")
    if not value:
        errors.add(row["_row"], f"请填写{header}。", key)
    return value
