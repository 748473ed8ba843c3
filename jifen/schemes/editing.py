"""Pure edits of a scheme definition (the engine's JSON form); services validate the result."""

import copy
from decimal import Decimal

CATEGORY_SIGNS = {"+": "加分", "-": "扣分", "veto": "一票否决"}
MEMBER_CATEGORY_TITLES = {"teacher": "教工", "student": "学生"}
ITEM_FLAGS = ("evidence_required", "declarable", "needs_general_branch_approval",
              "marks_no_identity")


def num(value: Decimal | None) -> str | None:
    """Decimal → the definition's plain string ("2", "0.5"); None stays None."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def with_settings(definition: dict, *, title: str, base: Decimal, floor: Decimal,
                  ceiling: Decimal | None, publicity_days: int) -> dict:
    new = copy.deepcopy(definition)
    new.update(title=title, base=num(base), floor=num(floor), ceiling=num(ceiling),
               publicity_days=publicity_days)
    return new


def with_item(definition: dict, code: str, fields: dict) -> dict:
    """Replace (or, for a new code, append) an item with `fields` (form values)."""
    new = copy.deepcopy(definition)
    item = {
        "code": code, "title": fields["title"], "category": fields["category"],
        "min": num(fields["min"]), "max": num(fields["max"]),
        "cap_per_period": num(fields.get("cap_per_period")),
        "applies_to": list(fields["applies_to"]),
        **{flag: bool(fields.get(flag)) for flag in ITEM_FLAGS},
    }
    if fields.get("description"):
        item["description"] = fields["description"]
    for index, existing in enumerate(new["items"]):
        if existing["code"] == code:
            new["items"][index] = item
            return new
    new["items"].append(item)
    return new


def without_item(definition: dict, code: str) -> dict:
    new = copy.deepcopy(definition)
    new["items"] = [i for i in new["items"] if i["code"] != code]
    return new


def with_category(definition: dict, key: str, *, title: str, cap: Decimal | None) -> dict:
    new = copy.deepcopy(definition)
    for category in new["categories"]:
        if category["key"] == key:
            category.update(title=title, cap_per_period=num(cap))
    return new


def with_grades(definition: dict, changes: dict[str, dict]) -> dict:
    """changes: grade key → {"title", "threshold", "share"} (where the rule has them)."""
    new = copy.deepcopy(definition)
    for rule in new["grades"]:
        change = changes.get(rule["key"])
        if not change:
            continue
        rule["title"] = change["title"]
        for bound in ("min_total", "max_total_below"):
            if bound in rule and change.get("threshold") is not None:
                rule[bound] = num(change["threshold"])
        if "rank" in rule and change.get("share") is not None:
            side = next(iter(rule["rank"]))
            rule["rank"] = {side: num(change["share"])}
    return new


def items_by_category(definition: dict) -> list[tuple[dict, list[dict]]]:
    """The item table as people print it: each category with its items."""
    items = definition.get("items", [])
    return [(c, [i for i in items if i["category"] == c["key"]])
            for c in definition.get("categories", [])]
