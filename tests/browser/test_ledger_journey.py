"""The ledger's whole journey, in Debian's chromium, each person in their own browser."""

import datetime as dt

import pytest

from jifen.publicity.models import Window
from jifen.testing.factories import UserFactory, make_member
from tests.ledger import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_declare_review_publicize_object_appeal_rule_confirm(ledger, as_user, live_server,
                                                              tmp_path):
    url = live_server.url
    make_member(ledger.b1, name="群众监督员", user=UserFactory(username="member2"))
    proof = tmp_path / "志愿服务证明.pdf"
    proof.write_bytes(PDF)

    member = as_user("member")
    member.goto(f"{url}/ledger/declare/")
    member.get_by_label("记分项目").select_option("A-J04")
    member.get_by_label("分值").fill("3")
    member.get_by_label("事由说明").fill("参加社区志愿服务 8 小时")
    member.get_by_label("证明材料").set_input_files(str(proof))
    member.get_by_role("button", name="提交").click()
    member.wait_for_load_state()
    assert "申报已提交" in member.content() and "待初评" in member.content()
    entry_url = member.url

    committee = as_user("committee")
    committee.goto(f"{url}/review/")
    committee.get_by_role("link", name="查看").first.click()
    committee.get_by_role("button", name="通过", exact=True).click()
    assert "初评通过" in committee.content()

    secretary = as_user("secretary")
    secretary.goto(f"{url}/publicity/new/")
    secretary.get_by_label("支部").select_option(str(ledger.b1.pk))
    secretary.get_by_role("button", name="发起").click()
    assert "已发起公示" in secretary.content()
    window_url = secretary.url

    objector = as_user("member2")
    objector.goto(window_url)
    objector.get_by_role("link", name="提出异议").click()
    objector.get_by_label("异议理由").fill("服务时长与活动记录不符")
    objector.get_by_role("button", name="提交异议").click()
    assert "待支部查核" in objector.content()
    objection_url = objector.url

    secretary.goto(objection_url)
    secretary.get_by_label("异议不成立，维持原记录").check()
    secretary.get_by_label("答复内容").fill("经查签到表，时长属实")
    secretary.get_by_role("button", name="提交答复").click()
    assert "异议不成立" in secretary.content()

    objector.goto(objection_url)
    objector.get_by_label("申诉理由").fill("签到表为事后补签")
    objector.get_by_role("button", name="提出申诉").click()
    assert "已申诉，待组织部专项查核" in objector.content()

    org_admin = as_user("org_admin")
    org_admin.goto(objection_url)
    org_admin.get_by_label("异议不成立，维持原记录").check()
    org_admin.get_by_label("答复内容").fill("经专项查核，服务记录属实")
    org_admin.get_by_role("button", name="提交查核结论").click()
    assert "专项查核：异议不成立" in org_admin.content()

    # five days pass: the window has ended
    Window.objects.update(starts_on=dt.date.today() - dt.timedelta(days=7),
                          ends_on=dt.date.today() - dt.timedelta(days=3))
    secretary.goto(window_url)
    secretary.get_by_role("button", name="结束公示并认定").click()
    assert "1 条记录已认定" in secretary.content()

    member.goto(f"{url}/my/")
    official = member.locator(".card", has_text="正式积分").first.inner_text()
    assert "83.00" in official
    member.goto(entry_url)
    assert "已认定" in member.content() and "志愿服务证明.pdf" in member.content()
    for page in (member, committee, secretary, objector, org_admin):
        assert page.console_errors == []
