"""Every export opened back: the expected Chinese text, numbers, masked data, no formulas."""

import io
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from jifen.audit.models import AuditEntry
from jifen.org import services as org_services
from jifen.reports import data
from jifen.reports.render import ConfinedFetcher, pdf_bytes
from tests.ledger import YEAR, close, day, publicize, record, through_review
from tests.results.helpers import score_year


def cells(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def text_of(content: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content,
                            capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture
def scored(ledger):
    org_services.update_member(actor=ledger.users["org_admin"], member=ledger.other_member,
                               phone="13812345678", id_number="11010519491231002X")
    score_year(ledger)
    return ledger


def test_ledger_xlsx_has_the_entries_breakdown_and_masked_phone(scored, client_for):
    response = client_for(scored.users["secretary"]).get(
        f"/exports/ledger/?member={scored.other_member.pk}&year={YEAR}&format=xlsx")
    rows = cells(response)
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]  # …台账.xlsx
    assert rows[0] == ["党员亮化记分管理台账"]
    assert ["联系电话", "138****5678"] in rows
    flat = [str(c) for row in rows for c in row]
    assert "13812345678" not in flat
    assert "-5.0" in flat and "A-K01 无故缺席党的组织生活" in flat
    assert ["年度积分（已认定）", "70.00"] in rows
    assert any("支部书记（签字）" in c for c in flat)


def test_formula_looking_names_stay_text(ledger, client_for):
    ledger.other_member.name = '=HYPERLINK("http://x","点我")'
    ledger.other_member.save()
    response = client_for(ledger.users["secretary"]).get(
        f"/exports/ledger/?member={ledger.other_member.pk}&year={YEAR}&format=xlsx")
    assert ["姓名", '=HYPERLINK("http://x","点我")'] in cells(response)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_ledger_pdf_has_chinese_text_numbers_and_an_embedded_font(scored, client_for):
    response = client_for(scored.users["secretary"]).get(
        f"/exports/ledger/?member={scored.other_member.pk}&year={YEAR}&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert "党员亮化记分管理台账" in text and "另一党员" in text and "70.00" in text
    assert "138****5678" in text and "13812345678" not in text
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True)
    if fonts.returncode == 0:  # pdffonts cannot read stdin on every poppler; then skip this bit
        assert "CJK" in fonts.stdout.decode() and " yes " in fonts.stdout.decode()


def test_register_for_a_yearly_scheme_shows_the_quarters_counted_points(scored):
    report = data.register_report(scored.b1, YEAR, 1)
    table = report.tables[0]
    assert table.columns == ["姓名", "本季基础分扣减", "本季加分", "本季减分", "本季一票否决",
                             "截至季末积分", "名次"]
    rows = {r[0]: r for r in table.rows}
    assert rows["另一党员"][1:] == ["0.00", "0.00", "-10.00", "0.00", "70.00", 5]
    assert rows["普通党员"][-2:] == ["85.00", 1]
    second = {r[0]: r for r in data.register_report(scored.b1, YEAR, 2).tables[0].rows}
    assert second["另一党员"][3] == "0.00"  # nothing new in the second quarter


def test_register_for_a_monthly_scheme_has_month_columns(ledger):
    from decimal import Decimal

    from jifen.scoring import services

    entry = services.create_entry(actor=ledger.far_committee, member=ledger.far_member,
                                  item_code="B-P01", points=Decimal(6), occurred_on=day(2),
                                  reason="保障任务")
    services.review_entry(actor=ledger.users["outsider"], entry=entry, approve=True)
    close(publicize(ledger, branch=ledger.far, actor="outsider"))
    report = data.register_report(ledger.far, YEAR, 1)
    assert report.tables[0].columns == ["姓名", "1 月", "2 月", "3 月", "季度积分", "名次"]
    row = next(r for r in report.tables[0].rows if r[0] == "远方党员")
    assert row[1:5] == ["60.00", "66.00", "60.00", "62.00"]


def test_publicity_sheet_lists_entries_dates_and_how_to_object(ledger, client_for):
    through_review(ledger, record(ledger))
    window = publicize(ledger)
    response = client_for(ledger.users["member"]).get(
        f"/exports/publicity/{window.pk}/?format=pdf")
    text = text_of(response.content)
    assert "测试公示" in text and "宣传落实党的路线方针政策" in text and "+3.0" in text
    assert "公示期内" in text and "申诉" in text


def test_results_of_a_subtree(scored, client_for):
    response = client_for(scored.users["org_admin"]).get(
        f"/exports/results/?org={scored.school.pk}&year={YEAR}&format=xlsx")
    rows = cells(response)
    other = next(r for r in rows if "另一党员" in r)
    assert other[:6] == ["计算机学院教工党支部", "另一党员", "70.00", 5, "诫勉谈话", "—"]
    assert "诫勉谈话" in other[-1]


def test_exports_are_audited_and_scoped(scored, client_for):
    member = client_for(scored.users["member"])
    assert member.get(f"/exports/ledger/?member={scored.member.pk}&year={YEAR}").status_code \
        == 200
    assert member.get(f"/exports/ledger/?member={scored.other_member.pk}&year={YEAR}") \
        .status_code == 404
    assert member.get(f"/exports/register/?branch={scored.b1.pk}&year={YEAR}") \
        .status_code == 403
    entry = AuditEntry.objects.get(action="reports.export.downloaded")
    assert entry.data["report"] == "ledger" and entry.data["masked"] is True


def test_pdf_fetches_nothing_outside_static_and_media(settings, tmp_path):
    fetcher = ConfinedFetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("http://169.254.169.254/latest/meta-data/")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with pytest.raises(ValueError, match="不允许读取"):
        fetcher.fetch(secret.as_uri())
    css = settings.PACKAGE_DIR / "static" / "css" / "jifen.css"
    assert fetcher.fetch(css.as_uri()) is not None


def test_a_metadata_image_in_a_report_is_not_fetched(ledger, monkeypatch):
    from jifen.reports.report import Report, Table

    report = Report(title="测试", filename="x", tables=[Table(
        ["a"], [['<img src="http://169.254.169.254/x.png">']])])
    assert pdf_bytes(report).startswith(b"%PDF")  # the text is escaped, nothing is fetched


def test_api_exports(scored, api_client, client):
    from jifen.accounts.services import issue_token

    raw, _ = issue_token(user=scored.users["secretary"])
    auth = {"Authorization": f"Bearer {raw}"}
    response = client.get(f"/api/v1/exports/results?org_id={scored.b1.pk}&year={YEAR}"
                          "&format=pdf", headers=auth)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    response = client.get(f"/api/v1/exports/register?org_id={scored.b1.pk}&year={YEAR}"
                          "&quarter=1", headers=auth)
    assert response.status_code == 200 and cells(response)[0] == ["党员积分登记表"]
    status, body = api_client(scored.users["secretary"])(
        "get", f"/exports/ledger?member_id={scored.member.pk}&year={YEAR}&format=doc")
    assert status == 400 and body["errors"][0]["field"] == "format"
