"""Year-end in the browser: appraisal, a talk, submit, file (lock), a refused edit, reopen."""

import pytest

from jifen.results.models import YearResult
from tests.ledger import YEAR, day
from tests.results.helpers import publicize_year, score_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_appraises_reviewer_files_org_department_reopens(ledger, as_user,
                                                                   live_server):
    score_year(ledger)
    publicize_year(ledger)
    results = f"{live_server.url}/results/?branch={ledger.b1.pk}&year={YEAR}"

    secretary = as_user("secretary")
    secretary.goto(results)
    for name in ["secretary本人", "committee本人", "recorder本人", "另一党员"]:
        secretary.locator("tr", has_text=name).get_by_role("button", name="确定").click()
        assert f"已录入 {name} 的评议等次" in secretary.content()
    override = secretary.locator("tr", has_text="普通党员")
    override.get_by_role("combobox").select_option(label="合格")
    override.get_by_role("button", name="确定").click()
    assert "请写明理由" in secretary.content()  # the override needs a reason
    override = secretary.locator("tr", has_text="普通党员")
    override.get_by_role("combobox").select_option(label="合格")
    override.get_by_placeholder("与建议不同时写明理由").fill("民主测评满意率偏低")
    override.get_by_role("button", name="确定").click()
    assert "已录入 普通党员 的评议等次" in secretary.content()

    secretary.get_by_label("谈话对象").select_option(label="另一党员")
    secretary.get_by_label("谈话人").fill("李书记")
    secretary.get_by_label("谈话情况").fill("指出无故缺席组织生活的问题，要求限期改进")
    secretary.get_by_role("button", name="保存谈话记录").click()
    assert "各项已完成" in secretary.content()
    secretary.get_by_role("button", name="报送审核备案").click()
    assert "已报送，等待审核备案" in secretary.content()

    reviewer = as_user("reviewer")
    reviewer.goto(results)
    reviewer.get_by_role("button", name="审核备案（锁定该年度）").click()
    assert "该年度已锁定" in reviewer.content()
    assert YearResult.objects.get(branch=ledger.b1, year=YEAR).state == "filed"

    recorder = as_user("recorder")
    recorder.goto(f"{live_server.url}/ledger/new/?branch={ledger.b1.pk}")
    recorder.get_by_label("党员").select_option(label="另一党员")
    recorder.get_by_label("记分项目").select_option("A-J01")
    recorder.get_by_label("分值").fill("2")
    recorder.get_by_label("发生日期").fill(day(4).isoformat())
    recorder.get_by_label("事由说明").fill("补记宣讲")
    recorder.get_by_role("button", name="提交").click()
    assert "已审核备案，该年度已锁定" in recorder.content()

    org_admin = as_user("org_admin")
    org_admin.goto(results)
    org_admin.get_by_label("重新开放该年度").fill("发现漏记的宣讲活动，需补记")
    org_admin.get_by_role("button", name="重新开放").click()
    assert "已重新开放该年度" in org_admin.content()
    assert YearResult.objects.get(branch=ledger.b1, year=YEAR).state == "open"
    for page in (secretary, reviewer, recorder, org_admin):
        assert page.console_errors == []
