"""A printed form downloaded from the page in the browser, and opened back."""

import io

import pytest
from openpyxl import load_workbook

from tests.ledger import YEAR
from tests.results.helpers import score_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_downloads_their_ledger_from_my_score(ledger, as_user, live_server, tmp_path):
    score_year(ledger)
    page = as_user("member")
    page.goto(f"{live_server.url}/my/?year={YEAR}")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="台账 Excel").click()
    download = download_info.value

    assert download.suggested_filename.endswith("_党员亮化记分管理台账.xlsx")
    assert "普通党员" in download.suggested_filename
    path = tmp_path / "ledger.xlsx"
    download.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "党员亮化记分管理台账" in values and "+5.0" in values
    assert page.console_errors == []
