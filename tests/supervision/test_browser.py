"""The charts in Debian's chromium: drawn (ECharts puts a <canvas> in the container), with no
console errors (the pages will run under a strict CSP: no inline scripts). See chromium.py for
why these drive their own browser."""

import pytest

from jifen.supervision.models import SpotCheckItem
from tests.ledger import YEAR
from tests.results.helpers import score_year
from tests.supervision.chromium import in_chromium
from tests.supervision.support import confirmed_in_b1

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_org_departments_dashboard_draws_its_charts(ledger, live_server):
    score_year(ledger)
    b1 = ledger.b1.name

    def steps(session):
        page = session.as_user("org_admin")
        page.goto(f"{session.url}/supervision/?year={YEAR}")
        page.wait_for_selector("[data-supervision-chart='histogram'] canvas")
        page.wait_for_selector("[data-supervision-chart='comparison'] canvas")
        assert page.locator("#branch-table tbody tr").count() == 3
        page.get_by_text("以表格查看").first.click()
        assert page.get_by_role("cell", name="80–85").is_visible()

        page.get_by_role("link", name=b1).first.click()
        page.wait_for_selector("[data-supervision-chart='histogram'] canvas")
        assert "优秀线以上" in page.content() and "79.00" in page.content()
        return page.console_errors

    assert in_chromium(live_server, steps) == []


def test_a_chart_without_data_says_so(ledger, live_server):
    b2 = ledger.b2.pk

    def steps(session):
        page = session.as_user("reviewer")
        page.goto(f"{session.url}/supervision/branches/{b2}/")
        return (page.locator("[data-supervision-chart='histogram']").inner_text(),
                page.console_errors)

    assert in_chromium(live_server, steps) == ("暂无数据", [])


def test_a_spot_check_drawn_and_checked_in_the_browser(ledger, live_server):
    confirmed_in_b1(ledger, count=3)
    b1 = str(ledger.b1.pk)

    def steps(session):
        page = session.as_user("org_admin")
        page.goto(f"{session.url}/supervision/spot-checks/new/")
        page.get_by_label("抽查范围").select_option(b1)
        page.get_by_label("抽查数量").fill("1")
        page.get_by_label("随机种子").fill("2026")
        page.get_by_role("button", name="抽取").click()
        page.wait_for_load_state()
        assert "已抽取 1 条记录，随机种子 2026。" in page.content()

        page.get_by_label("发现问题", exact=True).check()
        page.get_by_label("核查说明（发现问题时必填）").fill("缺少活动签到表")
        page.get_by_role("button", name="记录结果").click()
        page.wait_for_load_state()
        assert "第 1 条的核查结果已记录。" in page.content()
        return page.console_errors

    assert in_chromium(live_server, steps) == []
    item = SpotCheckItem.objects.get()
    assert (item.result, item.note) == ("problem", "缺少活动签到表")
