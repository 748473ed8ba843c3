"""API.md §Imports and exports — the imports: one call validates and writes the whole file, or
nothing (422 with every row's error). Same checks and services as the web pages, without the
preview step."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from jifen.api.common import ERRORS, Error, get_visible_or_404
from jifen.core.xlsx import XLSX_TYPE, attachment
from jifen.imports import permissions as perm
from jifen.imports import services
from jifen.imports.enums import ImportKind
from jifen.imports.errors import ImportRejected
from jifen.imports.layouts import LAYOUTS, template_bytes
from jifen.org import permissions as org_perm
from jifen.org.enums import OrgKind

router = Router(tags=["导入"])


class AccountOut(Schema):
    row: int
    name: str
    username: str
    password: str


class ImportOut(Schema):
    created: int
    # logins the roster created, with their first password (shown once, must be changed)
    accounts: list[AccountOut] = []


def _run(request, kind: str, file, branch=None):
    if not perm.can_import(request.user, kind):
        raise PermissionDenied(f"您无权导入{ImportKind(kind).label}。")
    try:
        outcome = services.import_file(kind, actor=request.user, upload=file, branch=branch)
    except ImportRejected as e:  # a file that fails validation is 422 (API.md)
        return Status(422, {"detail": "文件未通过检查，没有导入任何数据。",
                            "errors": [{"field": err.field, "message": str(err)}
                                       for err in e.errors]})
    return {"created": outcome.created,
            "accounts": [vars(a) for a in outcome.accounts]}


@router.post("/imports/members", response={200: ImportOut, 422: Error, **ERRORS})
def import_members(request, file: UploadedFile = File(...)):  # noqa: B008
    return _run(request, ImportKind.MEMBERS, file)


@router.post("/imports/entries", response={200: ImportOut, 422: Error, **ERRORS})
def import_entries(request, file: UploadedFile = File(...),  # noqa: B008
                   org_id: int | None = None):
    """`org_id` (query) names the branch; it may be left out by someone who records in
    exactly one branch."""
    return _run(request, ImportKind.ENTRIES, file, _entry_branch(request.user, org_id))


def _entry_branch(user, org_id: int | None):
    if org_id is not None:
        branch = get_visible_or_404(org_perm.visible_organizations(user), org_id)
        if branch.kind != OrgKind.BRANCH:
            raise ValidationError({"org_id": "台账导入以党支部为单位。"})
        return branch
    branches = list(perm.entry_branches(user)[:2])
    if len(branches) == 1:
        return branches[0]
    if not branches:
        raise PermissionDenied("您无权导入台账记录。")
    raise ValidationError({"org_id": "您可以在多个支部记分，请用 org_id 指定支部。"})


@router.get("/imports/{kind}/template", response=ERRORS)
def template(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    if not perm.can_import(request.user, kind):
        raise PermissionDenied(f"您无权导入{ImportKind(kind).label}。")
    return attachment(template_bytes(kind), LAYOUTS[kind].filename, XLSX_TYPE)
