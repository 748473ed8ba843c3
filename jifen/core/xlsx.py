"""Writing spreadsheets people open in Excel, safely.

A cell whose text begins with = + - @ or a tab/CR would be read by Excel as a formula (formula
injection, e.g. a member named =HYPERLINK(...)). Every string goes through `safe_cell`, which
stores it as an explicit string cell, never a formula.
"""

from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_row(sheet, row: int, values: list, *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = value
            cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
        else:
            cell.value = value
        if bold:
            cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def safe_cell(sheet, value) -> WriteOnlyCell:
    """A cell for a write-only sheet (`new_streaming_workbook`), with the same rule as
    `write_row`: text is always a string cell, never a formula.

    Control characters, which Excel files cannot hold, become U+FFFD: such text comes from
    outside (a browser's User-Agent in the audit log) and must not make the whole file fail."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = TYPE_STRING
    return cell


def header_style(sheet, row: int, columns: int) -> None:
    for column in range(1, columns + 1):
        cell = sheet.cell(row=row, column=column)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")


def set_widths(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def new_workbook(title: str):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    return workbook, sheet


def new_streaming_workbook(title: str):
    """A write-only workbook for long tables (tens of thousands of rows): rows are appended
    with `sheet.append([safe_cell(sheet, v) for v in values])` and not kept in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    return workbook, sheet


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with a Chinese file name (RFC 5987) that browsers keep as given."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def workbook_response(workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    return attachment(buffer.getvalue(), filename, XLSX_TYPE)
