"""Importing a member roster or a batch of ledger entries from an .xlsx file.

All or nothing: a file with any bad row is refused with every row's error, and nothing is
written. The rows are written through org.services.create_member and
scoring.services.create_entry, in one transaction, so the same rules, permissions and audit rows
apply as for one member or one entry; a summary audit row records the import itself.

The web pages go upload → preview → confirm. The upload stores the cells it read (encrypted, never
the file) as a PendingImport of its uploader, with the digest of the plan the preview shows;
confirming re-validates those cells inside the writing transaction and refuses if the plan is no
longer the one shown. The API has no preview step: it validates and writes in one call.
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from jifen.accounts.passwords import temporary_password
from jifen.audit.models import AuditEntry, Result
from jifen.audit.services import log_action
from jifen.core.errors import ConflictError
from jifen.imports import permissions as perm
from jifen.imports.enums import ImportKind
from jifen.imports.errors import ImportRejected, RowError
from jifen.imports.layouts import layout_for
from jifen.imports.ledger import validate_entries
from jifen.imports.models import PendingImport
from jifen.imports.plan import Plan
from jifen.imports.reading import Upload, read_cells, read_upload
from jifen.imports.roster import validate_members
from jifen.org import services as org_services
from jifen.org.models import Organization
from jifen.scoring import services as scoring_services

PENDING_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class Account:
    """A login created by a roster import; the password is shown once and never stored."""

    row: int
    name: str
    username: str
    password: str


@dataclass
class Outcome:
    kind: str
    created: int
    branch_counts: list[tuple[str, int]] = field(default_factory=list)  # (branch name, rows)
    accounts: list[Account] = field(default_factory=list)


# --- entry points ------------------------------------------------------------------------------

def stage(kind: str, *, actor, upload, branch: Organization | None = None) -> PendingImport:
    """Check and validate an upload and keep it for its preview; nothing is imported yet."""
    purge_expired()
    check_permission(actor, kind, branch)
    file = _read(kind, actor, upload, branch)
    cells = _cells(kind, actor, file, branch)
    plan = _validate_or_log(kind, actor, cells, branch, file)
    return PendingImport.objects.create(
        kind=kind, uploaded_by=actor, branch=branch, file_name=file.name,
        file_sha256=file.sha256, row_count=len(cells), cells_cipher=PendingImport.seal(cells),
        plan_digest=plan.digest, expires_at=timezone.now() + PENDING_TTL,
    )


def preview(pending: PendingImport, *, actor) -> Plan:
    """What confirming would create now (ImportRejected if the rows no longer pass)."""
    check_permission(actor, pending.kind, pending.branch)
    return validate(pending.kind, actor=actor, cells=pending.cells, branch=pending.branch)


def confirm(pending: PendingImport, *, actor) -> Outcome:
    """Write what the preview showed, in one transaction, or nothing.

    Raises PendingImport.DoesNotExist when it has been confirmed, cancelled or has expired
    meanwhile (a double submit finds it gone), ImportRejected when a row no longer passes or the
    plan differs from the one previewed; the pending import is deleted either way.
    """
    try:
        with transaction.atomic():
            # of=("self",): PostgreSQL cannot lock the nullable side of the outer join
            pending = (PendingImport.objects.select_for_update(of=("self",))
                       .select_related("branch")
                       .get(pk=pending.pk, uploaded_by=actor, expires_at__gt=timezone.now()))
            check_permission(actor, pending.kind, pending.branch)
            plan = validate(pending.kind, actor=actor, cells=pending.cells, branch=pending.branch)
            if plan.digest != pending.plan_digest:
                raise ImportRejected.file("预览之后，相关数据（计分方案、党员信息等）已经变化，"
                                          "导入结果将与预览不同。请重新上传并核对预览。")
            outcome = _write(plan, actor=actor, file_name=pending.file_name,
                             sha256=pending.file_sha256, branch=pending.branch)
            pending.delete()
    except ImportRejected as e:
        PendingImport.objects.filter(pk=pending.pk).delete()
        _log_rejected(pending.kind, actor, pending.file_name, pending.file_sha256,
                      pending.branch, e)
        raise
    return outcome


def earlier_import(pending: PendingImport) -> AuditEntry | None:
    """The last import of the very same file (by content) into the same scope, if any: a ledger
    batch imported twice records every line twice, so the preview warns about it."""
    earlier = AuditEntry.objects.filter(action=f"imports.{pending.kind}.imported",
                                        data__sha256=pending.file_sha256)
    if pending.branch_id is not None:
        earlier = earlier.filter(org_id=pending.branch_id)
    return earlier.order_by("-id").first()


def cancel(pending: PendingImport) -> None:
    PendingImport.objects.filter(pk=pending.pk).delete()


def import_file(kind: str, *, actor, upload, branch: Organization | None = None) -> Outcome:
    """The API's one step: check, validate and write the file, or nothing."""
    check_permission(actor, kind, branch)
    file = _read(kind, actor, upload, branch)
    cells = _cells(kind, actor, file, branch)
    try:
        with transaction.atomic():
            plan = validate(kind, actor=actor, cells=cells, branch=branch)
            return _write(plan, actor=actor, file_name=file.name, sha256=file.sha256,
                          branch=branch)
    except ImportRejected as e:
        _log_rejected(kind, actor, file.name, file.sha256, branch, e)
        raise


def purge_expired() -> int:
    """Delete pending imports past their expiry (run on every upload and by purge_imports)."""
    count, _ = PendingImport.objects.filter(expires_at__lte=timezone.now()).delete()
    return count


