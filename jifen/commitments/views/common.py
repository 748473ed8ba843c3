"""Access helpers and small request helpers shared by the commitment pages.

get_*_for_user: 404 when the object is not visible; the views then check the can_* predicate
and answer 403 when it is visible but not allowed (HC's `_get_rw_check_for_user`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse

from jifen.commitments import permissions as perm
from jifen.commitments.models import Commitment, CommitmentReport, IdentityPost, YearReport
from jifen.core import clock
from jifen.core.errors import ConflictError
from jifen.core.forms import add_service_errors
from jifen.org.models import Organization


def get_commitment_for_user(user, pk: int) -> Commitment:
    return get_object_or_404(perm.visible_commitments(user).select_related(
        "member__branch", "branch", "created_by", "reviewed_by", "outcome_by",
        "deduction_entry"), pk=pk)


def get_report_for_user(user, pk: int) -> CommitmentReport:
    return get_object_or_404(perm.visible_reports(user).select_related(
        "commitment__member", "commitment__branch"), pk=pk)


def get_post_for_user(user, pk: int) -> IdentityPost:
    return get_object_or_404(perm.visible_posts(user).select_related("branch"), pk=pk)


def get_year_report_for_user(user, pk: int) -> YearReport:
    return get_object_or_404(perm.visible_year_reports(user).select_related(
        "member__branch", "branch", "written_by", "remark_by"), pk=pk)


def get_branch_for_user(user, pk: int) -> Organization:
    return get_object_or_404(perm.visible_branches(user), pk=pk)


def pick_branch(request, branches) -> Organization:
    """The branch a page works on: ?branch=ID among the allowed ones, else the first."""
    branch_id = request.GET.get("branch") or request.POST.get("branch")
    branch = (branches.filter(pk=branch_id).first() if branch_id and branch_id.isdigit()
              else branches.first())
    if branch is None:
        raise PermissionDenied
    return branch


def year_param(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 \
        else clock.today().year


def recent_years() -> range:
    year = clock.today().year
    return range(year + 1, year - 4, -1)


def run(request, action, success: str):
    """Call a service from a POST and return its result; a refusal becomes a message (and
    None), never a half-done change. PermissionDenied is left to Django (403)."""
    try:
        result = action()
    except ConflictError as e:
        messages.error(request, e.message)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, success)
        return result
    return None


def save_form(form, action):
    """Run a service with a valid form's data and return its result; a refusal lands on the
    form (on the field it names), which keeps what was typed, and gives None."""
    try:
        return action(form.cleaned_data)
    except (ValidationError, ConflictError) as e:
        add_service_errors(form, e)
    return None


def overview_url(branch_id: int, year: int) -> str:
    return f"{reverse('commitments:overview')}?branch={branch_id}&year={year}"
