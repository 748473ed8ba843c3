"""Helpers for tests that go through the ledger workflow (the `ledger` fixture builds on them)."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from jifen.org.enums import Role
from jifen.publicity import services as publicity
from jifen.schemes.services import create_from_preset
from jifen.scoring import services
from jifen.scoring.evidence import blank_pdf
from jifen.testing.factories import UserFactory, grant, make_member
from tests.today import YEAR

PDF = blank_pdf()


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def day(month: int, d: int = 1) -> dt.date:
    return dt.date(YEAR, month, d)


def build_ledger(world):
    """The world with this year's reference standard (Doc A) and Doc B in the far school."""
    world.scheme = create_from_preset(actor=world.users["org_admin"], org=world.school,
                                      year=YEAR, preset="jining-2017")
    world.far_scheme = create_from_preset(actor=world.users["outsider"].__class__.objects.create(
        username="root", is_superuser=True), org=world.far_school, year=YEAR,
        preset="chuxiong-2019")
    world.far_reviewer = UserFactory(username="far_reviewer")
    grant(world.far_reviewer, Role.REVIEWER, world.far_school)
    world.far_committee = UserFactory(username="far_committee")
    grant(world.far_committee, Role.COMMITTEE, world.far)
    world.far_objector = UserFactory(username="far_objector")
    make_member(world.far, name="远方党员二", user=world.far_objector)
    return world


def record(world, member=None, item="A-J01", points="3", when=None, actor="recorder", files=()):
    return services.create_entry(actor=world.users[actor] if isinstance(actor, str) else actor,
                                 member=member or world.other_member, item_code=item,
                                 points=Decimal(points), occurred_on=when or day(3),
                                 reason="参加社区志愿服务", files=files)


def through_review(world, entry, reviewer="committee"):
    return services.review_entry(actor=world.users[reviewer], entry=entry, approve=True)


def publicize(world, branch=None, actor="secretary"):
    return publicity.open_window(actor=world.users[actor] if isinstance(actor, str) else actor,
                                 branch=branch or world.b1, title="测试公示")


def close(window, actor=None):
    return publicity.close_window(actor=actor, window=window,
                                  today=window.ends_on + dt.timedelta(days=1))
