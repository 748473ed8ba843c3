"""The branch's commitment pages cost the same number of queries for 1 member as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jifen.commitments import identity, services
from jifen.commitments.year_reports import write_year_report
from jifen.testing.factories import UserFactory, make_member
from tests.ledger import YEAR


def populate(ledger, count):
    """Each new member: a deed waiting for review, a common commitment passed with a report
    pending and one verified, judged 未兑现 and converted; a post; a year report."""
    users = ledger.users
    members = []
    for _ in range(count):
        member = make_member(ledger.b1, user=UserFactory())
        members.append(member)
        actor = member.user
        services.create_commitment(actor=actor, year=YEAR, kind="deed", content="义务辅导")
        common = services.create_commitment(actor=actor, year=YEAR, kind="common",
                                            content="按时参加组织生活")
        services.review_commitment(actor=users["committee"], commitment=common, approve=True)
        done = services.report_fulfilment(actor=actor, commitment=common, content="已参加")
        services.verify_report(actor=users["committee"], report=done, approve=True)
        services.report_fulfilment(actor=actor, commitment=common, content="又参加")
        write_year_report(actor=actor, member=member, year=YEAR, content="述职")
    judged = services.set_outcome(actor=users["committee"],
                                  commitment=members[0].commitments.get(kind="common"),
                                  outcome="not", note="未兑现")
    services.convert_to_deduction(actor=users["secretary"], commitment=judged)
    identity.create_post(actor=users["secretary"], branch=ledger.b1, kind="area",
                         name=f"责任区{count}", duties="卫生", members=members)


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("url", [
    "/commitments/branch/?year={year}", "/commitments/board/{b1}/?year={year}",
    "/commitments/performance/?branch={b1}", "/commitments/posts/?branch={b1}",
    "/commitments/year-reports/?branch={b1}&year={year}"])
def test_branch_pages_do_not_grow_with_members(ledger, client_for, url):
    counts = []
    for size in (1, 30):
        populate(ledger, size)
        services.publicize_commitments(actor=ledger.users["secretary"], branch=ledger.b1,
                                       year=YEAR)
        client = client_for(ledger.users["secretary"])
        counts.append(queries_for(client, url.format(b1=ledger.b1.pk, year=YEAR)))
    assert counts[0] == counts[1]


def test_my_commitments_page_does_not_grow_with_commitments_and_reports(ledger, client_for):
    counts = []
    for size in (1, 10):
        member = make_member(ledger.b1, user=UserFactory())
        for kind in ("common", "post", "deed")[: 1 + size // 5]:
            commitment = services.create_commitment(actor=member.user, year=YEAR, kind=kind,
                                                    content="承诺")
            services.review_commitment(actor=ledger.users["committee"], commitment=commitment,
                                       approve=True)
            for _ in range(size):
                services.report_fulfilment(actor=member.user, commitment=commitment,
                                           content="参加")
        counts.append(queries_for(client_for(member.user), f"/commitments/?year={YEAR}"))
    assert counts[0] == counts[1]
