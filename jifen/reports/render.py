"""Write a Report as .xlsx (openpyxl) or as an A4 PDF (WeasyPrint, Chinese font embedded)."""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from jifen.core.xlsx import (
    attachment,
    header_style,
    new_workbook,
    set_widths,
    workbook_response,
    write_row,
)
from jifen.reports.report import Report

PDF_TYPE = "application/pdf"


def xlsx_response(report: Report):
    workbook, sheet = new_workbook(report.title)
    write_row(sheet, 1, [report.title], bold=True)
    row = 2
    for label, value in report.meta:
        write_row(sheet, row, [label, value])
        row += 1
    widths: dict[int, int] = {}
    for table in report.tables:
        row += 1
        if table.caption:
            write_row(sheet, row, [table.caption], bold=True)
            row += 1
        write_row(sheet, row, table.columns)
        header_style(sheet, row, len(table.columns))
        row += 1
        for values in table.rows:
            write_row(sheet, row, [v if isinstance(v, int | float) else str(v) for v in values])
            row += 1
        for index, width in enumerate(table.widths):
            widths[index] = max(widths.get(index, 0), width)
    for note in report.notes:
        row += 1
        write_row(sheet, row, [note])
    row += 1
    for signature in report.signatures:
        row += 1
        write_row(sheet, row, [signature])
    set_widths(sheet, [widths[i] for i in sorted(widths)])
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if report.landscape else "portrait"
    sheet.print_options.gridLines = True
    return workbook_response(workbook, f"{report.filename}.xlsx")


class ConfinedFetcher(URLFetcher):
    """Only data: URLs and files inside the static and media roots; nothing from the network
    (an image pointing at, say, a cloud metadata address must never be fetched)."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed_roots()):
                raise ValueError(f"不允许读取该文件：{path}")
        return super().fetch(url, headers)


def allowed_roots() -> list[Path]:
    roots = [Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT), settings.PACKAGE_DIR / "static"]
    return [r.resolve() for r in roots]


def pdf_bytes(report: Report) -> bytes:
    html = render_to_string("reports/pdf.html", {"report": report})
    base = (settings.PACKAGE_DIR / "static").as_uri() + "/"
    return HTML(string=html, base_url=base, url_fetcher=ConfinedFetcher()).write_pdf()


def pdf_response(report: Report):
    return attachment(pdf_bytes(report), f"{report.filename}.pdf", PDF_TYPE)


def respond(report: Report, fmt: str):
    return pdf_response(report) if fmt == "pdf" else xlsx_response(report)


