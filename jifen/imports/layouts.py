"""The columns of each import, and the downloadable template built from them.

A template has the data sheet (Chinese headers, one example row, text format where Excel would
otherwise turn numbers into numbers, drop-down lists for the fixed values) and a second sheet
explaining every column. The reader matches columns by header, so their order is free.
"""

import datetime as dt
from dataclasses import dataclass, replace
from io import BytesIO

from django.conf import settings
from openpyxl.worksheet.datavalidation import DataValidation

from jifen.core.xlsx import header_style, new_workbook, set_widths, write_row
from jifen.imports.enums import ImportKind

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    rule: str
    example: object
    width: int = 14
    text: bool = False  # format the column as text: numbers such as ID numbers stay intact
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    kind: str
    sheet: str
    filename: str
    columns: tuple[Column, ...]
    intro: str
    # columns whose example values mark the example row, refused if left in the file
    example_keys: tuple[str, ...]
    # (header, why) of columns a file must not carry at all: data this installation does not
    # collect is refused before any row is read, rather than read and dropped
    refused: tuple[tuple[str, str], ...] = ()

    def by_header(self) -> dict[str, Column]:
        return {c.header: c for c in self.columns}

    def without(self, key: str, why: str) -> "Layout":
        column = next(c for c in self.columns if c.key == key)
        return replace(self, columns=tuple(c for c in self.columns if c.key != key),
                       refused=(*self.refused, (column.header, why)))

    @property
    def example(self) -> dict[str, str]:
        """The example row's text in the columns that identify it."""
        return {c.key: str(c.example) for c in self.columns if c.key in self.example_keys}


MEMBERS = Layout(
    kind=ImportKind.MEMBERS,
    sheet="党员名册",
    filename="党员名册导入模板.xlsx",
    intro="每行登记一名党员。支部须是您有权管理的党支部；工号/学号在本单位（党委）内不得重复。",
    example_keys=("name", "staff_no"),
    columns=(
        Column("name", "姓名", True, "不超过 50 个字。", "张三", 10),
        Column("gender", "性别", True, "填“男”或“女”。", "男", 8, choices=("男", "女")),
        Column("category", "党员类别", True, "填“教工”或“学生”（分类实施）。", "教工", 10,
               choices=("教工", "学生")),
        Column("status", "党员状态", True, "填“正式”或“预备”（也可写“正式党员”“预备党员”）。",
               "正式", 10, choices=("正式", "预备")),
        Column("joined_on", "入党时间", True,
               "日期，如 2010-07-01（也可写 2010/7/1、2010年7月1日），不晚于今天。",
               dt.date(2010, 7, 1), 12),
        Column("staff_no", "工号/学号", True,
               "教工填工号，学生填学号，不超过 30 个字符；在本单位内唯一，不能与已登记的党员或"
               "本文件其他行重复。", "T2010001", 14, text=True),
        Column("branch", "所在支部", True,
               "党支部的全称，与系统中的名称完全一致；只能是您有权管理的党支部。",
               "某某学院教工第一党支部", 24),
        Column("phone", "手机号码", False, "选填。11 位手机号码，以 13–19 开头。",
               "13800138000", 14, text=True),
        Column("id_number", "身份证号码", False,
               "选填。18 位居民身份证号码，最后一位可以是 X，按 GB 11643 校验；不能与已登记的"
               "党员重复。请保持该列为文本格式。", "11010519491231002X", 22, text=True),
        Column("username", "登录用户名", False,
               "选填。填写后为该党员开通登录账号，系统生成初始密码（导入完成后只显示一次），"
               "首次登录须修改密码；用户名不能已存在。", "zhangsan", 14, text=True),
    ),
)

