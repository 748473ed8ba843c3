"""The commitment board (承诺公示栏 with the identity posts) and the identity posts' editing.

The board is for the branch's members after login. A branch may also give it a public link for
群众监督 (Doc A: "向广大师生公示接受监督"); that page shows names, commitments, outcomes and
posts only — no phone, ID number, staff number or score.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from jifen.commitments import identity, queries
from jifen.commitments import permissions as perm
from jifen.commitments.forms import PostForm
from jifen.commitments.models import BranchBoard
from jifen.commitments.views.common import (
    get_branch_for_user,
    get_post_for_user,
    pick_branch,
    recent_years,
    run,
    save_form,
    year_param,
)
from jifen.org.models import Member


@login_required
def board(request, branch_pk: int):
    branch = get_branch_for_user(request.user, branch_pk)
    year = year_param(request)
    can_lead = perm.can_lead(request.user, branch)
    token = BranchBoard.objects.filter(branch=branch).values_list(
        "public_token", flat=True).first() if can_lead else ""
    return render(request, "commitments/board.html", {
        "branch": branch, "year": year, "years": recent_years(), "can_lead": can_lead,
        "public_token": token or "", **queries.board(branch, year)})


def public_board(request, token: str):
    """No login: what the branch chose to show the public."""
    board_row = get_object_or_404(BranchBoard.objects.select_related("branch").exclude(
        public_token=""), public_token=token)
    year = year_param(request)
    return render(request, "commitments/public_board.html", {
        "branch": board_row.branch, "year": year, **queries.board(board_row.branch, year)})


@login_required
@require_POST
def board_link(request, branch_pk: int):
    branch = get_branch_for_user(request.user, branch_pk)
    public = request.POST.get("public") == "1"
    run(request, lambda: identity.set_public_board(actor=request.user, branch=branch,
                                                   public=public),
        "已生成公开链接。" if public else "已关闭公开链接。")
    return redirect("commitments:board", branch_pk=branch.pk)


# --- identity posts --------------------------------------------------------------------------

@login_required
def post_list(request):
    branches = perm.branches_with(request.user, perm.OVERVIEW_ROLES)
    branch = pick_branch(request, branches)
    return render(request, "commitments/post_list.html", {
        "branch": branch, "branches": branches, "posts": queries.posts_by_kind(branch),
        "can_lead": perm.can_lead(request.user, branch)})


def _post_form(request, branch, initial=None) -> PostForm:
    return PostForm(request.POST or None, initial=initial,
                    members=Member.objects.filter(branch=branch).order_by("name", "id"))


@login_required
@require_http_methods(["GET", "POST"])
def post_create(request):
    branch = pick_branch(request, perm.branches_with(request.user, perm.LEAD_ROLES))
    form = _post_form(request, branch)
    if request.method == "POST" and form.is_valid() and save_form(
            form, lambda d: identity.create_post(
                actor=request.user, branch=branch, kind=d["kind"], name=d["name"],
                place=d["place"], duties=d["duties"], members=d["member_ids"])):
        messages.success(request, "已保存，并在本支部公示栏亮明。")
        return redirect(f"{reverse('commitments:post-list')}?branch={branch.pk}")
    return render(request, "commitments/post_form.html", {
        "form": form, "branch": branch, "title": "新增亮明身份岗位"})


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk: int):
    post = get_post_for_user(request.user, pk)
    if not perm.can_lead(request.user, post.branch):
        raise PermissionDenied
    form = _post_form(request, post.branch, initial={
        "kind": post.kind, "name": post.name, "place": post.place, "duties": post.duties,
        "member_ids": list(post.members.all())})
    if request.method == "POST" and form.is_valid() and save_form(
            form, lambda d: identity.update_post(
                actor=request.user, post=post, kind=d["kind"], name=d["name"],
                place=d["place"], duties=d["duties"], members=d["member_ids"])):
        messages.success(request, "已保存。")
        return redirect(f"{reverse('commitments:post-list')}?branch={post.branch_id}")
    return render(request, "commitments/post_form.html", {
        "form": form, "branch": post.branch, "post": post, "title": "修改亮明身份岗位"})


@login_required
@require_POST
def post_delete(request, pk: int):
    post = get_post_for_user(request.user, pk)
    run(request, lambda: identity.delete_post(actor=request.user, post=post), "已删除。")
    return redirect(f"{reverse('commitments:post-list')}?branch={post.branch_id}")
