"""Cell values as openpyxl returns them → the text the validators read (no database)."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jifen.imports.plan import parse_date, parse_decimal
from jifen.imports.reading import normalize_header, to_text


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_date_cell_or_a_typed_date_reads_back_as_the_same_date(day):
    typed = [to_text(day), to_text(dt.datetime.combine(day, dt.time(0, 0))),
             f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
             f"{day.year}.{day.month:02d}.{day.day:02d}", day.strftime("%Y%m%d")]

    assert {parse_date(text) for text in typed} == {day}


@given(st.integers(min_value=0, max_value=40).map(lambda n: Decimal(n) / 2))
def test_half_points_survive_excel_floats(points):
    assert parse_decimal(to_text(float(points))) == points


def test_numbers_typed_into_text_columns_come_back_as_typed():
    assert [to_text(v) for v in (20230001, 20230001.0, 13912345678.0, " T01 ", None)] == [
        "20230001", "20230001", "13912345678", "T01", ""]
    assert "e+" in to_text(110105198001010011.0)  # an ID typed as a number has lost digits


def test_not_dates_and_not_numbers():
    assert [parse_date(t) for t in ("2024-02-30", "三月", "45356", "2024-3")] == [None] * 4
    assert [parse_decimal(t) for t in ("两分", "NaN", "Infinity", "")] == [None] * 4


def test_headers_tolerate_marks_and_full_width_slashes():
    assert [normalize_header(h) for h in ("姓名*", " 工号／学号 ", "手机号码（选填）")] == [
        "姓名", "工号/学号", "手机号码"]
