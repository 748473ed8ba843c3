from django.urls import path

from jifen.org import views

app_name = "org"
urlpatterns = [
    path("orgs/", views.org_tree, name="tree"),
    path("orgs/new/", views.org_create, name="org-create"),
    path("orgs/<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("members/", views.member_list, name="member-list"),
    path("members/new/", views.member_create, name="member-create"),
    path("members/export/", views.member_export, name="member-export"),
    path("members/export/full/", views.member_export_full, name="member-export-full"),
    path("members/<int:pk>/", views.member_detail, name="member-detail"),
    path("members/<int:pk>/reveal/", views.member_reveal, name="member-reveal"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("members/<int:pk>/transfer/", views.member_transfer, name="member-transfer"),
    path("members/<int:member_pk>/exemption/", views.exemption_propose, name="exemption-propose"),
    path("exemptions/", views.exemption_list, name="exemption-list"),
    path("exemptions/<int:pk>/decide/", views.exemption_decide, name="exemption-decide"),
    path("roles/", views.role_list, name="role-list"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role-delete"),
]
