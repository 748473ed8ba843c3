"""Creating, deriving, importing, editing and copying scoring schemes.

Every change is validated by the engine (a scheme that contradicts itself is refused), checked to
refine its parent and to stay refined by its children, and refused when it would change the
arithmetic of a scheme whose ledger entries already exist.
"""

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from jifen import engine
from jifen.audit.services import log_action
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org.models import Organization
from jifen.schemes.models import Scheme
from jifen.schemes.permissions import can_manage_scheme
from jifen.schemes.queries import ancestor_scheme, arithmetic_of


def _check_engine(definition: dict) -> engine.Scheme:
    try:
        return engine.scheme_from_dict(definition)
    except engine.EngineError as e:
        raise ValidationError({"definition": e.problems}) from e


def _check_refines(parent: Scheme | None, child: engine.Scheme, org: Organization) -> None:
    if parent is None:
        return
    problems = engine.check_refinement(parent.engine_scheme, child)
    if problems:
        raise ValidationError({"definition": [
            f"{org.name}的方案不能超出{parent.org.name}方案的范围：{p}" for p in problems
        ]})


def _require_manager(actor, org: Organization) -> None:
    if not can_manage_scheme(actor, org):
        raise PermissionDenied("您无权管理该组织的计分方案。")


def _create(*, actor, org, year, definition, parent, preset, action) -> Scheme:
    _require_manager(actor, org)
    checked = _check_engine(definition)
    _check_refines(parent, checked, org)
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(org=org, year=year, parent=parent, preset=preset,
                                           definition=engine.scheme_to_dict(checked))
    except IntegrityError as e:
        raise ConflictError(f"{org.name}已有 {year} 年的计分方案。") from e
    log_action(action, actor=actor, obj=scheme, org=org,
               data={"year": year, "preset": preset, "parent": parent and parent.pk})
    return scheme


@transaction.atomic
def create_from_preset(*, actor, org: Organization, year: int, preset: str) -> Scheme:
    """Start a scheme from one of the two regulations' presets."""
    if preset not in engine.PRESET_KEYS:
        raise ValidationError({"preset": f"没有名为 {preset} 的预设方案。"})
    parent = ancestor_scheme(org, year)
    if parent is not None:
        raise ConflictError(
            f"{parent.org.name}已有 {year} 年的方案，{org.name}只能在其基础上细化（派生）。"
        )
    definition = engine.scheme_to_dict(engine.load_preset(preset))
    return _create(actor=actor, org=org, year=year, definition=definition, parent=None,
                   preset=preset, action="schemes.scheme.created")


@transaction.atomic
def derive_scheme(*, actor, org: Organization, year: int) -> Scheme:
    """A refined scheme for a branch or general branch, starting as a copy of the ancestor's."""
    parent = ancestor_scheme(org, year)
    if parent is None:
        raise ConflictError(f"上级组织还没有 {year} 年的计分方案，无法派生。")
    definition = copy.deepcopy(parent.definition)
    definition["title"] = f"{org.name}{year}年细化计分方案"
    return _create(actor=actor, org=org, year=year, definition=definition, parent=parent,
                   preset=parent.preset, action="schemes.scheme.derived")


@transaction.atomic
def import_scheme(*, actor, org: Organization, year: int, definition: dict) -> Scheme:
    """A scheme from its JSON form; under an ancestor's scheme it must refine it."""
    if not isinstance(definition, dict):
        raise ValidationError({"definition": "方案文件应为一个 JSON 对象。"})
    return _create(actor=actor, org=org, year=year, definition=definition,
                   parent=ancestor_scheme(org, year), preset="",
                   action="schemes.scheme.imported")


@transaction.atomic
def update_definition(*, actor, scheme: Scheme, definition: dict, what: str) -> Scheme:
    """Replace a scheme's definition after every check; `what` names the change for the log."""
    scheme = (Scheme.objects.select_for_update(of=("self",))
              .select_related("org", "parent__org").get(pk=scheme.pk))
    _require_manager(actor, scheme.org)
    checked = _check_engine(definition)
    new_definition = engine.scheme_to_dict(checked)
    if scheme.is_locked and arithmetic_of(new_definition) != arithmetic_of(scheme.definition):
        raise ConflictError(
            "该方案已有台账记录，分值范围、上限、类别和评定规则不能再修改（只能修改名称和说明）。"
            "如需调整，请在下一年度的方案中修改。"
        )
    _check_refines(scheme.parent, checked, scheme.org)
    for child in scheme.children.select_related("org"):
        problems = engine.check_refinement(checked, child.engine_scheme)
        if problems:
            raise ValidationError({"definition": [
                f"修改后{child.org.name}的细化方案将超出范围：{p}" for p in problems
            ]})
    before = scheme.definition
    scheme.definition = new_definition
    scheme.save(update_fields=["definition", "updated_at"])
    scheme.__dict__.pop("engine_scheme", None)
    old, new = _diff(before, new_definition)
    log_action("schemes.scheme.updated", actor=actor, obj=scheme, org=scheme.org,
               data={"what": what, "before": old, "after": new})
    return scheme


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    """The top-level parts that changed, items by code: small enough for the audit row."""
    old, new = {}, {}
    for key in sorted(set(before) | set(after)):
        if key == "items":
            old_items = {i["code"]: i for i in before.get("items", [])}
            new_items = {i["code"]: i for i in after.get("items", [])}
            for code in sorted(set(old_items) | set(new_items)):
                if old_items.get(code) != new_items.get(code):
                    old[f"items[{code}]"] = old_items.get(code)
                    new[f"items[{code}]"] = new_items.get(code)
        elif before.get(key) != after.get(key):
            old[key], new[key] = before.get(key), after.get(key)
    return old, new


@transaction.atomic
def copy_to_next_year(*, actor, scheme: Scheme) -> Scheme:
    """Next year's scheme starts as a copy of this one (unlocked, ready to adjust)."""
    year = scheme.year + 1
    definition = copy.deepcopy(scheme.definition)
    definition["title"] = definition.get("title", "").replace(str(scheme.year), str(year))
    return _create(actor=actor, org=scheme.org, year=year, definition=definition,
                   parent=ancestor_scheme(scheme.org, year), preset=scheme.preset,
                   action="schemes.scheme.copied")


def lock_arithmetic(scheme: Scheme) -> None:
    """Called by the ledger when the first entry uses the scheme; idempotent, no audit of its own
    (the entry's creation is the audited event)."""
    if scheme.arithmetic_locked_at is None:
        Scheme.objects.filter(pk=scheme.pk, arithmetic_locked_at__isnull=True).update(
            arithmetic_locked_at=clock.now()
        )
        scheme.arithmetic_locked_at = clock.now()
