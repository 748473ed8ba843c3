"""The home page's cards: real figures, and no list of thousands of branches for a province."""

import pytest

pytestmark = pytest.mark.django_db


def _card(response, org):
    return next(c for c in response.context["cards"] if c["org"] == org)


def test_the_org_department_card_lists_the_branches_with_their_members(world, client_for):
    card = _card(client_for(world.users["org_admin"]).get("/"), world.school)
    assert card["branch_count"] == 3
    assert {b.name: b.member_count for b in card["branches"]} == {
        "计算机学院教工党支部": 5, "计算机学院学生党支部": 1, "机关党支部": 0}
    assert card["member_total"] == 6 and card["teacher_total"] == 5


def test_a_province_card_gives_totals_and_points_to_the_overview(world, client_for,
                                                                 monkeypatch):
    from jifen.core import views

    monkeypatch.setattr(views, "CARD_BRANCHES", 2)
    response = client_for(world.users["org_admin"]).get("/")
    card = _card(response, world.school)
    assert card["branches"] == [] and card["branch_count"] == 3
    assert card["member_total"] == 6 and card["teacher_total"] == 5
    assert "/overview/?org=" in response.content.decode()
