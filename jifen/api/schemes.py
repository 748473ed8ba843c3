"""API.md §Schemes — list, read (in the JSON export form), create from preset / derive / import."""

from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status

from jifen.api.common import ERRORS, Page, get_visible_or_404, paginate
from jifen.org import permissions as perm
from jifen.schemes import services
from jifen.schemes.models import Scheme
from jifen.schemes.permissions import visible_schemes
from jifen.schemes.queries import ancestor_scheme

router = Router(tags=["计分方案"])


class SchemeOut(Schema):
    id: int
    org_id: int
    year: int
    parent_id: int | None
    preset: str
    locked: bool
    scheme: dict[str, Any]


def scheme_out(scheme: Scheme) -> dict:
    return {"id": scheme.pk, "org_id": scheme.org_id, "year": scheme.year,
            "parent_id": scheme.parent_id, "preset": scheme.preset, "locked": scheme.is_locked,
            "scheme": scheme.definition}


@router.get("/schemes", response={200: Page, **ERRORS})
def list_schemes(request, org_id: int | None = None, year: int | None = None, page: int = 1,
                 size: int = 50):
    schemes = visible_schemes(request.user)
    if org_id is not None:
        schemes = schemes.filter(org_id=org_id)
    if year is not None:
        schemes = schemes.filter(year=year)
    return paginate(schemes, page, size, scheme_out)


@router.get("/schemes/{scheme_id}", response={200: SchemeOut, **ERRORS})
def get_scheme(request, scheme_id: int):
    return scheme_out(get_visible_or_404(visible_schemes(request.user), scheme_id))


class SchemeIn(Schema):
    org_id: int
    year: int
    preset: str | None = None
    parent_id: int | None = None
    scheme: dict[str, Any] | None = None


@router.post("/schemes", response={201: SchemeOut, **ERRORS})
def create_scheme(request, payload: SchemeIn):
    """Exactly one of `preset`, `parent_id` (derive from that ancestor scheme) or `scheme`."""
    org = get_visible_or_404(perm.visible_organizations(request.user), payload.org_id)
    given = [k for k in ("preset", "parent_id", "scheme") if getattr(payload, k) is not None]
    if len(given) != 1:
        raise ValidationError({"preset": "请在 preset、parent_id、scheme 中恰好提供一项。"})
    if payload.preset is not None:
        scheme = services.create_from_preset(actor=request.user, org=org, year=payload.year,
                                             preset=payload.preset)
    elif payload.scheme is not None:
        scheme = services.import_scheme(actor=request.user, org=org, year=payload.year,
                                        definition=payload.scheme)
    else:
        parent = get_visible_or_404(visible_schemes(request.user), payload.parent_id)
        if parent != ancestor_scheme(org, payload.year):
            raise ValidationError({"parent_id": "只能从本组织最近一级上级组织的同年度方案派生。"})
        scheme = services.derive_scheme(actor=request.user, org=org, year=payload.year)
    return Status(201, scheme_out(scheme))
