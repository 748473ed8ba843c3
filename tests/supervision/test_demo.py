"""The demo school's branches are ordinary branches: the flags must stay silent on them.

Built once, in one test, because building the demo takes a while. The demo records the way a
real branch does (bonus items declared by members or recorded by different committee members,
usually with proof; a window after every quarter), so no flag has an excuse here.
"""

import pytest
from django.utils import timezone

from jifen.core.demo import build_demo
from jifen.org.models import Organization
from jifen.supervision import queries
from jifen.testing.otp import login_verified

pytestmark = pytest.mark.django_db


def test_the_demo_branches_raise_no_flags(client):
    build_demo()
    today = timezone.localdate()

    found: dict[str, list[str]] = {}
    for root in Organization.objects.filter(parent__isnull=True):
        for year in (today.year, today.year - 1):
            for m in queries.overview(root, year).branches:
                for flag in m.flags:
                    found.setdefault(flag.code, []).append(
                        f"{year} {m.branch.name}: {flag.detail}")

    assert found == {}
    login_verified(client, Organization.objects.get(name="中共明德学院委员会").roles.get(
        role="org_admin").user)
    assert client.get("/supervision/").status_code == 200
