"""`jifen recompute` (set-based) gives exactly what the engine gives, on random ledgers."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jifen.engine.plan import plan_for
from jifen.org.enums import ExemptionState, MemberCategory, OrgKind
from jifen.org.models import Exemption, Member
from jifen.schemes.models import Scheme
from jifen.scoring.bulk import RecomputeBusy, recompute, recompute_lock
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.models import Entry, OrgStat, Score
from jifen.scoring.scores import compute_branch, refresh_branch_scores
from jifen.testing.factories import UserFactory, make_member, make_org

YEAR = 2026
STATES = [s.value for s in EntryState]
FIELDS = ("total", "components", "months", "veto", "rank", "ranked", "grade", "flags")


def engine_rows(branch) -> dict[int, dict]:
    """What the engine says about every member of a branch, in the stored form."""
    outcome = compute_branch(branch, YEAR)
    rows = {}
    for r in outcome.result.members:
        rows[int(r.id)] = {
            "total": r.total, "veto": r.veto, "rank": r.rank, "ranked": r.ranked,
            "grade": r.grade, "flags": list(r.flags),
            "components": {k: f"{v:.2f}" for k, v in r.components.items()}
            if r.components else None,
            "months": {str(k): f"{v:.2f}" for k, v in r.months.items()} if r.months else None,
        }
    return rows


def stored_rows(branch) -> dict[int, dict]:
    return {row["member_id"]: {f: row[f] for f in FIELDS}
            for row in Score.objects.filter(branch=branch, year=YEAR).values("member_id", *FIELDS)}


# --- random ledgers -----------------------------------------------------------------------------

member_st = st.fixed_dictionaries({
    "category": st.sampled_from([MemberCategory.TEACHER, MemberCategory.STUDENT]),
    "joined": st.one_of(st.just(dt.date(2010, 5, 1)),
                        st.dates(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)),
                        st.just(dt.date(YEAR + 1, 2, 1))),
    "exempt": st.sampled_from([False] * 9 + [True]),
})
entry_st = st.fixed_dictionaries({
    "member": st.integers(0, 50), "item": st.integers(0, 10_000),
    "points": st.integers(0, 10_000), "day": st.integers(0, 364),
    "state": st.sampled_from(STATES + [EntryState.CONFIRMED] * 8),
    "reversal": st.sampled_from([None] * 8 + STATES),
})
ledger_st = st.fixed_dictionaries({
    "preset": st.sampled_from(["jining-2017", "chuxiong-2019"]),
    "branches": st.lists(st.lists(member_st, min_size=0, max_size=6), min_size=1, max_size=3),
    "entries": st.lists(entry_st, max_size=60),
})


def _points(item, raw: int) -> Decimal:
    steps = int((item.max - item.min) * 2)
    # the edges and caps matter most: half of the picks land on the minimum or the maximum
    pick = [0, steps, raw % (steps + 1)][raw % 3] if steps else 0
    return item.min + Decimal(pick) / 2


def build(data) -> list:
    school = make_org("随机党委", OrgKind.COMMITTEE)
    general = make_org("随机总支", OrgKind.GENERAL_BRANCH, school)
    Scheme.objects.create(org=school, year=YEAR, preset=data["preset"],
                          definition=_preset_definition(data["preset"]))
    scheme = Scheme.objects.get(org=school, year=YEAR)
    plan = plan_for(scheme.engine_scheme)
    user = UserFactory()
    branches, members = [], []
    for index, specs in enumerate(data["branches"]):
        branch = make_org(f"随机支部{index}", OrgKind.BRANCH, general if index % 2 else school)
        branches.append(branch)
        for spec in specs:
            member = make_member(branch, category=spec["category"])
            Member.objects.filter(pk=member.pk).update(joined_on=spec["joined"])
            member.joined_on = spec["joined"]
            if spec["exempt"]:
                Exemption.objects.create(member=member, year=YEAR, reason="随机",
                                         state=ExemptionState.APPROVED, proposed_by=user)
            members.append((member, spec))
    scored = [(m, s) for m, s in members
              if s["joined"].year <= YEAR and not s["exempt"]]
    for spec in data["entries"]:
        if not scored:
            break
        member, mspec = scored[spec["member"] % len(scored)]
        items = plan.items_for[member.category]
        code = sorted(items)[spec["item"] % len(items)]
        item = items[code]
        first = mspec["joined"] if mspec["joined"].year == YEAR else dt.date(YEAR, 1, 1)
        if plan.monthly:
            first = first.replace(day=1)
        when = first + dt.timedelta(days=spec["day"] % ((dt.date(YEAR, 12, 31) - first).days + 1))
        entry = _entry(member, scheme, item, _points(item, spec["points"]), when,
                       spec["state"], user)
        if spec["reversal"] and entry.state == EntryState.CONFIRMED:
            _entry(member, scheme, item, entry.points, when, spec["reversal"], user,
                   reverses=entry)
    return branches


def _preset_definition(key: str) -> dict:
    from jifen.engine import preset_dicts

    return next(d for d in preset_dicts() if d["key"] == key)


def _entry(member, scheme, item, points, when, state, user, reverses=None) -> Entry:
    return Entry.objects.create(
        member=member, branch=member.branch, root_id=member.root_id, scheme=scheme, year=YEAR,
        item_code=item.code, item_title=item.item.title, item_category=item.category,
        item_min=item.min, item_max=item.max, points=points, occurred_on=when, reason="随机",
        source=Source.RECORDED, state=state, reverses=reverses, created_by=user)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=ledger_st)
def test_bulk_recompute_equals_the_engine(data):
    with transaction.atomic():
        branches = build(data)
        recompute(YEAR)
        for branch in branches:
            assert stored_rows(branch) == engine_rows(branch)
        transaction.set_rollback(True)


# --- the command and its guarantees ------------------------------------------------------------


@pytest.fixture
def two_schools(db):
    data = {"preset": "jining-2017", "branches": [[{"category": "teacher",
            "joined": dt.date(2010, 1, 1), "exempt": False}] * 3] * 2,
            "entries": [{"member": i, "item": i * 7, "points": i * 13, "day": i * 31,
                         "state": "confirmed", "reversal": None} for i in range(12)]}
    first = build(data)
    second = build({**data, "preset": "chuxiong-2019"})
    return first, second


def test_recompute_matches_the_per_branch_refresh(two_schools):
    for branch in [*two_schools[0], *two_schools[1]]:
        refresh_branch_scores(branch, YEAR)
    before = {b.pk: stored_rows(b) for b in [*two_schools[0], *two_schools[1]]}
    stats = {s.org_id: (s.branches, s.members, s.ranked, s.total_sum, s.grades, s.flags)
             for s in OrgStat.objects.all()}
    assert len(stats) == 8  # four branches, two general branches, two schools
    Score.objects.all().delete()
    OrgStat.objects.all().delete()
    call_command("recompute", year=YEAR)
    assert {b.pk: stored_rows(b) for b in [*two_schools[0], *two_schools[1]]} == before
    assert {s.org_id: (s.branches, s.members, s.ranked, s.total_sum, s.grades, s.flags)
            for s in OrgStat.objects.all()} == stats
    assert Score.objects.filter(explain=[]).count() == Score.objects.count()
    assert set(Score.objects.values_list("root_id", flat=True)) == {
        b.root_id for b in [*two_schools[0], *two_schools[1]]}


def test_recompute_of_a_subtree_leaves_the_rest_alone(two_schools):
    first, second = two_schools
    call_command("recompute", year=YEAR, org=first[0].root_id)
    assert Score.objects.filter(branch__in=first).count() == 6
    assert not Score.objects.filter(branch__in=second).exists()


def test_recompute_removes_scores_of_members_who_left_the_scope(two_schools):
    first, _ = two_schools
    call_command("recompute", year=YEAR)
    gone = Member.objects.filter(branch=first[0]).first()
    Member.objects.filter(pk=gone.pk).update(joined_on=dt.date(YEAR + 1, 3, 1))
    call_command("recompute", year=YEAR)
    assert not Score.objects.filter(member=gone).exists()
    assert Score.objects.get(member__branch=first[0], rank=1).ranked == 2


def test_a_score_rewritten_during_the_run_is_not_overwritten(two_schools):
    """The live path (a confirmation) is newer than the recomputation's snapshot."""
    first, _ = two_schools
    call_command("recompute", year=YEAR)
    score = Score.objects.filter(branch=first[0]).first()
    later = score.computed_at + dt.timedelta(days=1)
    Score.objects.filter(pk=score.pk).update(computed_at=later, grade="live")
    call_command("recompute", year=YEAR)
    assert Score.objects.get(pk=score.pk).grade == "live"


