from django.urls import path

from jifen.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/members/", views.upload_members, name="members"),
    path("imports/entries/", views.upload_entries, name="entries"),
    path("imports/<str:kind>/template/", views.template, name="template"),
    path("imports/<uuid:token>/", views.preview, name="preview"),
    path("imports/<uuid:token>/confirm/", views.confirm, name="confirm"),
    path("imports/<uuid:token>/cancel/", views.cancel, name="cancel"),
]
