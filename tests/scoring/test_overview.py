"""The province dashboard (积分总览): figures summed from branch figures, scoped, bounded."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from jifen.org.enums import OrgKind, Role
from jifen.scoring.models import OrgStat, Score
from jifen.testing.factories import UserFactory, grant, make_org
from jifen.testing.otp import login_verified
from tests.scoring.test_bulk import YEAR, build

pytestmark = pytest.mark.django_db

URL = reverse("scoring:overview")


def province(branches: int = 2):
    """A school of `branches` branches with scored members, recomputed."""
    data = {"preset": "jining-2017",
            "branches": [[{"category": "teacher", "joined": dt.date(2010, 1, 1),
                           "exempt": False}] * 3] * branches,
            "entries": [{"member": i, "item": i * 5, "points": i * 11, "day": i * 29,
                         "state": "confirmed", "reversal": None} for i in range(3 * branches)]}
    made = build(data)
    call_command("recompute", year=YEAR)
    return made


def test_the_org_department_sees_the_sums_of_its_whole_tree(client):
    branches = province()
    school = branches[0].root
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, school)
    login_verified(client, admin)
    page = client.get(URL, {"year": YEAR})
    assert page.status_code == 200
    whole = page.context["whole"]
    scores = Score.objects.filter(root=school, year=YEAR)
    assert whole.members == scores.count() == 6
    assert whole.total_sum == sum(s.total for s in scores)
    assert sum(whole.grades.values()) == 6
    # children: the general branch (with one branch) and the branch directly under the school
    names = {child.name: figures.members for child, figures, _ in page.context["children"]}
    assert names == {"随机总支": 3, "随机支部0": 3}
    assert "随机支部0" in page.content.decode()


def test_a_reviewer_sees_only_their_general_branch(client):
    branches = province()
    general = branches[1].parent
    reviewer = UserFactory()
    grant(reviewer, Role.REVIEWER, general)
    login_verified(client, reviewer)
    page = client.get(URL, {"year": YEAR})
    assert page.context["org"] == general
    assert page.context["whole"].members == 3
    assert client.get(URL, {"org": branches[0].root_id}).status_code == 404
    assert client.get(URL, {"org": "x"}).status_code == 404


def test_a_secretary_or_member_has_no_dashboard(client):
    branches = province()
    secretary = UserFactory()
    grant(secretary, Role.SECRETARY, branches[0])
    login_verified(client, secretary)
    assert client.get(URL).status_code == 403


def test_the_dashboard_follows_a_confirmation(client):
    """The per-branch refresh rewrites the branch's figures in the same transaction."""
    from jifen.scoring.scores import refresh_branch_scores

    branches = province()
    school = OrgStat.objects.get(org=branches[0].root, year=YEAR)
    assert (school.branches, school.members) == (2, 6)
    member = branches[0].members.first()
    Score.objects.filter(member=member).delete()
    member.branch = branches[1]  # moved without the transfer service: only the refresh runs
    member.save()
    refresh_branch_scores(branches[0], YEAR)
    refresh_branch_scores(branches[1], YEAR)
    stat = OrgStat.objects.get(org=branches[0], year=YEAR)
    assert stat.members == 2 and stat.root_id == branches[0].root_id
    assert OrgStat.objects.get(org=branches[1], year=YEAR).members == 4
    assert OrgStat.objects.get(org=branches[1].parent, year=YEAR).members == 4
    school.refresh_from_db()
    assert (school.branches, school.members) == (2, 6)
    total = sum(OrgStat.objects.get(org=b, year=YEAR).total_sum for b in branches)
    assert school.total_sum == total


def test_the_number_of_queries_does_not_grow_with_the_branches(client):
    def queries_for(count: int) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        branches = province(count)
        admin = UserFactory()
        grant(admin, Role.ORG_ADMIN, branches[0].root)
        login_verified(client, admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"year": YEAR}).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(8)


def test_an_empty_school_shows_zeros(client):
    school = make_org("空党委", OrgKind.COMMITTEE)
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, school)
    login_verified(client, admin)
    page = client.get(URL)
    assert page.status_code == 200
    assert page.context["whole"].members == 0
    assert "没有下级组织" in page.content.decode()


def test_a_ranking_over_too_many_branches_for_a_select_points_to_the_overview(client,
                                                                             monkeypatch):
    from jifen.scoring import views

    branches = province(3)
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, branches[0].root)
    login_verified(client, admin)
    page = client.get(reverse("scoring:ranking"), {"branch": branches[1].pk, "year": YEAR})
    assert len(page.context["branches"]) == 3
    monkeypatch.setattr(views, "PICKER_LIMIT", 2)
    page = client.get(reverse("scoring:ranking"), {"branch": branches[1].pk, "year": YEAR})
    assert page.context["branches"] == []
    assert "在 <a" in page.content.decode() and page.context["branch"] == branches[1]


def test_the_children_come_a_page_at_a_time(client, monkeypatch):
    from jifen.scoring import rollup

    branches = province()
    admin = UserFactory()
    grant(admin, Role.ORG_ADMIN, branches[0].root)
    login_verified(client, admin)
    monkeypatch.setattr(rollup, "CHILDREN_PER_PAGE", 1)
    first = client.get(URL, {"year": YEAR})
    second = client.get(URL, {"year": YEAR, "page": 2})
    assert [c.name for c, _, _ in first.context["children"]] == ["随机总支"]
    assert [c.name for c, _, _ in second.context["children"]] == ["随机支部0"]
    assert second.context["whole"].members == 6  # the total is always the whole subtree
    assert "1 / 2" in first.content.decode()