def test_the_command_refuses_an_unknown_org_and_a_bad_chunk(db):
    with pytest.raises(CommandError, match="--org"):
        call_command("recompute", year=YEAR, org=999999)
    with pytest.raises(CommandError, match="--chunk"):
        call_command("recompute", year=YEAR, chunk=0)


def test_a_scheme_in_hundredths_is_left_to_the_engine(db):
    """The SQL counts whole tenths; a base of 80.05 is scored branch by branch by the engine."""
    data = {"preset": "jining-2017", "branches": [[{"category": "teacher",
            "joined": dt.date(2010, 1, 1), "exempt": False}] * 3],
            "entries": [{"member": i, "item": i * 7, "points": i * 13, "day": i * 31,
                         "state": "confirmed", "reversal": None} for i in range(6)]}
    [branch] = build(data)
    scheme = Scheme.objects.get(org=branch.root)
    scheme.definition = {**scheme.definition, "base": "80.05"}
    scheme.save()
    outcome = recompute(YEAR)
    assert (outcome.engine_branches, outcome.members) == (1, 0)
    assert stored_rows(branch) == engine_rows(branch)
    assert {r["total"] for r in stored_rows(branch).values()} and all(
        r["total"] % Decimal("0.1") for r in stored_rows(branch).values())


def test_an_installation_without_schemes_has_nothing_to_recompute(db):
    make_org("没有方案的党委", OrgKind.COMMITTEE)
    outcome = recompute(YEAR)
    assert (outcome.members, outcome.schemes) == (0, 0)
    assert not Score.objects.exists()