# --- checking ----------------------------------------------------------------------------------

def check_permission(actor, kind: str, branch: Organization | None) -> None:
    if not perm.can_import(actor, kind):
        raise PermissionDenied("您无权导入" + ImportKind(kind).label + "。")
    if kind == ImportKind.ENTRIES and (
        branch is None or not perm.entry_branches(actor).filter(pk=branch.pk).exists()
    ):
        raise PermissionDenied("您无权在该支部记分。")


def validate(kind: str, *, actor, cells: list[dict], branch: Organization | None) -> Plan:
    if kind == ImportKind.MEMBERS:
        return validate_members(actor=actor, cells=cells)
    return validate_entries(actor=actor, branch=branch, cells=cells)


def _read(kind, actor, upload, branch) -> Upload:
    try:
        return read_upload(upload)
    except ImportRejected as e:
        _log_rejected(kind, actor, getattr(upload, "name", ""), "", branch, e)
        raise


def _cells(kind, actor, file: Upload, branch) -> list[dict]:
    try:
        return read_cells(file.content, layout_for(kind))
    except ImportRejected as e:
        _log_rejected(kind, actor, file.name, file.sha256, branch, e)
        raise


def _validate_or_log(kind, actor, cells, branch, file: Upload) -> Plan:
    try:
        return validate(kind, actor=actor, cells=cells, branch=branch)
    except ImportRejected as e:
        _log_rejected(kind, actor, file.name, file.sha256, branch, e)
        raise


# --- writing -----------------------------------------------------------------------------------

def _write(plan: Plan, *, actor, file_name: str, sha256: str,
           branch: Organization | None) -> Outcome:
    """Create every planned row through its service; any failure rolls the whole file back."""
    prefetch_related_objects([actor], "role_assignments")  # one query for every audit row
    writer = _write_members if plan.kind == ImportKind.MEMBERS else _write_entries
    outcome, branches = writer(plan, actor)
    counts = _count_by_branch(branches)
    outcome.branch_counts = [(b.name, n) for b, n in counts.items()]
    log_action(f"imports.{plan.kind}.imported", actor=actor,
               org=branch or _common_ancestor(branches), data={
                   "file": file_name, "sha256": sha256, "rows": len(plan.rows),
                   "created": outcome.created, "logins": len(outcome.accounts),
                   "branches": {str(b.pk): n for b, n in counts.items()},
               })
    return outcome


def _write_members(plan: Plan, actor) -> tuple[Outcome, list]:
    """All rows through org_services.create_members: the registration's own checks, then bulk
    inserts (a row the plan let through but the service refuses names its row)."""
    passwords = [temporary_password() if row.username else "" for row in plan.rows]
    new = [org_services.NewMember(
        branch=row.branch, name=row.name, gender=row.gender, category=row.category,
        status=row.status, joined_on=row.joined_on, staff_no=row.staff_no, phone=row.phone,
        id_number=row.id_number, username=row.username, password=password)
        for row, password in zip(plan.rows, passwords, strict=True)]
    try:
        org_services.create_members(actor=actor, rows=new)
    except (ValidationError, PermissionDenied, ConflictError) as e:
        row = plan.rows[getattr(e, "row_index", 0)].row
        raise ImportRejected(_row_errors(row, e)) from e
    accounts = [Account(row.row, row.name, row.username, password)
                for row, password in zip(plan.rows, passwords, strict=True) if row.username]
    return (Outcome(ImportKind.MEMBERS, len(plan.rows), accounts=accounts),
            [row.branch for row in plan.rows])


def _write_entries(plan: Plan, actor) -> tuple[Outcome, list]:
    errors = []
    for row in plan.rows:
        try:
            scoring_services.create_entry(
                actor=actor, member=row.member, item_code=row.item["code"], points=row.points,
                occurred_on=row.occurred_on, reason=row.reason)
        except (ValidationError, PermissionDenied, ConflictError) as e:
            errors.extend(_row_errors(row.row, e))
    if errors:
        raise ImportRejected(errors)
    branches = [row.member.branch for row in plan.rows]
    return Outcome(ImportKind.ENTRIES, len(plan.rows)), branches


def _row_errors(row: int, error: Exception) -> list[RowError]:
    if isinstance(error, ValidationError):
        return [RowError(row, message) for message in error.messages]
    if isinstance(error, ConflictError):
        return [RowError(row, error.message)]
    return [RowError(row, str(error) or "无权执行此操作。")]


def _count_by_branch(branches: list) -> dict:
    counts: dict = {}
    for branch in branches:
        counts[branch] = counts.get(branch, 0) + 1
    return counts


def _common_ancestor(branches: list) -> Organization | None:
    """The deepest organization whose subtree holds every branch (the import's scope)."""
    if not branches:
        return None
    prefix = os.path.commonprefix([b.path for b in branches])
    ids = [part for part in prefix[: prefix.rfind("/") + 1].split("/") if part]
    return Organization.objects.filter(pk=int(ids[-1])).first() if ids else None


# --- audit of refusals -------------------------------------------------------------------------

def _log_rejected(kind: str, actor, file_name: str, sha256: str, branch, error: ImportRejected):
    """A refused file leaves no data, only this failure row (in its own transaction)."""
    with transaction.atomic():
        log_action(f"imports.{kind}.rejected", actor=actor, org=branch, result=Result.FAILURE,
                   data={"file": file_name, "sha256": sha256, "errors": len(error.errors),
                         "rows": sorted({e.row for e in error.errors if e.row})[:50]})

