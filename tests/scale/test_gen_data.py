"""`jifen gen_data`: a synthetic province the rest of the application accepts as its own."""

import datetime as dt
import io
import random
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from jifen.org.enums import OrgKind, Role
from jifen.org.models import Member, Organization, Placement, RoleAssignment
from jifen.publicity.models import Objection, Window, WindowKind
from jifen.scale.province import PRESETS, branch_sizes
from jifen.schemes.models import Scheme
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.models import Entry
from jifen.scoring.scores import compute_branch, months_in_scope

YEAR = 2026
ARGS = {"members": 300, "entries_per_member": 5, "year": YEAR, "seed": 1}


def generate(**overrides) -> str:
    out = io.StringIO()
    call_command("gen_data", stdout=out, **{**ARGS, **overrides})
    return out.getvalue()


@pytest.fixture
def province(db):
    return generate()


def first_branch() -> Organization:
    return RoleAssignment.objects.get(role=Role.SECRETARY, user__username="province_secretary").org


def test_members_fill_branches_of_20_to_80(province):
    assert Member.objects.count() == 300
    sizes = Organization.objects.filter(kind=OrgKind.BRANCH).annotate(n=Count("members"))
    assert sizes and all(20 <= b.n <= 80 for b in sizes)
    assert not Organization.objects.exclude(kind=OrgKind.BRANCH).filter(members__isnull=False)
    assert set(Member.objects.values_list("category", flat=True)) == {"teacher", "student"}
    assert not Member.objects.exclude(phone_cipher=None).exists()
    assert not Member.objects.exclude(id_number_cipher=None).exists()
    for member in Member.objects.select_related("branch"):
        assert member.root_id == member.branch.root_id
        placement = Placement.objects.get(member=member)
        assert placement.branch_id == member.branch_id and placement.end is None
        joined_this_year = member.joined_on.year == YEAR
        assert placement.start == (member.joined_on if joined_this_year else dt.date(YEAR, 1, 1))
    assert Member.objects.filter(joined_on__year=YEAR).exists()
    assert Member.objects.filter(joined_on__year__lt=YEAR).count() > 250


@pytest.mark.parametrize("total", [20, 80, 81, 99, 100, 161, 1000, 4321])
def test_branch_sizes_add_up_within_bounds(total):
    sizes = branch_sizes(random.Random(total), total)
    assert sum(sizes) == total and all(20 <= s <= 80 for s in sizes)


def test_tree_paths_are_the_services_own(province):
    orgs = {o.pk: o for o in Organization.objects.all()}
    roots = [o for o in orgs.values() if o.parent_id is None]
    assert len(roots) == 2 and all(o.kind == OrgKind.COMMITTEE for o in roots)
    for org in orgs.values():
        parent = orgs.get(org.parent_id)
        assert org.path == f"{parent.path if parent else '/'}{org.pk:010d}/"
        assert org.depth == (parent.depth + 1 if parent else 0)
        assert org.root_id == (parent.root_id if parent else org.pk)
        if org.kind == OrgKind.GENERAL_BRANCH:
            assert parent.kind == OrgKind.COMMITTEE
    branch_parents = {orgs[o.parent_id].kind for o in orgs.values() if o.kind == OrgKind.BRANCH}
    assert branch_parents == {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH}
    for org in orgs.values():  # subtree queries by path find exactly the members below
        below = Member.objects.filter(branch__path__startswith=org.path).count()
        expected = sum(Member.objects.filter(branch=b).count() for b in orgs.values()
                       if b.kind == OrgKind.BRANCH and org.path in b.path)
        assert below == expected
    assert sum(Member.objects.filter(branch__path__startswith=r.path).count()
               for r in roots) == 300


def test_both_presets_one_locked_scheme_per_root(province):
    schemes = Scheme.objects.select_related("org")
    assert {s.preset for s in schemes} == set(PRESETS)
    assert all(s.org.parent_id is None and s.year == YEAR and s.is_locked for s in schemes)
    assert schemes.count() == Organization.objects.filter(parent=None).count()
    for scheme in schemes:  # the engine reads the stored definition back
        assert scheme.engine_scheme.key == scheme.preset


def test_entries_follow_their_scheme_and_the_members_months(province):
    items = {s.org_id: {i["code"]: i for i in s.definition["items"]}
             for s in Scheme.objects.all()}
    entries = list(Entry.objects.select_related("member", "scheme"))
    assert 300 * 4 <= len(entries) <= 300 * 7
    for e in entries:
        item = items[e.root_id][e.item_code]
        assert e.scheme.org_id == e.root_id == e.member.root_id
        assert e.branch_id == e.member.branch_id
        assert e.member.category in item["applies_to"]
        assert (e.item_title, e.item_category) == (item["title"], item["category"])
        assert e.item_min == Decimal(item["min"]) and e.item_max == Decimal(item["max"])
        assert e.item_min <= e.points <= e.item_max and e.points % Decimal("0.5") == 0
        assert e.needs_approval == item["needs_general_branch_approval"]
        assert e.occurred_on.year == e.year == YEAR
        assert e.occurred_on >= e.member.joined_on
        assert e.occurred_on.month in months_in_scope(e.member, YEAR)
        if e.source == Source.DECLARED:
            assert item["declarable"]


