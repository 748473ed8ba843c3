"""The two state changes of supervision: drawing a spot check and recording a check's result.

Each runs in one transaction with its audit row; a refusal raises PermissionDenied (403),
ValidationError (400) or ConflictError (409) and changes nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.org import permissions as org_perm
from jifen.org.models import Organization
from jifen.scoring.enums import EntryState
from jifen.scoring.models import Entry
from jifen.supervision import sampling
from jifen.supervision.enums import CheckResult
from jifen.supervision.models import SpotCheck, SpotCheckItem
from jifen.supervision.permissions import can_supervise

MAX_SAMPLE = 200


def population(org: Organization, year: int) -> list[int]:
    """The ids a spot check draws from: the confirmed entries recorded in the subtree that year."""
    return list(Entry.objects.filter(branch__path__startswith=org.path, year=year,
                                     state=EntryState.CONFIRMED).values_list("pk", flat=True))


def population_digest(org: Organization, year: int) -> str:
    return sampling.digest(population(org, year))


@transaction.atomic
def draw_spot_check(*, actor, org: Organization, year: int, size: int,
                    seed: int | None = None, note: str = "") -> SpotCheck:
    """Draw `size` confirmed entries of `org`'s subtree and `year` at random (all of them when
    there are fewer). Without a seed a fresh one is chosen; either way it is stored, so the
    same seed over the same entries draws the same sample again."""
    if not can_supervise(actor, org):
        raise PermissionDenied("只有组织部或党总支可以随机抽查。")
    errors = {}
    if not 1 <= size <= MAX_SAMPLE:
        errors["size"] = f"抽查数量应在 1–{MAX_SAMPLE} 之间。"
    if seed is not None and not 0 <= seed <= sampling.MAX_SEED:
        errors["seed"] = "随机种子应为非负整数。"
    if errors:
        raise ValidationError(errors)
    ids = population(org, year)
    if not ids:
        raise ConflictError(f"{org.name} {year} 年还没有已认定的记录，无从抽查。")
    seed = sampling.new_seed() if seed is None else seed
    drawn = sampling.draw(ids, seed=seed, size=size)
    check = SpotCheck.objects.create(org=org, year=year, seed=seed, size=size,
                                     population=len(ids),
                                     population_digest=sampling.digest(ids),
                                     note=note.strip(), drawn_by=actor)
    SpotCheckItem.objects.bulk_create(
        [SpotCheckItem(spot_check=check, entry_id=pk, position=i)
         for i, pk in enumerate(drawn, start=1)])
    log_action("supervision.spot_check.drawn", actor=actor, obj=check, org=org,
               data={"year": year, "seed": seed, "size": size, "population": len(ids),
                     "population_digest": check.population_digest, "entries": drawn})
    return check


def is_party_to(user, entry: Entry) -> bool:
    """Four eyes: the entry's member, creator, reviewer or approver does not check it."""
    if user.pk in (entry.created_by_id, entry.reviewed_by_id, entry.approved_by_id):
        return True
    member = org_perm.member_of(user)
    return member is not None and member.pk == entry.member_id


@transaction.atomic
def record_check_result(*, actor, item: SpotCheckItem, result: str,
                        note: str = "") -> SpotCheckItem:
    """Record what the check of one drawn entry's evidence found. A result, once recorded,
    stands: the history of a spot check is not rewritten."""
    item = SpotCheckItem.objects.select_for_update(of=("self",)).select_related(
        "spot_check__org", "entry__branch").get(pk=item.pk)
    if not can_supervise(actor, item.spot_check.org):
        raise PermissionDenied("只有组织部或党总支可以记录抽查结果。")
    if result not in (CheckResult.FINE, CheckResult.PROBLEM):
        raise ValidationError({"result": "请选择核查结果：证明材料无误，或发现问题。"})
    note = note.strip()
    if result == CheckResult.PROBLEM and not note:
        raise ValidationError({"note": "发现问题时请写明问题。"})
    if item.is_checked:
        raise ConflictError("该记录的核查结果已经记录，不能更改。")
    if is_party_to(actor, item.entry):
        raise ConflictError("不能核查与自己有关、由自己录入或审核的记录（四眼原则）。")
    item.result, item.note = result, note
    item.checked_by, item.checked_at = actor, clock.now()
    item.save(update_fields=["result", "note", "checked_by", "checked_at"])
    log_action("supervision.spot_check.checked", actor=actor, obj=item.spot_check,
               org=item.entry.branch,
               data={"item": item.pk, "entry": item.entry_id, "before": CheckResult.PENDING,
                     "after": result, "note": note})
    return item
