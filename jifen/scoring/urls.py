from django.urls import path

from jifen.scoring import views

app_name = "scoring"
urlpatterns = [
    path("ledger/", views.entry_list, name="entry-list"),
    path("ledger/new/", views.entry_create, name="entry-create"),
    path("ledger/batch/", views.entry_batch, name="entry-batch"),
    path("ledger/declare/", views.declare, name="declare"),
    path("ledger/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("ledger/<int:pk>/review/", views.entry_review, name="entry-review"),
    path("ledger/<int:pk>/approve/", views.entry_approve, name="entry-approve"),
    path("ledger/<int:pk>/reverse/", views.entry_reverse, name="entry-reverse"),
    path("ledger/<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("review/", views.review_queue, name="review-queue"),
    path("approval/", views.approval_queue, name="approval-queue"),
    path("ranking/", views.ranking, name="ranking"),
    path("overview/", views.overview, name="overview"),
    path("my/", views.my_score, name="my-score"),
    path("members/<int:pk>/score/", views.member_score, name="member-score"),
    path("branches/<int:pk>/settings/", views.branch_settings, name="branch-settings"),
]
