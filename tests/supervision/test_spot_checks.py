"""Random spot checks (随机抽查): a reproducible sample, results recorded once, all audited."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jifen.audit.models import AuditEntry
from jifen.core.errors import ConflictError
from jifen.supervision import sampling, services
from jifen.supervision.enums import CheckResult
from jifen.supervision.models import SpotCheck, SpotCheckItem
from jifen.testing.factories import make_member
from tests.ledger import YEAR, day, record
from tests.supervision.support import confirm, confirmed_in_b1, spot_check

pytestmark = pytest.mark.django_db


def drawn(check) -> list[int]:
    return list(check.items.order_by("position").values_list("entry_id", flat=True))


# --- the sample ------------------------------------------------------------------------------

@given(ids=st.sets(st.integers(min_value=1, max_value=10**6), max_size=60),
       seed=st.integers(min_value=0, max_value=sampling.MAX_SEED),
       size=st.integers(min_value=1, max_value=80))
def test_the_sample_depends_only_on_the_seed_and_the_ids(ids, seed, size):
    shuffled = list(ids)
    random.Random(seed).shuffle(shuffled)

    sample = sampling.draw(ids, seed=seed, size=size)

    assert sample == sampling.draw(shuffled, seed=seed, size=size)
    assert len(sample) == len(set(sample)) == min(size, len(ids))
    assert set(sample) <= ids
    assert sampling.digest(ids) == sampling.digest(shuffled)


def test_entries_added_later_never_reshuffle_the_ones_drawn_before():
    before = sampling.draw(range(1, 101), seed=7, size=100)
    after = sampling.draw(range(1, 121), seed=7, size=120)

    assert [i for i in after if i <= 100] == before


def test_same_seed_same_scope_same_data_draws_the_same_sample(ledger):
    confirmed_in_b1(ledger, count=12)

    first = spot_check(ledger, size=5, seed=20260415)
    again = spot_check(ledger, size=5, seed=20260415, actor="reviewer")
    other = spot_check(ledger, size=5, seed=20260416)

    assert drawn(first) == drawn(again)
    assert len(drawn(first)) == 5
    assert drawn(other) != drawn(first)
    assert first.population_digest == again.population_digest
    assert (first.population, first.seed) == (12, 20260415)


def test_a_changed_population_shows_in_its_digest(ledger):
    confirmed_in_b1(ledger, count=3)
    first = spot_check(ledger, size=2, seed=5)
    confirmed_in_b1(ledger, count=1)

    assert services.population_digest(ledger.b1, YEAR) != first.population_digest


def test_the_sample_takes_confirmed_entries_of_the_subtree_and_year_only(ledger):
    entries = confirmed_in_b1(ledger, count=3)
    record(ledger)  # submitted, not confirmed

    check = spot_check(ledger, org=ledger.school, size=50)

    assert sorted(drawn(check)) == sorted(e.pk for e in entries)
    assert (check.size, check.population) == (50, 3)
    with pytest.raises(ConflictError, match="还没有已认定的记录"):
        spot_check(ledger, org=ledger.b2)


def test_without_a_seed_a_fresh_one_is_chosen_and_stored(ledger):
    confirmed_in_b1(ledger)

    check = services.draw_spot_check(actor=ledger.users["org_admin"], org=ledger.b1, year=YEAR,
                                     size=1)

    assert 1 <= check.seed <= 999_999_999
    audit = AuditEntry.objects.get(action="supervision.spot_check.drawn")
    assert audit.data["seed"] == check.seed and audit.data["entries"] == drawn(check)
    assert (audit.actor, audit.org_id) == (ledger.users["org_admin"], ledger.b1.pk)


@pytest.mark.parametrize(("size", "seed", "field"), [(0, None, "size"), (201, None, "size"),
                                                     (5, -1, "seed")])
def test_bad_sizes_and_seeds_are_refused(ledger, size, seed, field):
    confirmed_in_b1(ledger)

    with pytest.raises(ValidationError) as error:
        spot_check(ledger, size=size, seed=seed)

    assert list(error.value.message_dict) == [field]
    assert not SpotCheck.objects.exists()


def test_only_supervisors_draw(ledger):
    confirmed_in_b1(ledger)

    with pytest.raises(PermissionDenied):
        spot_check(ledger, actor="secretary")
    with pytest.raises(PermissionDenied):  # the general branch's reviewer: not the whole school
        spot_check(ledger, org=ledger.school, actor="reviewer")


# --- results ---------------------------------------------------------------------------------

def test_a_result_is_recorded_once_with_who_and_when_and_audited(ledger):
    confirmed_in_b1(ledger)
    item = spot_check(ledger).items.get()

    services.record_check_result(actor=ledger.users["reviewer"], item=item,
                                 result=CheckResult.PROBLEM, note="签到表与活动日期不符")

    item.refresh_from_db()
    assert (item.result, item.note, item.checked_by) == (
        "problem", "签到表与活动日期不符", ledger.users["reviewer"])
    assert item.checked_at is not None
    audit = AuditEntry.objects.get(action="supervision.spot_check.checked")
    assert audit.data == {"item": item.pk, "entry": item.entry_id, "before": "pending",
                          "after": "problem", "note": "签到表与活动日期不符"}
    with pytest.raises(ConflictError, match="不能更改"):
        services.record_check_result(actor=ledger.users["org_admin"], item=item,
                                     result=CheckResult.FINE)


@pytest.mark.parametrize(("result", "note", "field"), [("problem", " ", "note"),
                                                       ("pending", "", "result"),
                                                       ("maybe", "", "result")])
def test_a_problem_needs_a_note_and_a_result_must_be_a_verdict(ledger, result, note, field):
    confirmed_in_b1(ledger)
    item = spot_check(ledger).items.get()

    with pytest.raises(ValidationError) as error:
        services.record_check_result(actor=ledger.users["org_admin"], item=item, result=result,
                                     note=note)

    assert list(error.value.message_dict) == [field]
    assert SpotCheckItem.objects.get(pk=item.pk).result == "pending"


def test_nobody_checks_an_entry_about_themself_or_one_they_recorded_or_reviewed(ledger):
    make_member(ledger.b1, name="审核人本人", user=ledger.users["reviewer"])
    about_reviewer = record(ledger, member=ledger.users["reviewer"].member, when=day(1, 1))
    confirm(ledger, [about_reviewer])
    item = spot_check(ledger).items.get()

    with pytest.raises(ConflictError, match="四眼原则"):
        services.record_check_result(actor=ledger.users["reviewer"], item=item,
                                     result=CheckResult.FINE)
    services.record_check_result(actor=ledger.users["org_admin"], item=item,
                                 result=CheckResult.FINE)
    assert not services.is_party_to(ledger.users["org_admin"], item.entry)
    assert services.is_party_to(ledger.users["committee"], item.entry)  # reviewed it
    assert services.is_party_to(ledger.users["recorder"], item.entry)  # recorded it


# --- the pages -------------------------------------------------------------------------------

def test_draw_on_the_page_then_record_a_result(ledger, client_for):
    entries = confirmed_in_b1(ledger, count=4)
    client = client_for(ledger.users["org_admin"])

    response = client.post("/supervision/spot-checks/new/", {
        "org": ledger.general.pk, "year": YEAR, "size": 3, "seed": 77, "note": "第三季度抽查"},
        follow=True)

    check = SpotCheck.objects.get()
    page = response.content.decode()
    assert response.redirect_chain == [(f"/supervision/spot-checks/{check.pk}/", 302)]
    assert "已抽取 3 条记录，随机种子 77。" in page and "第三季度抽查" in page
    assert drawn(check) == sampling.draw([e.pk for e in entries], seed=77, size=3)
    assert "用同一种子重新抽取将得到同样的记录" in page
    item = check.items.get(position=1)

    response = client.post(f"/supervision/spot-checks/{check.pk}/items/{item.pk}/",
                           {f"i{item.pk}-result": "fine", f"i{item.pk}-note": "材料齐全"},
                           follow=True)

    assert "第 1 条的核查结果已记录。" in response.content.decode()
    assert SpotCheckItem.objects.get(pk=item.pk).result == "fine"
    listing = client.get("/supervision/spot-checks/").content.decode()
    assert "77" in listing and "1/3" in listing and "第三季度抽查" in listing


def test_drawing_from_an_empty_scope_shows_the_reason_on_the_form(ledger, client_for):
    response = client_for(ledger.users["org_admin"]).post(
        "/supervision/spot-checks/new/", {"org": ledger.b2.pk, "year": YEAR, "size": 3})

    assert response.status_code == 200
    assert "还没有已认定的记录，无从抽查" in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_the_draw_form_offers_only_the_supervised_subtree(ledger, client_for):
    page = client_for(ledger.users["reviewer"]).get(
        "/supervision/spot-checks/new/").content.decode()

    assert ledger.general.name in page and ledger.b2.name in page
    assert ledger.school.name not in page and ledger.b3.name not in page


# --- the API ---------------------------------------------------------------------------------

def test_the_api_draws_lists_shows_and_records(ledger, api_client):
    entries = confirmed_in_b1(ledger, count=4)
    call = api_client(ledger.users["reviewer"])

    status, check = call("post", "/spot-checks", {"org_id": ledger.general.pk, "year": YEAR,
                                                  "size": 2, "seed": 9})
    assert status == 201
    assert [i["entry_id"] for i in check["items"]] == sampling.draw(
        [e.pk for e in entries], seed=9, size=2)
    assert (check["seed"], check["population"]) == (9, 4)
    item = check["items"][0]

    status, body = call("post", f"/spot-checks/{check['id']}/items/{item['id']}",
                        {"result": "problem", "note": "无证明材料"})
    assert (status, body["result"], body["checked_by"]) == (
        200, "problem", ledger.users["reviewer"].pk)
    assert call("post", f"/spot-checks/{check['id']}/items/{item['id']}",
                {"result": "fine"})[0] == 409
    status, body = call("post", f"/spot-checks/{check['id']}/items/{check['items'][1]['id']}",
                        {"result": "problem"})
    assert (status, body["errors"][0]["field"]) == (400, "note")

    status, listing = call("get", f"/spot-checks?org_id={ledger.general.pk}")
    assert status == 200 and listing["count"] == 1
    assert (listing["items"][0]["checked"], listing["items"][0]["problems"]) == (1, 1)
    status, shown = call("get", f"/spot-checks/{check['id']}")
    assert [i["result"] for i in shown["items"]] == ["problem", "pending"]


def test_the_api_answers_404_for_a_check_outside_the_subtree(ledger, api_client):
    confirmed_in_b1(ledger)
    check = spot_check(ledger, org=ledger.school)

    assert api_client(ledger.users["reviewer"])("get", f"/spot-checks/{check.pk}")[0] == 404
    assert api_client(ledger.users["org_admin"])("get", f"/spot-checks/{check.pk}")[0] == 200
    assert api_client(ledger.users["reviewer"])("post", "/spot-checks", {
        "org_id": ledger.far.pk, "year": YEAR, "size": 1})[0] == 404
