"""Factories shared by every test. They go through the services where a service exists."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from jifen.org.enums import Gender, MemberCategory, MemberStatus, OrgKind
from jifen.org.models import Member, Organization, RoleAssignment

_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("Correct-Horse-42")


def make_org(name: str, kind: str, parent: Organization | None = None) -> Organization:
    """Create an organization with its materialized path, without audit (test arrangement)."""
    org = Organization.objects.create(name=name, kind=kind, parent=parent, path="")
    org.path = f"{parent.path if parent else '/'}{org.pk:010d}/"
    org.depth = parent.depth + 1 if parent else 0
    org.root_id = parent.root_id if parent else org.pk
    org.save(update_fields=["path", "depth", "root"])
    return org


def make_member(branch: Organization, *, name: str | None = None, user=None,
                category: str = MemberCategory.TEACHER) -> Member:
    n = next(_seq)
    member = Member.objects.create(
        name=name or f"党员{n}", gender=Gender.FEMALE, category=category,
        status=MemberStatus.FULL, joined_on=dt.date(2015, 7, 1), staff_no=f"N{n:05d}",
        branch=branch, root_id=branch.root_id, user=user,
    )
    member.placements.create(branch=branch, start=dt.date(2020, 1, 1))
    return member


def grant(user, role: str, org: Organization) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, role=role, org=org)


__all__ = ["UserFactory", "make_org", "make_member", "grant", "OrgKind"]
