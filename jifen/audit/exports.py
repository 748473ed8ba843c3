"""The audit log as an Excel file: one row per entry, everything the page shows and more."""

import json

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jifen.audit.queries import role_labels
from jifen.core.xlsx import new_streaming_workbook, safe_cell, workbook_response

# Above this the export is refused: narrow the filters. Tens of thousands of rows is already
# more than anyone reads; an unbounded dump would tie up a worker and its memory.
EXPORT_LIMIT = 50_000

COLUMNS = [
    ("编号", 10), ("时间", 20), ("操作人", 14), ("用户名", 14), ("角色", 18), ("组织", 22),
    ("操作", 30), ("对象类型", 18), ("对象编号", 10), ("对象", 24), ("结果", 8), ("理由", 24),
    ("变更内容", 50), ("IP 地址", 16), ("客户端", 30), ("前一条哈希", 20), ("本条哈希", 20),
]


def entry_values(entry) -> list:
    return [
        entry.pk,
        # local wall time without tzinfo: Excel has no time zones, and 北京时间 is what users read
        timezone.localtime(entry.created_at).replace(tzinfo=None, microsecond=0),
        entry.actor_name, entry.actor.username if entry.actor else "",
        role_labels(entry.actor_role), entry.org.name if entry.org else "", entry.action,
        entry.object_type, entry.object_id, entry.object_repr, entry.get_result_display(),
        entry.reason, json.dumps(entry.data, ensure_ascii=False, sort_keys=True) if entry.data
        else "", entry.ip or "", entry.user_agent, entry.prev_hash, entry.row_hash,
    ]


def audit_workbook(entries: QuerySet, *, title: str, filename: str):
    """`entries` already filtered, ordered and limited; streamed, never all in memory."""
    workbook, sheet = new_streaming_workbook("审计日志")
    for index, (_, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A3"
    heading = safe_cell(sheet, title)
    heading.font = Font(bold=True)
    sheet.append([heading])
    headers = []
    for label, _ in COLUMNS:
        cell = safe_cell(sheet, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        headers.append(cell)
    sheet.append(headers)
    for entry in entries.iterator(chunk_size=2000):
        cells = [safe_cell(sheet, value) for value in entry_values(entry)]
        cells[1].number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.append(cells)
    return workbook_response(workbook, filename)
