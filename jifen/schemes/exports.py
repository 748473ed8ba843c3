from jifen.core.xlsx import header_style, new_workbook, set_widths, workbook_response, write_row
from jifen.schemes.editing import CATEGORY_SIGNS, MEMBER_CATEGORY_TITLES, items_by_category
from jifen.schemes.models import Scheme

FLAG_WORDS = [("evidence_required", "须证明"), ("declarable", "可申报"),
              ("needs_general_branch_approval", "总支审核"), ("marks_no_identity", "未亮身份")]


def scheme_workbook(scheme: Scheme):
    """The item table grouped by category, as people print it (one sheet, A4 landscape)."""
    d = scheme.definition
    workbook, sheet = new_workbook("记分标准")
    period = "每年" if d["period"] == "year" else "每月"
    write_row(sheet, 1, [f"{scheme.org.name} {scheme.year}年 {d['title']}"], bold=True)
    write_row(sheet, 2, [f"基础分 {d['base']} 分，{period}记分；最低 {d['floor']} 分。"])
    headers = ["类别", "编号", "记分项目", "每次分值", f"{period}上限", "适用", "说明"]
    write_row(sheet, 4, headers)
    header_style(sheet, 4, len(headers))
    row = 5
    for category, items in items_by_category(d):
        cap = category.get("cap_per_period")
        label = f"{category['title']}（{CATEGORY_SIGNS.get(category['sign'], '')}" + (
            f"，{period}不超过 {cap} 分）" if cap else "）")
        write_row(sheet, row, [label], bold=True)
        row += 1
        for item in items:
            points = item["min"] if item["min"] == item["max"] else f"{item['min']}–{item['max']}"
            applies = "、".join(MEMBER_CATEGORY_TITLES[c] for c in item["applies_to"])
            notes = "、".join(word for key, word in FLAG_WORDS if item.get(key))
            if item.get("description"):
                notes = f"{item['description']}；{notes}" if notes else item["description"]
            write_row(sheet, row, [category["title"], item["code"], item["title"], points,
                                   item.get("cap_per_period") or "", applies, notes])
            row += 1
    set_widths(sheet, [14, 10, 48, 10, 10, 10, 30])
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return workbook_response(workbook, f"{scheme.org.name}_{scheme.year}年_记分标准.xlsx")
