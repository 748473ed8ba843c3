"""Properties that hold for every ledger (Hypothesis): caps, floor, veto, monotony, order,
ranking, exempt members and reversals."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jifen.engine import Entry, Member, compute, load_preset

from .support import PRESETS, YEAR, entry_for, ledgers, plain_result, points_between

JINING = load_preset("jining-2017")
ENTRY_LINE = re.compile(r" \(\d{4}-\d{2}-\d{2}\)$")

PROPERTY = settings(max_examples=60, deadline=None)

ANY_LEDGER = PRESETS.flatmap(ledgers)


def _by_id(result):
    return {m.id: m for m in result.members}


@PROPERTY
@given(st.sampled_from([i for i in JINING.items if i.cap_per_period]), st.data())
def test_item_caps_are_never_exceeded(item, data):
    member = Member("m", item.applies_to[0], "一支部")
    entries = [
        dataclasses.replace(data.draw(entry_for(JINING, member)), item=item.code, points=points)
        for points in data.draw(st.lists(points_between(item.min, item.max), max_size=8))
    ]

    result = compute(JINING, YEAR, [member], entries).members[0]

    assert abs(result.components[item.category]) <= item.cap_per_period


@PROPERTY
@given(ledgers("chuxiong-2019"))
def test_category_caps_are_never_exceeded_in_any_month(ledger):
    scheme, people, entries = ledger

    for member in compute(scheme, YEAR, people, entries).members:
        periods = len(member.months)
        assert member.components["commendation"] <= 15 * periods
        assert member.components["performance"] + member.components["commendation"] <= 35 * periods
        assert all(Decimal(0) <= total <= 60 + 35 for total in member.months.values())


@PROPERTY
@given(PRESETS.flatmap(lambda key: ledgers(key, signs=("+", "-", "veto"))))
def test_veto_means_total_zero_and_totals_never_fall_below_the_floor(ledger):
    scheme, people, entries = ledger
    vetoed = {e.member for e in entries if scheme.item(e.item).category == "veto"}

    for member in compute(scheme, YEAR, people, entries).members:
        assert member.veto == (member.id in vetoed)
        if member.veto:
            assert member.total == 0
            assert "veto" in member.flags
        else:
            assert member.total >= scheme.floor


@PROPERTY
@given(
    st.sampled_from(("+", "-")).flatmap(lambda sign: st.tuples(st.just(sign), ANY_LEDGER)),
    st.data(),
)
def test_a_bonus_never_lowers_and_a_deduction_never_raises_a_total(signed_ledger, data):
    sign, (scheme, people, entries) = signed_ledger
    member = data.draw(st.sampled_from(people))
    extra = data.draw(entry_for(scheme, member, signs=(sign,)))

    before = _by_id(compute(scheme, YEAR, people, entries))[member.id].total
    after = _by_id(compute(scheme, YEAR, people, [*entries, extra]))[member.id].total

    assert after >= before if sign == "+" else after <= before


@PROPERTY
@given(ANY_LEDGER, st.randoms())
def test_entry_order_does_not_matter(ledger, random):
    scheme, people, entries = ledger
    shuffled = list(entries)
    random.shuffle(shuffled)

    assert plain_result(compute(scheme, YEAR, people, shuffled)) == plain_result(
        compute(scheme, YEAR, people, entries)
    )


@PROPERTY
@given(ANY_LEDGER)
def test_ties_share_a_rank_and_rank_is_one_plus_those_above(ledger):
    scheme, people, entries = ledger
    results = compute(scheme, YEAR, people, entries).members
    groups = {m.id: m.group for m in people}

    for member in results:
        peers = [o for o in results if groups[o.id] == groups[member.id]]
        above = sum(1 for o in peers if o.total > member.total)
        assert member.rank == 1 + above
        assert member.ranked == len(peers)
        assert all(o.rank == member.rank for o in peers if o.total == member.total)


@PROPERTY
@given(ANY_LEDGER, st.lists(st.sampled_from(("一支部", "二支部")), min_size=1, max_size=4))
def test_exempt_members_never_change_the_ranks_of_others(ledger, exempt_groups):
    scheme, people, entries = ledger
    exempt = [
        Member(f"x{n}", "teacher", group, exempt=True) for n, group in enumerate(exempt_groups)
    ]

    alone = compute(scheme, YEAR, people, entries)
    together = compute(scheme, YEAR, [*exempt, *people], entries)

    ranks = {m.id: (m.rank, m.ranked, m.grade, m.flags) for m in together.members}
    assert all(ranks[m.id] == (m.rank, m.ranked, m.grade, m.flags) for m in alone.members)
    assert all(ranks[x.id][0] is None and ranks[x.id][2] == "exempt" for x in exempt)


@PROPERTY
@given(ANY_LEDGER, st.data())
def test_a_reversed_entry_is_as_if_it_never_existed(ledger, data):
    scheme, people, entries = ledger
    member = data.draw(st.sampled_from(people))
    extra = data.draw(entry_for(scheme, member, signs=("+", "-", "veto")))
    reversal = dataclasses.replace(extra, reverses=len(entries))

    reversed_result = compute(scheme, YEAR, people, [*entries, extra, reversal])

    assert plain_result(reversed_result) == plain_result(compute(scheme, YEAR, people, entries))


@PROPERTY
@given(PRESETS.flatmap(lambda key: ledgers(key, statuses=("draft", "submitted", "rejected"))))
def test_entries_that_are_not_confirmed_change_nothing(ledger):
    scheme, people, entries = ledger

    assert plain_result(compute(scheme, YEAR, people, entries)) == plain_result(
        compute(scheme, YEAR, people, [])
    )


@PROPERTY
@given(ANY_LEDGER)
def test_every_member_gets_an_explanation_starting_with_the_base(ledger):
    scheme, people, entries = ledger

    for member in compute(scheme, YEAR, people, entries).members:
        entry_lines = [line for line in member.explain if ENTRY_LINE.search(line)]
        assert member.explain[0].startswith("基础分")
        assert len(entry_lines) == sum(1 for e in entries if e.member == member.id)
        assert member.explain[-1].startswith(("等级", "标记"))


def test_entry_and_member_types_are_frozen():
    entry = Entry("m", "A-J01", Decimal(1), None, "confirmed")  # type: ignore[arg-type]

    try:
        entry.points = Decimal(2)  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        return
    raise AssertionError("Entry must be frozen")