def test_small_chunks_give_the_same_scores(two_schools):
    call_command("recompute", year=YEAR)
    before = list(Score.objects.order_by("member_id").values("member_id", *FIELDS))
    Score.objects.all().delete()
    call_command("recompute", year=YEAR, chunk=2)
    assert list(Score.objects.order_by("member_id").values("member_id", *FIELDS)) == before


@pytest.mark.django_db(transaction=True)
def test_two_recomputations_cannot_run_at_once():
    """The lock is held by another connection (another machine, on PostgreSQL)."""
    held, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold():
        try:
            with recompute_lock():
                held.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert held.wait(10)
        with pytest.raises(RecomputeBusy):
            recompute(YEAR)
        with pytest.raises(CommandError, match="另一个积分重算任务正在进行"):
            call_command("recompute", year=YEAR)
    finally:
        release.set()
        worker.join(10)
    assert done.is_set()
    recompute(YEAR)  # free again


def test_the_member_page_explains_a_bulk_score(two_schools, client):
    from jifen.scoring.standing import official_explain

    call_command("recompute", year=YEAR)
    score = Score.objects.filter(branch=two_schools[0][0]).first()
    lines = official_explain(score)
    assert lines[0].startswith("基础分")
    assert any(line.startswith("总分") for line in lines)
    # kept on the row: the next reader does not compute the branch again
    assert Score.objects.get(pk=score.pk).explain == lines
