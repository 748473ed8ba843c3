"""Pages of the imports: upload → preview → confirm (or cancel), and the templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jifen.core.xlsx import XLSX_TYPE, attachment
from jifen.imports import permissions as perm
from jifen.imports import services
from jifen.imports.enums import ImportKind
from jifen.imports.errors import ImportRejected
from jifen.imports.forms import EntryUploadForm, UploadForm
from jifen.imports.layouts import LAYOUTS, MAX_ROWS, layout_for, template_bytes
from jifen.imports.models import PendingImport


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _pending_for(user, token) -> PendingImport:
    """Only its uploader sees a pending import, and only until it expires (404 otherwise)."""
    return get_object_or_404(PendingImport.objects.select_related("branch"), token=token,
                             uploaded_by=user, expires_at__gt=timezone.now())


@login_required
def index(request):
    user = request.user
    _require(perm.can_import_any(user))
    return render(request, "imports/index.html", {
        "can_members": perm.can_import(user, ImportKind.MEMBERS),
        "can_entries": perm.can_import(user, ImportKind.ENTRIES),
        "pending": PendingImport.objects.filter(uploaded_by=user, expires_at__gt=timezone.now())
        .select_related("branch"),
        "max_rows": MAX_ROWS,
    })


@login_required
def template(request, kind: str):
    if kind not in ImportKind.values:
        raise Http404
    _require(perm.can_import(request.user, kind))
    return attachment(template_bytes(kind), LAYOUTS[kind].filename, XLSX_TYPE)


@login_required
@require_http_methods(["GET", "POST"])
def upload_members(request):
    _require(perm.can_import(request.user, ImportKind.MEMBERS))
    form = UploadForm(request.POST or None, request.FILES or None)
    return _upload(request, form, ImportKind.MEMBERS)


@login_required
@require_http_methods(["GET", "POST"])
def upload_entries(request):
    user = request.user
    _require(perm.can_import(user, ImportKind.ENTRIES))
    branches = perm.entry_branches(user)
    chosen = branches.filter(pk=request.GET.get("branch") or 0).first() or branches.first()
    form = EntryUploadForm(request.POST or None, request.FILES or None, branches=branches,
                           initial={"branch": chosen})
    return _upload(request, form, ImportKind.ENTRIES)


def _upload(request, form, kind: str):
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            pending = services.stage(kind, actor=request.user, upload=form.cleaned_data["file"],
                                     branch=form.cleaned_data.get("branch"))
        except ImportRejected as e:
            errors = e.errors
        else:
            return redirect("imports:preview", token=pending.token)
    return render(request, "imports/upload.html", {
        "form": form, "kind": kind, "layout": layout_for(kind), "errors": errors,
        "title": f"导入{ImportKind(kind).label}",
    })


@login_required
def preview(request, token):
    pending = _pending_for(request.user, token)
    plan, errors = None, []
    try:
        plan = services.preview(pending, actor=request.user)
    except ImportRejected as e:
        errors = e.errors
    return render(request, "imports/preview.html", {
        "pending": pending, "plan": plan, "errors": errors,
        "changed": plan is not None and plan.digest != pending.plan_digest,
        "earlier": services.earlier_import(pending),
        "logins": sum(1 for row in plan.rows if getattr(row, "username", "")) if plan else 0,
        "collect_id_number": settings.JIFEN_COLLECT_ID_NUMBER,
        "title": f"导入{pending.get_kind_display()} · 预览",
    })


@login_required
@require_POST
def confirm(request, token):
    pending = _pending_for(request.user, token)
    try:
        outcome = services.confirm(pending, actor=request.user)
    except PendingImport.DoesNotExist as e:  # confirmed or cancelled in another tab meanwhile
        raise Http404 from e
    except ImportRejected as e:
        return render(request, "imports/done.html", {"pending": pending, "errors": e.errors})
    # Rendered, not redirected: new logins' first passwords are shown here once, never stored.
    return render(request, "imports/done.html", {"pending": pending, "outcome": outcome})


@login_required
@require_POST
def cancel(request, token):
    pending = _pending_for(request.user, token)
    services.cancel(pending)
    messages.info(request, f"已取消导入“{pending.file_name}”，上传的数据已删除。")
    return redirect("imports:index")
