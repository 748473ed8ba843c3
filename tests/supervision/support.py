"""Arrangements for the supervision tests: confirmed entries and stored scores through the real
ledger workflow (record → review → publicize → close)."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from jifen.org.enums import OrgKind, Role
from jifen.publicity import services as publicity
from jifen.scoring import services as scoring
from jifen.supervision import services
from jifen.testing.factories import UserFactory, grant, make_member, make_org
from tests.ledger import YEAR, close, day, pdf, record, through_review

_seeds = itertools.count(1000)


def confirm(world, entries, *, branch=None, actor="secretary", starts_on=None):
    """Review the entries, publicize them in a window that has ended, and close it."""
    for entry in entries:
        if entry.state == "submitted":
            through_review(world, entry)
    window = publicity.open_window(
        actor=world.users[actor] if isinstance(actor, str) else actor,
        branch=branch or world.b1, title="测试公示",
        starts_on=starts_on or timezone.localdate() - dt.timedelta(days=10))
    close(window)
    return window


def confirmed_in_b1(world, count=2):
    """`count` confirmed bonus entries about other_member in b1 (scores are stored)."""
    entries = [record(world, item="A-J01", points="1", when=day(1, 1)) for _ in range(count)]
    confirm(world, entries)
    return entries


def spot_check(world, *, org=None, size=1, seed=None, actor="org_admin"):
    return services.draw_spot_check(actor=world.users[actor], org=org or world.b1, year=YEAR,
                                    size=size, seed=seed if seed is not None else next(_seeds))


class Staffed:
    """A branch of its own under `parent`, with a recorder, a committee member and a secretary,
    so that tests can run the workflow there without touching the world's branches."""

    _n = itertools.count(1)

    def __init__(self, parent, name=None, *, members=0):
        n = next(self._n)
        self.branch = make_org(name or f"督导测试支部{n}", OrgKind.BRANCH, parent)
        self.users = {}
        for role in (Role.RECORDER, Role.COMMITTEE, Role.SECRETARY):
            user = UserFactory(username=f"sv{n}_{role}")
            grant(user, role, self.branch)
            self.users[role] = user
        self.members = [make_member(self.branch, name=f"测试党员{n}-{i}") for i in range(members)]

    def record(self, member=None, *, item="A-J01", points="1", when=None, actor=None,
               files=()):
        return scoring.create_entry(
            actor=actor or self.users[Role.RECORDER], member=member or self.members[0],
            item_code=item, points=Decimal(points), occurred_on=when or day(1, 1),
            reason="测试记录", files=files)

    def confirm(self, entries, *, starts_on=None):
        for entry in entries:
            if entry.state == "submitted":
                scoring.review_entry(actor=self.users[Role.COMMITTEE], entry=entry,
                                     approve=True)
        window = publicity.open_window(
            actor=self.users[Role.SECRETARY], branch=self.branch, title="测试公示",
            starts_on=starts_on or timezone.localdate() - dt.timedelta(days=10))
        close(window)
        return window


__all__ = ["YEAR", "confirm", "confirmed_in_b1", "spot_check", "Staffed", "pdf", "day"]
