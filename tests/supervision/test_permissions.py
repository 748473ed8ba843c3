"""Who sees supervision: the org department and the general branch over their subtrees; an
organization outside them is 404, one they can see but do not supervise is 403; branch roles
and members see none of it (the matrices cover every URL × persona; these name the cases)."""

import pytest

from tests.ledger import YEAR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "org", "status"), [
    ("org_admin", "school", 200), ("org_admin", "b1", 200), ("org_admin", "far", 404),
    ("reviewer", "general", 200), ("reviewer", "b2", 200), ("reviewer", "school", 404),
    ("reviewer", "b3", 404), ("secretary", "b1", 403), ("committee", "b1", 403),
    ("recorder", "b1", 403), ("member", "b1", 403), ("member", "b2", 404),
    ("outsider", "far", 403), ("outsider", "b1", 404),
])
def test_the_dashboard_of_an_organization(ledger, client_for, api_client, persona, org,
                                          status):
    org_id = getattr(ledger, org).pk
    page = client_for(ledger.users[persona]).get(f"/supervision/?org={org_id}&year={YEAR}")
    api = api_client(ledger.users[persona])("get", f"/supervision?org_id={org_id}&year={YEAR}")

    assert (page.status_code, api[0]) == (status, status)


def test_a_branch_page_is_for_branches(ledger, client_for):
    client = client_for(ledger.users["org_admin"])

    assert client.get(f"/supervision/branches/{ledger.general.pk}/").status_code == 404
    assert client.get(f"/supervision/branches/{ledger.b3.pk}/").status_code == 200
    assert client_for(ledger.users["reviewer"]).get(
        f"/supervision/branches/{ledger.b3.pk}/").status_code == 404


def test_without_an_org_the_widest_supervised_one_is_shown(ledger, client_for):
    reviewer = client_for(ledger.users["reviewer"]).get("/supervision/")
    assert reviewer.context["org"] == ledger.general
    assert [b.branch for b in reviewer.context["overview"].branches] == [ledger.b1, ledger.b2]

    org_admin = client_for(ledger.users["org_admin"]).get("/supervision/")
    assert org_admin.context["org"] == ledger.school


@pytest.mark.parametrize(("persona", "shown"), [
    ("org_admin", True), ("reviewer", True), ("secretary", False), ("committee", False),
    ("recorder", False), ("member", False), ("outsider", False)])
def test_the_menu_entry_is_for_supervisors_only(ledger, client_for, persona, shown):
    home = client_for(ledger.users[persona]).get("/").content.decode()

    assert ('href="/supervision/"' in home) is shown


def test_a_bad_year_falls_back_to_this_year(ledger, client_for):
    response = client_for(ledger.users["org_admin"]).get("/supervision/?year=abc&org=x")

    assert response.status_code == 200 and response.context["year"] == YEAR
