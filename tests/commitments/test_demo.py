"""The demo's commitments, identity posts, published summary and 述职: one test, because
building the demo school is the slow part."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jifen.commitments.enums import CommitmentState, Outcome, PostKind, ReportState
from jifen.commitments.models import (
    BranchBoard,
    Commitment,
    CommitmentReport,
    IdentityPost,
    PerformancePublication,
    YearReport,
)
from jifen.core.demo import build_demo
from jifen.core.demo_commitments import build_demo_commitments
from jifen.scoring.enums import EntryState

pytestmark = pytest.mark.django_db


def counts():
    return tuple(model.objects.count() for model in (
        Commitment, CommitmentReport, IdentityPost, PerformancePublication, YearReport))


def test_demo_commitments_cover_every_stage():
    build_demo()
    admin = get_user_model().objects.get(username="admin")
    build_demo_commitments(admin)  # a no-op if build_demo already did it
    first = counts()
    build_demo_commitments(admin)

    assert counts() == first
    assert set(Commitment.objects.values_list("state", flat=True)) == set(CommitmentState.values)
    assert set(Commitment.objects.values_list("outcome", flat=True)) == {"", *Outcome.values}
    assert set(CommitmentReport.objects.values_list("state", flat=True)) == {
        ReportState.SUBMITTED, ReportState.VERIFIED}
    converted = Commitment.objects.get(deduction_entry__isnull=False)
    assert (converted.outcome, converted.deduction_entry.state,
            converted.deduction_entry.item_code) == (Outcome.NOT, EntryState.SUBMITTED, "A-K05")
    assert Commitment.objects.values("branch").distinct().count() >= 6
    assert IdentityPost.objects.values("branch").distinct().count() >= 3
    assert set(IdentityPost.objects.values_list("kind", flat=True)) == set(PostKind.values)
    assert PerformancePublication.objects.filter(branch__name="计算机学院教工党支部").exists()
    assert YearReport.objects.exclude(remark="").count() >= 2
    assert YearReport.objects.filter(remark="").exists()
    assert BranchBoard.objects.exclude(public_token="").count() == 1

    client = Client()
    client.force_login(get_user_model().objects.get(username="dangyuan"))
    assert "每月为学生义务答疑辅导一次" in client.get("/commitments/").content.decode()
    client.force_login(get_user_model().objects.get(username="shuji"))
    overview = client.get("/commitments/branch/").content.decode()
    assert "吴审核" in overview.split('id="missing-deed"')[1]  # a member with no deed yet
