"""Building import files for the tests: rows as dicts keyed by column, written with openpyxl."""

import datetime as dt
import itertools
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jifen.core.validators import id_number_check_char
from jifen.imports.layouts import LAYOUTS
from tests.ledger import day

_seq = itertools.count(1)


def xlsx(rows: list[dict], kind: str = "members", headers: list[str] | None = None) -> bytes:
    """A workbook whose first sheet has the layout's headers (or `headers`) and these rows."""
    layout = LAYOUTS[kind]
    columns = {c.header: c.key for c in layout.columns}
    headers = headers or list(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(layout.sheet)
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(columns.get(h, h), "") for h in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def valid_id(n: int | None = None) -> str:
    first17 = f"110105198001{(n if n is not None else next(_seq)) % 100000:05d}"
    return first17 + id_number_check_char(first17)


def member_row(branch="计算机学院教工党支部", **overrides) -> dict:
    n = next(_seq)
    row = {"name": f"导入党员{n}", "gender": "女", "category": "教工", "status": "正式",
           "joined_on": dt.date(2012, 6, 1), "staff_no": f"IMP{n:05d}", "branch": branch,
           "phone": f"139{n:08d}", "id_number": valid_id(n), "username": ""}
    row.update(overrides)
    return row


def entry_row(member, **overrides) -> dict:
    row = {"staff_no": member.staff_no, "name": member.name, "item": "A-B02", "points": 1,
           "occurred_on": day(2), "reason": "未按时交纳党费"}
    row.update(overrides)
    return row
