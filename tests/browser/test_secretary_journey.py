import pytest
from playwright.sync_api import expect

from jifen.core.demo import DEMO_PASSWORD, build_demo
from jifen.org.models import Member, Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_branch_secretary_sees_only_their_branch(login, live_server):
    build_demo()
    branch = Organization.objects.get(name="计算机学院教工党支部")

    page = login("shuji", DEMO_PASSWORD)
    page.get_by_role("button", name="展开导航").click()  # phone-sized window: the menu folds
    page.get_by_role("button", name="组织与党员").click()
    page.get_by_role("link", name="党员名册", exact=True).click()
    page.wait_for_load_state()

    rows = page.locator("#member-rows tbody tr")
    branch_cells = rows.locator("td:nth-child(3)").all_inner_texts()
    assert branch_cells and set(branch_cells) == {branch.name}
    assert f"共 {Member.objects.filter(branch=branch).count()} 名党员" in page.content()
    assert page.console_errors == []
    other = Member.objects.exclude(branch=branch).first()
    page.goto(f"{live_server.url}/members/{other.pk}/")
    assert page.title().startswith("页面不存在")


def test_roster_search_filters_as_you_type(world, page, login, live_server):
    login("org_admin", "Correct-Horse-42")  # the org department types its two-factor code too
    page.goto(f"{live_server.url}/members/")
    page.get_by_placeholder("姓名或工号/学号").fill("另一")
    # a locator wait, not wait_for_function: our CSP forbids the eval that a string predicate needs
    expect(page.locator("#member-rows tbody tr")).to_have_count(1)
    assert page.locator("#member-rows tbody tr td").first.inner_text() == "另一党员"
    assert "q=" in page.url  # the filtered list has its own address
    assert page.console_errors == []
