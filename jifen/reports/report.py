"""A printable report as plain data, rendered to .xlsx and to PDF by the same two writers."""

from dataclasses import dataclass, field


@dataclass
class Table:
    columns: list[str]
    rows: list[list[object]]
    caption: str = ""
    widths: list[int] = field(default_factory=list)  # Excel column widths (characters)


@dataclass
class Report:
    title: str
    filename: str  # without extension, Chinese and meaningful
    meta: list[tuple[str, str]] = field(default_factory=list)  # header fields
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    landscape: bool = False
