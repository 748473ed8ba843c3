"""This app's rows of the permission matrices (tests/org/test_permission_matrix.py for pages,
tests/api/test_api_matrix.py for the API). Personas, in order: anonymous, org_admin, reviewer,
secretary, committee, recorder, member, outsider. `prepare(world)` adds the objects the rows'
kwargs builders read (world is the `ledger` world of tests/ledger.py).

Supervision belongs to the org department and the general branch (reviewer) over their
subtrees. b1 is visible to its branch roles and to the member, who get 403; the outsider (a
secretary in another school) does not see b1 at all: 404.
"""

from tests.ledger import YEAR
from tests.supervision.support import confirmed_in_b1, spot_check


def prepare(world) -> None:
    confirmed_in_b1(world)
    world.spot_check = spot_check(world, size=2, seed=42)
    world.spot_item = world.spot_check.items.first()


def row(anonymous, org_admin, reviewer, secretary, committee, recorder, member, outsider):
    return {"anonymous": anonymous, "org_admin": org_admin, "reviewer": reviewer,
            "secretary": secretary, "committee": committee, "recorder": recorder,
            "member": member, "outsider": outsider}


_NOBODY_ELSE = row(302, 200, 200, 403, 403, 403, 403, 403)
_B1 = row(302, 200, 200, 403, 403, 403, 403, 404)

# url name → (method, kwargs builder, expected codes per persona, as a dict)
WEB_ROWS: dict = {
    "supervision:dashboard": ("get", lambda w: {}, _NOBODY_ELSE),
    "supervision:branch": ("get", lambda w: {"pk": w.b1.pk}, _B1),
    "supervision:spot-check-list": ("get", lambda w: {}, _NOBODY_ELSE),
    "supervision:spot-check-draw": ("get", lambda w: {}, _NOBODY_ELSE),
    "supervision:spot-check-detail": ("get", lambda w: {"pk": w.spot_check.pk}, _B1),
    # an empty form: refused with a message, back to the check (302)
    "supervision:spot-check-record": (
        "post", lambda w: {"pk": w.spot_check.pk, "item_pk": w.spot_item.pk},
        row(302, 302, 302, 403, 403, 403, 403, 404)),
}


def _fresh_item(w) -> str:
    """A new check of one entry for each call: a recorded result cannot be recorded again."""
    check = spot_check(w)
    return f"/spot-checks/{check.pk}/items/{check.items.get().pk}"


# (method, "/api/v1/…" path template) → (path builder, body builder or None, expected codes)
API_ROWS: dict = {
    ("get", "/api/v1/supervision"): (
        lambda w: f"/supervision?org_id={w.b1.pk}&year={YEAR}", None,
        row(401, 200, 200, 403, 403, 403, 403, 404)),
    ("get", "/api/v1/spot-checks"): (
        lambda w: "/spot-checks", None, row(401, 200, 200, 403, 403, 403, 403, 403)),
    ("post", "/api/v1/spot-checks"): (
        lambda w: "/spot-checks", lambda w: {"org_id": w.b1.pk, "year": YEAR, "size": 2},
        row(401, 201, 201, 403, 403, 403, 403, 404)),
    ("get", "/api/v1/spot-checks/{check_id}"): (
        lambda w: f"/spot-checks/{w.spot_check.pk}", None,
        row(401, 200, 200, 403, 403, 403, 403, 404)),
    ("post", "/api/v1/spot-checks/{check_id}/items/{item_id}"): (
        _fresh_item, lambda w: {"result": "fine"}, row(401, 200, 200, 403, 403, 403, 403, 404)),
}
