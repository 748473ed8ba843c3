"""Reading an uploaded .xlsx: size, a real spreadsheet, headers, rows as text.

The checks run cheapest first and stop as soon as the file is refused: the size before reading,
the zip structure and declared content type before openpyxl sees it, the row count while the rows
stream in (read-only mode), so an oversized file is never parsed to the end. Every cell comes out
as stripped text; the validators parse dates and numbers from that one form, which is also what a
pending import stores.
"""

import datetime as dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from openpyxl import load_workbook

from jifen.imports.errors import ImportRejected, RowError
from jifen.imports.layouts import MAX_BYTES, MAX_ROWS, Layout

# A real workbook declares this part; .xlsm, .xltx, .docx… declare others.
SPREADSHEET_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MAX_UNPACKED = 64 * 1024 * 1024  # a zip bomb is refused before anything is decompressed
MAX_SHEET_ROWS = MAX_ROWS * 4  # blank or formatted rows included
NOT_XLSX = ("只接受 Excel 2007 及以后的 .xlsx 文件（不能是 .xls、.csv 或设置了打开密码的文件）。"
            "请在 Excel 或 WPS 中“另存为” .xlsx 后重新上传。")


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def read_upload(upload) -> Upload:
    """Refuse a file over the size limit without reading it, then check it is a real .xlsx."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_big(size)
    content = upload.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise _too_big(len(content))
    if not content:
        raise ImportRejected.file("上传的文件是空的。")
    name = PurePath(getattr(upload, "name", "") or "").name[:255] or "未命名.xlsx"
    check_xlsx(name, content)
    return Upload(name, content)


def _too_big(size: int) -> ImportRejected:
    return ImportRejected.file(
        f"文件大小为 {size / 1024 / 1024:.1f} MB，超过 {MAX_BYTES // 1024 // 1024} MB 的上限，"
        "请分成多个文件导入。")


def check_xlsx(name: str, content: bytes) -> None:
    if not name.lower().endswith(".xlsx") or not zipfile.is_zipfile(BytesIO(content)):
        raise ImportRejected.file(NOT_XLSX)
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                raise ImportRejected.file("文件解压后过大，不像是正常的表格，请检查。")
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as e:
        raise ImportRejected.file(NOT_XLSX) from e
    if SPREADSHEET_MAIN not in types:
        raise ImportRejected.file(NOT_XLSX)


def read_cells(content: bytes, layout: Layout) -> list[dict]:
    """The data rows as {column key: text, "_row": Excel row number}, blank rows skipped."""
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds of error on a malformed file
        raise ImportRejected.file(f"无法读取该文件的内容。{NOT_XLSX}") from e
    try:
        if layout.sheet in workbook.sheetnames:
            sheet = workbook[layout.sheet]
        elif workbook.worksheets:
            sheet = workbook.worksheets[0]
        else:
            raise ImportRejected.file("文件中没有工作表。")
        rows = sheet.iter_rows(values_only=True)
        index = _columns(next(rows, None), layout)
        return _data(rows, index)
    except ImportRejected:
        raise
    except Exception as e:  # a malformed sheet fails while it streams
        raise ImportRejected.file(f"无法读取该文件的内容。{NOT_XLSX}") from e
    finally:
        workbook.close()


def _columns(header, layout: Layout) -> dict[str, int]:
    if header is None:
        raise ImportRejected.file("文件是空的：第 1 行应为表头。请使用下载的模板。")
    by_header, refused = layout.by_header(), dict(layout.refused)
    index: dict[str, int] = {}
    errors = []
    for position, value in enumerate(header):
        title = normalize_header(to_text(value))
        column = by_header.get(title)
        if not title:
            continue
        if title in refused:
            errors.append(RowError(1, refused[title]))
        elif column is None:
            known = "、".join(by_header)
            errors.append(RowError(1, f"无法识别的列“{title}”（可用的列：{known}）。"))
        elif column.key in index:
            errors.append(RowError(1, f"列“{title}”出现了两次。"))
        else:
            index[column.key] = position
    missing = [c.header for c in layout.columns if c.required and c.key not in index]
    if missing:
        errors.append(RowError(1, f"缺少必填的列：{'、'.join(missing)}。请使用下载的模板。"))
    if errors:
        raise ImportRejected(errors)
    return index


def _data(rows, index: dict[str, int]) -> list[dict]:
    cells: list[dict] = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS + 1:
            raise ImportRejected.file(
                f"表格超过 {MAX_SHEET_ROWS} 行（含空行或只有格式的行），请删除多余的行后重新上传。")
        record = {key: to_text(values[pos]) if pos < len(values) else ""
                  for key, pos in index.items()}
        if not any(record.values()):
            continue
        if len(cells) == MAX_ROWS:
            raise ImportRejected.file(
                f"数据超过 {MAX_ROWS} 行（第 {number} 行已是第 {MAX_ROWS + 1} 条），"
                "请分成多个文件导入。")
        record["_row"] = number
        cells.append(record)
    if not cells:
        raise ImportRejected.file("文件中没有数据：请从第 2 行起每行填写一条。")
    return cells


HEADER_NOISE = re.compile(r"[\s*＊]|[（(](必填|选填)[)）]")


def normalize_header(text: str) -> str:
    return HEADER_NOISE.sub("", text).replace("／", "/")


def to_text(value) -> str:
    """One text form for every cell type openpyxl returns."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # 2.0 → "2"; an 18-digit ID typed as a number has lost digits and shows as "1.1e+17"
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return str(value).strip()
