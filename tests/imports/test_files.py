"""File-level checks: only a real .xlsx within the limits, with the template's headers."""

import os
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from jifen.audit.models import AuditEntry
from jifen.imports import services
from jifen.imports.errors import ImportRejected
from jifen.imports.layouts import MAX_BYTES, MAX_ROWS
from jifen.org.models import Member
from tests.imports.support import member_row, upload, xlsx

pytestmark = pytest.mark.django_db


def rejected(world, content, name="名册.xlsx") -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        services.import_file("members", actor=world.users["org_admin"],
                             upload=upload(content, name))
    assert not Member.objects.filter(staff_no__startswith="IMP").exists()
    return [str(e) for e in caught.value.errors]


def test_a_file_over_five_megabytes_is_refused_before_it_is_read(world):
    # a genuine workbook, made big with an incompressible part
    buffer = BytesIO(xlsx([member_row()]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/media/padding.bin", os.urandom(MAX_BYTES),
                         compress_type=zipfile.ZIP_STORED)
    content = buffer.getvalue()
    assert len(content) > MAX_BYTES

    errors = rejected(world, content)

    assert len(errors) == 1 and "超过 5 MB 的上限" in errors[0]


def test_more_than_five_thousand_data_rows_are_refused(world):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    sheet.append(["姓名", "性别", "党员类别", "党员状态", "入党时间", "工号/学号", "所在支部"])
    for n in range(MAX_ROWS + 1):
        sheet.append([f"党员{n}", "男", "教工", "正式", "2010-07-01", f"R{n}", "机关党支部"])
    buffer = BytesIO()
    workbook.save(buffer)

    errors = rejected(world, buffer.getvalue())

    assert errors == [f"数据超过 {MAX_ROWS} 行（第 {MAX_ROWS + 2} 行已是第 {MAX_ROWS + 1} 条），"
                      "请分成多个文件导入。"]


def test_exactly_five_thousand_rows_pass_the_row_limit(world):
    rows = [member_row(branch="不存在的支部") for _ in range(MAX_ROWS)]

    errors = rejected(world, xlsx(rows))

    # refused for the branch, row by row — not for the count
    assert len(errors) == MAX_ROWS and "第 2 行：所在支部“不存在的支部”" in errors[0]


@pytest.mark.parametrize("name, content", [
    ("名册.pdf", b"%PDF-1.4\n%%EOF\n"),
    ("名册.xlsx", b"%PDF-1.4\n%%EOF\n"),  # renamed
    ("名册.xlsx", "姓名,性别\n张三,男\n".encode()),  # a CSV renamed
    ("名册.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),  # .xls / encrypted (OLE)
    ("名册.xlsx", b"PK\x03\x04 truncated zip"),
    ("名册.xls", None),  # a good workbook under the wrong extension
])
def test_anything_but_a_real_xlsx_is_refused(world, name, content):
    errors = rejected(world, content if content is not None else xlsx([member_row()]), name)

    assert len(errors) == 1 and errors[0].startswith("只接受 Excel 2007 及以后的 .xlsx 文件")


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return buffer.getvalue()


def test_a_zip_that_is_not_a_spreadsheet_is_refused(world):
    docx = _zip({"[Content_Types].xml": b'<Types><Override ContentType="application/vnd.'
                 b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
                 "word/document.xml": b"<w/>"})
    macro = bytearray(xlsx([member_row()]))  # .xlsm declares another main part
    with zipfile.ZipFile(BytesIO(bytes(macro))) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"spreadsheetml.sheet.macroEnabled.main+xml")

    assert rejected(world, docx)[0].startswith("只接受")
    assert rejected(world, _zip(parts))[0].startswith("只接受")
    assert rejected(world, _zip({"a.txt": b"x"}))[0].startswith("只接受")


def test_a_zip_bomb_is_refused_before_decompressing(world):
    buffer = BytesIO(xlsx([member_row()]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/bomb.bin", b"\0" * (65 * 1024 * 1024))

    assert rejected(world, buffer.getvalue()) == ["文件解压后过大，不像是正常的表格，请检查。"]


def test_missing_unknown_and_repeated_headers_are_listed_on_row_one(world):
    headers = ["姓名", "性别", "性别", "党员类别", "入党日期", "工号/学号", "所在支部"]

    errors = rejected(world, xlsx([member_row()], headers=headers))

    assert errors == [
        "第 1 行：列“性别”出现了两次。",
        "第 1 行：无法识别的列“入党日期”（可用的列：姓名、性别、党员类别、党员状态、入党时间、"
        "工号/学号、所在支部、手机号码、身份证号码、登录用户名）。",
        "第 1 行：缺少必填的列：党员状态、入党时间。请使用下载的模板。",
    ]


def test_optional_columns_may_be_left_out_and_columns_reordered(world):
    headers = ["工号/学号", "所在支部", "姓名", "性别", "党员类别", "党员状态", "入党时间"]

    outcome = services.import_file("members", actor=world.users["org_admin"],
                                   upload=upload(xlsx([member_row(staff_no="IMP-R1")],
                                                      headers=headers)))

    assert outcome.created == 1 and Member.objects.get(staff_no="IMP-R1").phone == ""


@pytest.mark.parametrize("rows, message", [
    ([], "文件中没有数据：请从第 2 行起每行填写一条。"),
    ([{}, {}, {}], "文件中没有数据：请从第 2 行起每行填写一条。"),
])
def test_a_file_without_data_rows_is_refused(world, rows, message):
    assert rejected(world, xlsx(rows)) == [message]


def test_an_empty_workbook_is_refused(world):
    buffer = BytesIO()
    Workbook().save(buffer)

    assert rejected(world, buffer.getvalue()) == ["文件是空的：第 1 行应为表头。请使用下载的模板。"]


def test_a_sheet_padded_with_formatted_rows_is_refused_rather_than_read_forever(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "性别", "党员类别", "党员状态", "入党时间", "工号/学号", "所在支部"])
    sheet.cell(row=MAX_ROWS * 4 + 5, column=1).value = "远处的一行"
    buffer = BytesIO()
    workbook.save(buffer)

    assert rejected(world, buffer.getvalue())[0].startswith("表格超过 20000 行")


def test_a_refused_file_leaves_a_failure_audit_row_and_no_data(world):
    rejected(world, b"not a workbook")

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.result, entry.data["errors"]) == (
        "imports.members.rejected", "failure", 1)


@pytest.mark.parametrize("kind, headers, explained", [
    ("members", ["姓名", "性别", "党员类别", "党员状态", "入党时间", "工号/学号", "所在支部",
                 "手机号码", "身份证号码", "登录用户名"], "GB 11643"),
    ("entries", ["工号/学号", "姓名", "项目编号", "分值", "发生日期", "事由说明"], "0.5 的整数倍"),
])
def test_templates_have_the_headers_an_example_and_an_explanation_sheet(world, client_for, kind,
                                                                        headers, explained):
    user = world.users["secretary"]

    response = client_for(user).get(f"/imports/{kind}/template/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    workbook = load_workbook(BytesIO(response.content))
    data, notes = workbook.worksheets
    assert [c.value for c in data[1]] == headers
    assert all(c.value not in (None, "") for c in data[2])  # the example row
    assert notes.title == "填写说明"
    assert [c.value for c in notes[1]] == ["列名", "是否必填", "填写要求", "示例"]
    assert [r[0].value for r in notes.iter_rows(min_row=2, max_row=len(headers) + 1)] == headers
    assert any(explained in str(r[2].value) for r in notes.iter_rows(min_row=2))


@pytest.mark.parametrize("kind", ["members", "entries"])
def test_the_template_as_downloaded_is_refused_for_its_example_row(ledger, kind):
    from jifen.imports.layouts import template_bytes

    actor, branch = ledger.users["secretary"], ledger.b1
    with pytest.raises(ImportRejected) as caught:
        services.import_file(kind, actor=actor, upload=upload(template_bytes(kind)),
                             branch=branch if kind == "entries" else None)

    assert [str(e) for e in caught.value.errors] == [
        "第 2 行：这是模板中的示例行，请删除后再导入。"]
