"""The supervision page and API cost the same number of queries for 2 branches as for 10:
every figure is one aggregate over the subtree, never a query per branch. The spot-check pages
cost the same for 1 drawn entry as for 5."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jifen.org.enums import OrgKind, Role
from jifen.publicity import services as publicity
from jifen.scoring import services as scoring
from jifen.supervision import services
from jifen.testing.factories import UserFactory, make_member, make_org
from tests.ledger import YEAR, pdf
from tests.supervision.support import Staffed, confirmed_in_b1, spot_check

pytestmark = pytest.mark.django_db


def busy_branch(parent) -> Staffed:
    """Members, confirmed scores, closed windows, bonus entries with and without evidence, an
    entry waiting for review, and an objection open in a current window."""
    branch = Staffed(parent, members=3)
    objector = make_member(branch.branch, name="提异议的党员",
                           user=UserFactory(username=f"objector{branch.branch.pk}"))
    branch.confirm([branch.record(m) for m in branch.members]
                   + [branch.record(item="A-J04", files=[pdf()])])
    branch.record(branch.members[1], points="2")
    current = branch.record(branch.members[0], item="A-J03")
    scoring.review_entry(actor=branch.users[Role.COMMITTEE], entry=current, approve=True)
    publicity.open_window(actor=branch.users[Role.SECRETARY], branch=branch.branch, title="本月")
    current.refresh_from_db()
    publicity.raise_objection(actor=objector.user, entry=current, reason="有疑问")
    return branch


def queries_for(call) -> int:
    call()  # once to warm up what is done once per session or token (e.g. its last use)
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context)


def test_supervision_queries_do_not_grow_with_branches(ledger, client_for, api_client):
    parent = make_org("督导测试党总支", OrgKind.GENERAL_BRANCH, ledger.school)
    page = client_for(ledger.users["org_admin"])
    api = api_client(ledger.users["org_admin"])

    def get_page():
        branches = page.get(f"/supervision/?org={parent.pk}&year={YEAR}").context[
            "overview"].branches
        assert branches and all(b.scored and b.open_objections and b.pending_reviews
                                and b.bonus_entries for b in branches)

    def get_api():
        status, body = api("get", f"/supervision?org_id={parent.pk}&year={YEAR}")
        assert status == 200

    counts = {}
    for size in (2, 10):
        while parent.children.count() < size:
            busy_branch(parent)
        counts[size] = (queries_for(get_page), queries_for(get_api))

    assert counts[2] == counts[10]


def test_spot_check_pages_do_not_grow_with_their_entries(ledger, client_for):
    confirmed_in_b1(ledger, count=6)
    client = client_for(ledger.users["org_admin"])
    counts = {}
    for size in (1, 5):
        check = spot_check(ledger, size=size)
        for item in check.items.all()[:1]:
            services.record_check_result(actor=ledger.users["reviewer"], item=item,
                                         result="fine")
        counts[size] = (queries_for(lambda: client.get("/supervision/spot-checks/")),
                        queries_for(lambda c=check: client.get(
                            f"/supervision/spot-checks/{c.pk}/")))

    assert counts[1] == counts[5]