ENTRIES = Layout(
    kind=ImportKind.ENTRIES,
    sheet="台账记录",
    filename="台账批量导入模板.xlsx",
    intro="每行为一名党员记录一条台账（如党费交纳、组织生活出勤）。导入前在页面上选择支部；"
          "每条记录进入“待初评”（需证明材料的项目为草稿，待补充材料后提交）。",
    example_keys=("staff_no", "reason"),
    columns=(
        Column("staff_no", "工号/学号", True, "本支部党员的工号或学号。", "T2010001", 14,
               text=True),
        Column("name", "姓名", False, "选填。填写时须与该工号/学号登记的姓名一致，用于核对。",
               "张三", 10),
        Column("item", "项目编号", True,
               "本支部当年适用的计分方案中的项目编号，如 A-J01；见“计分方案”页面。", "A-B01", 12,
               text=True),
        Column("points", "分值", True,
               "正数（一票否决项目填 0），须为 0.5 的整数倍，并在该项目每次的分值范围内。", 1, 8),
        Column("occurred_on", "发生日期", True,
               "日期，如 2024-03-15；不晚于今天，不早于该党员入党时间；该年度不能已审核备案。",
               dt.date(2024, 3, 15), 12),
        Column("reason", "事由说明", True, "简要写明事由。", "未按时参加3月主题党日（示例）", 30),
    ),
)

LAYOUTS = {ImportKind.MEMBERS: MEMBERS, ImportKind.ENTRIES: ENTRIES}
ID_NUMBER_REFUSED = ("本系统已停止采集身份证号码，文件中不能有“身份证号码”列。"
                     "请删除整列（连同其中的号码）后重新上传，或下载新的模板。")


def layout_for(kind: str) -> Layout:
    """The layout as this installation's settings have it (see JIFEN_COLLECT_ID_NUMBER)."""
    layout = LAYOUTS[kind]
    if kind == ImportKind.MEMBERS and not settings.JIFEN_COLLECT_ID_NUMBER:
        layout = layout.without("id_number", ID_NUMBER_REFUSED)
    return layout


GENERAL_NOTES = (
    "第 1 行是表头，请勿修改列名；列的顺序可以调整，选填的列可以删除。",
    "从第 2 行起每行一条数据。模板中的示例行请先删除。",
    f"单个文件不超过 5 MB、{MAX_ROWS} 行数据；只接受 .xlsx 格式（Excel 2007 及以后）。",
    "任何一行有误，整个文件都不会导入；系统会列出每一行的错误（行号即 Excel 中的行号）。",
    "上传后先预览将要创建的内容，确认后才写入。",
)


def template_bytes(kind: str) -> bytes:
    layout = layout_for(kind)
    workbook, sheet = new_workbook(layout.sheet)
    write_row(sheet, 1, [c.header for c in layout.columns], bold=True)
    header_style(sheet, 1, len(layout.columns))
    write_row(sheet, 2, [c.example for c in layout.columns])
    set_widths(sheet, [c.width for c in layout.columns])
    sheet.freeze_panes = "A2"
    last = MAX_ROWS + 1
    for index, column in enumerate(layout.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
        if isinstance(column.example, dt.date):
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        if column.choices:
            rule = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                  allow_blank=True)
            rule.error = f"请填写：{'、'.join(column.choices)}"
            sheet.add_data_validation(rule)
            rule.add(f"{letter}2:{letter}{last}")
    _explain(workbook.create_sheet("填写说明"), layout)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _explain(sheet, layout: Layout) -> None:
    write_row(sheet, 1, ["列名", "是否必填", "填写要求", "示例"], bold=True)
    header_style(sheet, 1, 4)
    for row, column in enumerate(layout.columns, start=2):
        example = column.example
        if isinstance(example, dt.date):
            example = example.isoformat()
        write_row(sheet, row, [column.header, "必填" if column.required else "选填", column.rule,
                               str(example)])
    row = len(layout.columns) + 3
    write_row(sheet, row, ["说明", "", layout.intro], bold=False)
    for offset, note in enumerate(GENERAL_NOTES, start=1):
        write_row(sheet, row + offset, ["", "", note])
    set_widths(sheet, [14, 10, 70, 24])