def test_states_are_realistic(province):
    states = Counter(Entry.objects.values_list("state", flat=True))
    assert set(states) == set(EntryState.values)
    assert 0.65 < states[EntryState.CONFIRMED] / sum(states.values()) < 0.85
    assert not Entry.objects.filter(state=EntryState.CONFIRMED, confirmed_at=None).exists()
    assert not Entry.objects.filter(state=EntryState.CONFIRMED, reviewed_by=None).exists()
    assert not Entry.objects.filter(state=EntryState.CONFIRMED, reviewed_at=None).exists()
    assert not Entry.objects.exclude(state=EntryState.CONFIRMED).exclude(
        confirmed_at=None).exists()
    assert not Entry.objects.filter(state=EntryState.DRAFT, evidence_required=False).exists()
    assert not Entry.objects.filter(state=EntryState.APPROVED, needs_approval=False).exists()
    assert not Entry.objects.filter(state=EntryState.REJECTED, review_note="").exists()
    assert Entry.objects.filter(source=Source.DECLARED).exists()


def test_publicity_windows_and_objections(province):
    in_window = Entry.objects.filter(state__in=[EntryState.PUBLICIZED, EntryState.DISPUTED])
    assert not in_window.filter(window=None).exists()
    assert not Entry.objects.exclude(state__in=[EntryState.PUBLICIZED, EntryState.DISPUTED]) \
        .exclude(window=None).exists()
    for e in in_window.select_related("window"):
        assert e.window.branch_id == e.branch_id and e.window.kind == WindowKind.ENTRIES
        assert e.window.closed_at is None and e.occurred_on < e.window.starts_on
    assert Window.objects.count() == in_window.values("branch").distinct().count()
    disputed = Entry.objects.filter(state=EntryState.DISPUTED)
    for e in disputed:
        objection = Objection.objects.get(entry=e)
        assert objection.is_pending and objection.raised_by.branch_id == e.branch_id
        assert objection.raised_by_id != e.member_id
    boards = Window.objects.exclude(board_token="")
    assert [w.branch for w in boards] == [first_branch()]


def test_public_board_of_the_first_branch_has_data(province, client):
    window = Window.objects.exclude(board_token="").get()
    assert window.entries.exists()
    response = client.get(f"/board/{window.board_token}/")
    assert response.status_code == 200
    assert window.entries.first().member.name in response.content.decode()


def test_vetoes_and_reversals_are_confirmed_and_rare(province):
    vetoes = Entry.objects.filter(item_category="veto")
    assert vetoes.exists() and vetoes.filter(state=EntryState.CONFIRMED).count() == vetoes.count()
    assert vetoes.values("member").distinct().count() < 0.03 * 300
    assert not vetoes.exclude(points=0).exists()
    reversals = Entry.objects.exclude(reverses=None).select_related("reverses")
    assert reversals.exists() and reversals.count() < 0.01 * Entry.objects.count()
    for r in reversals:
        target = r.reverses
        assert target.state == r.state == EntryState.CONFIRMED and target.reverses_id is None
        assert (target.member_id, target.item_code, target.points, target.occurred_on) == \
            (r.member_id, r.item_code, r.points, r.occurred_on)


def test_personas(province):
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["province_admin", "province_secretary", "province_member"])}
    assert len(users) == 3
    assert all(u.check_password("Jifen@2025demo") for u in users.values())
    assert all(not u.must_change_password for u in users.values())
    admin_roles = RoleAssignment.objects.filter(user=users["province_admin"])
    assert [(r.role, r.org.parent_id) for r in admin_roles] == [(Role.ORG_ADMIN, None)]
    assert admin_roles.get().org == Organization.objects.order_by("id").first()
    branch = first_branch()
    assert branch.kind == OrgKind.BRANCH
    assert branch.root == admin_roles.get().org
    assert Member.objects.get(user=users["province_member"]).branch == branch
    assert Member.objects.get(user=users["province_secretary"]).branch == branch


def test_engine_computes_the_first_branch(province):
    branch = first_branch()
    outcome = compute_branch(branch, YEAR)
    assert outcome is not None
    assert len(outcome.result.members) == branch.members.count()
    veto = Entry.objects.get(branch=branch, item_category="veto").member_id
    results = {int(r.id): r for r in outcome.result.members}
    assert results[veto].veto
    totals = sorted(r.total for r in outcome.result.members if not r.veto)
    base = Decimal(outcome.scheme.definition["base"])
    assert abs(totals[len(totals) // 2] - base) <= 10  # most members end near the base
    assert compute_branch(branch, YEAR, provisional=True) is not None


def snapshot() -> dict[str, list]:
    """The generated data without ids, users' hashes or creation times."""
    return {
        "orgs": sorted(Organization.objects.values_list(
            "name", "kind", "depth", "parent__name", "root__name", "ranking_visibility")),
        "members": sorted(Member.objects.values_list(
            "root__name", "staff_no", "name", "gender", "category", "status", "joined_on",
            "branch__name", "user__username")),
        "entries": sorted(Entry.objects.values_list(
            "root__name", "member__staff_no", "item_code", "points", "occurred_on", "state",
            "source", "reason", "reverses__item_code", "window__title", "reviewed_at",
            "confirmed_at")),
        "schemes": sorted(Scheme.objects.values_list("org__name", "preset")),
    }


def wipe() -> None:
    """Remove the generated rows in SQL (the ORM refuses: entries PROTECT each other)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in (Objection, Entry, Window, Placement, Member, RoleAssignment, Scheme,
                      Organization):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
    get_user_model().objects.filter(username__startswith="province_").delete()


def test_same_seed_same_data(db):
    generate()
    first = snapshot()
    wipe()
    generate()
    assert snapshot() == first
    wipe()
    generate(seed=2)
    assert snapshot()["members"] != first["members"]


def test_refuses_a_database_with_organizations(province):
    with pytest.raises(CommandError, match="已有党组织"):
        generate()
    assert Member.objects.count() == 300


def test_refuses_too_few_members(db):
    with pytest.raises(CommandError, match="至少"):
        generate(members=10)
    assert not Organization.objects.exists()


def test_reports_counts(db):
    out = generate(members=120, entries_per_member=2)
    assert "党员：120" in out and "台账记录" in out and "province_admin" in out
