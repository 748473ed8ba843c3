import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen import engine
from jifen.audit.models import AuditEntry
from jifen.core.errors import ConflictError
from jifen.schemes import editing, services
from jifen.schemes.queries import effective_scheme


def item(definition, code):
    return next(i for i in definition["items"] if i["code"] == code)


def test_reference_standard_from_preset_matches_the_engine_preset(reference, world):
    assert reference.engine_scheme == engine.load_preset("jining-2017")
    assert reference.is_reference and reference.parent is None
    assert effective_scheme(world.b1, 2025) == reference  # branches without their own use it
    assert effective_scheme(world.b1, 2026) is None


def test_a_branch_under_a_reference_must_derive_not_start_from_a_preset(reference, world):
    with pytest.raises(ConflictError, match="细化"):
        services.create_from_preset(actor=world.users["secretary"], org=world.b1, year=2025,
                                    preset="chuxiong-2019")


def test_one_scheme_per_org_and_year(reference, world):
    with pytest.raises(ConflictError):
        services.create_from_preset(actor=world.users["org_admin"], org=world.school,
                                    year=2025, preset="chuxiong-2019")


def test_secretary_derives_for_own_branch_only(reference, world):
    with pytest.raises(PermissionDenied):
        services.derive_scheme(actor=world.users["secretary"], org=world.b2, year=2025)
    child = services.derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    assert child.parent == reference and effective_scheme(world.b1, 2025) == child
    assert effective_scheme(world.b2, 2025) == reference


def test_widening_a_parents_range_or_cap_is_refused(reference, world):
    child = services.derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    wider = copy.deepcopy(child.definition)
    item(wider, "A-J04")["max"] = "6"
    with pytest.raises(ValidationError) as excinfo:
        services.update_definition(actor=world.users["secretary"], scheme=child,
                                   definition=wider, what="test")
    assert "A-J04" in " ".join(excinfo.value.messages)

    uncapped = copy.deepcopy(child.definition)
    item(uncapped, "A-J04")["cap_per_period"] = None
    with pytest.raises(ValidationError):
        services.update_definition(actor=world.users["secretary"], scheme=child,
                                   definition=uncapped, what="test")
    child.refresh_from_db()
    assert item(child.definition, "A-J04")["max"] == "5"


def test_changing_period_or_base_in_a_derived_scheme_is_refused(reference, world):
    child = services.derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    for key, value in [("base", "90"), ("period", "month")]:
        changed = copy.deepcopy(child.definition)
        changed[key] = value
        with pytest.raises(ValidationError):
            services.update_definition(actor=world.users["secretary"], scheme=child,
                                       definition=changed, what="test")


def test_narrowing_works_and_computes_with_the_childs_bounds(reference, world):
    child = services.derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    narrower = copy.deepcopy(child.definition)
    item(narrower, "A-J04").update(max="3", cap_per_period="3")
    child = services.update_definition(actor=world.users["secretary"], scheme=child,
                                       definition=narrower, what="收窄志愿服务")
    members = [engine.Member(id="m", category="teacher", group="b1")]

    def entry(points):
        return engine.Entry(member="m", item="A-J04", points=Decimal(points),
                            date=dt.date(2025, 3, 1), status="confirmed")

    with pytest.raises(engine.EngineError, match="A-J04"):
        engine.compute(child.engine_scheme, 2025, members, [entry("4")])
    result = engine.compute(child.engine_scheme, 2025, members, [entry("3"), entry("2")])
    assert result.members[0].total == Decimal("83.00")  # capped at the child's 3
    result = engine.compute(reference.engine_scheme, 2025, members, [entry("3"), entry("2")])
    assert result.members[0].total == Decimal("85.00")


def test_a_sub_item_may_be_added_within_its_category(reference, world):
    child = services.derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    fields = {"title": "参加学院义务导学", "category": "bonus", "min": Decimal(1),
              "max": Decimal(2), "cap_per_period": Decimal(4), "applies_to": ["teacher"]}
    child = services.update_definition(
        actor=world.users["secretary"], scheme=child,
        definition=editing.with_item(child.definition, "A-J04-1", fields), what="子项目")
    assert item(child.definition, "A-J04-1")["max"] == "2"


def test_parent_change_that_would_break_a_child_is_refused(reference, world):
    services.derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    narrower = copy.deepcopy(reference.definition)
    item(narrower, "A-J04").update(max="3", cap_per_period="3")
    with pytest.raises(ValidationError, match="计算机学院教工党支部"):
        services.update_definition(actor=world.users["org_admin"], scheme=reference,
                                   definition=narrower, what="收窄")


def test_a_self_contradicting_scheme_is_refused_with_the_part_named(reference, world):
    broken = copy.deepcopy(reference.definition)
    item(broken, "A-J01").update(min="4", max="2")
    with pytest.raises(ValidationError) as excinfo:
        services.update_definition(actor=world.users["org_admin"], scheme=reference,
                                   definition=broken, what="test")
    assert any("A-J01" in m for m in excinfo.value.messages)


def test_locked_scheme_keeps_its_arithmetic_but_texts_stay_editable(reference, world):
    services.lock_arithmetic(reference)
    retitled = copy.deepcopy(reference.definition)
    item(retitled, "A-J04")["title"] = "参加志愿服务"
    item(retitled, "A-J04")["description"] = "含社区、校园志愿服务"
    services.update_definition(actor=world.users["org_admin"], scheme=reference,
                               definition=retitled, what="改名")

    capped = copy.deepcopy(reference.definition)
    item(capped, "A-J04")["cap_per_period"] = "4"
    with pytest.raises(ConflictError, match="台账"):
        services.update_definition(actor=world.users["org_admin"], scheme=reference,
                                   definition=capped, what="test")
    reference.refresh_from_db()
    assert item(reference.definition, "A-J04") | {} == item(retitled, "A-J04")


def test_next_year_starts_as_an_unlocked_copy(reference, world):
    services.lock_arithmetic(reference)
    nxt = services.copy_to_next_year(actor=world.users["org_admin"], scheme=reference)
    assert (nxt.year, nxt.is_locked) == (2026, False)
    assert engine.scheme_to_dict(nxt.engine_scheme)["items"] == reference.definition["items"]


def test_import_refuses_a_widened_scheme_under_a_reference(reference, world):
    wide = copy.deepcopy(reference.definition)
    item(wide, "A-K01")["max"] = "9"
    with pytest.raises(ValidationError):
        services.import_scheme(actor=world.users["secretary"], org=world.b1, year=2025,
                               definition=wide)


def test_every_change_is_audited_with_before_and_after(reference, world):
    services.update_definition(
        actor=world.users["org_admin"], scheme=reference,
        definition=editing.with_category(reference.definition, "bonus", title="加分项目",
                                         cap=Decimal(20)),
        what="类别 bonus")
    entry = AuditEntry.objects.filter(action="schemes.scheme.updated").get()
    assert entry.data["after"]["categories"][1]["cap_per_period"] == "20"
    assert entry.data["before"]["categories"][1]["cap_per_period"] is None
