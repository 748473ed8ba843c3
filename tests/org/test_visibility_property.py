"""Property: on random org trees and random role assignments, visible_* never leaks a subtree."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jifen.org import permissions as perm
from jifen.org.enums import ROLE_ORG_KINDS, SECURITY_ROLES, OrgKind, Role
from jifen.org.models import Member, Organization
from jifen.testing.factories import UserFactory, grant, make_member, make_org

# A tree as a list of parent choices: node i hangs under an earlier node (or is a new root).
trees = st.lists(st.integers(min_value=-1, max_value=30), min_size=1, max_size=12)
assignments = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(list(Role)), st.integers(0, 40)),
    max_size=8,
)


def build_tree(parent_choices):
    orgs = []
    for i, choice in enumerate(parent_choices):
        candidates = [o for o in orgs if o.kind != OrgKind.BRANCH]
        if choice < 0 or not candidates:
            orgs.append(make_org(f"党委{i}", OrgKind.COMMITTEE))
            continue
        parent = candidates[choice % len(candidates)]
        kind = OrgKind.GENERAL_BRANCH if parent.kind == OrgKind.COMMITTEE and i % 3 == 0 \
            else OrgKind.BRANCH
        orgs.append(make_org(f"组织{i}", kind, parent))
    return orgs


def subtree_ids(org):
    return set(Organization.objects.filter(path__startswith=org.path).values_list("pk", flat=True))


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees, grants=assignments, member_links=st.lists(st.integers(0, 40), max_size=4))
def test_visible_querysets_stay_inside_role_subtrees(tree, grants, member_links):
    with transaction.atomic():
        orgs = build_tree(tree)
        branches = [o for o in orgs if o.kind == OrgKind.BRANCH]
        members = [make_member(b) for b in branches for _ in range(2)]
        users = [UserFactory() for _ in range(4)]
        allowed_orgs = {u.pk: set() for u in users}
        own_member = {}
        for user_index, role, org_index in grants:
            org = orgs[org_index % len(orgs)]
            if org.kind not in ROLE_ORG_KINDS[role]:
                continue
            user = users[user_index]
            if not user.role_assignments.filter(role=role, org=org).exists():
                grant(user, role, org)
            if role not in SECURITY_ROLES:  # 三权分立: security roles see no business data
                allowed_orgs[user.pk] |= subtree_ids(org)
        for i, link in enumerate(member_links):
            if members and i < len(users):
                member = members[link % len(members)]
                if member.user_id is None:
                    Member.objects.filter(pk=member.pk).update(user=users[i])
                    own_member[users[i].pk] = member

        for user in users:
            fresh = type(user).objects.get(pk=user.pk)
            allowed = allowed_orgs[user.pk]
            mine = own_member.get(user.pk)
            visible_members = set(perm.visible_members(fresh).values_list("branch_id", "pk"))
            for branch_id, member_pk in visible_members:
                assert branch_id in allowed or (mine is not None and member_pk == mine.pk)
            visible_orgs = set(perm.visible_organizations(fresh).values_list("pk", flat=True))
            assert visible_orgs <= allowed | ({mine.branch_id} if mine else set())
            # and nothing inside the scope is hidden
            assert {m.pk for m in members if m.branch_id in allowed} <= {
                pk for _, pk in visible_members
            }
        transaction.set_rollback(True)
